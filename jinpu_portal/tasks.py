from celery import shared_task


@shared_task(name="jinpu_portal.ping")
def ping(payload: str) -> dict:
    """Round trip used by the health check and the broker test."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {"echo": payload, "database": one == 1}
