from celery import shared_task


@shared_task(name="intake.notice_render", acks_late=True, max_retries=3, default_retry_delay=30)
def notice_render(notice_id: int) -> str:
    """Render a notice's PDF once and store it with its hash (idempotent)."""
    from .services.notices import notice_render as render

    return render(notice_id=notice_id).sha256
