"""Celery tasks of intake: rendering notices to PDF and the pre-review sweep (art. 32)."""

from celery import shared_task


# ignore_result: the notice row is the result. With a result backend, each call would
# also subscribe the calling web process to the task's result channel, and keep the
# subscription, since nobody waits for it.
@shared_task(
    name="intake.notice_render",
    acks_late=True,
    max_retries=3,
    default_retry_delay=30,
    ignore_result=True,
)
def notice_render(notice_id: int) -> str:
    """Render a notice's PDF once and store it with its hash (idempotent)."""
    from .services.notices import notice_render as render

    return render(notice_id=notice_id).sha256


@shared_task(name="intake.notices_render_pending", acks_late=True)
def notices_render_pending() -> int:
    """Render the notices whose render message never arrived (beat, every 5 minutes)."""
    from .services.notices import notices_render_pending as render_pending

    return render_pending()


@shared_task(name="intake.prereview_sweep", acks_late=True)
def prereview_sweep() -> dict:
    """Warn about and auto-accept applications of every channel left without pre-review
    (art. 32).
    Idempotent: beat runs it every ten minutes and a missed run is caught up by the next."""
    from .services.prereview import prereview_sweep as sweep

    result = sweep()
    return {"warned": len(result.warned), "auto_accepted": len(result.auto_accepted)}
