"""Case numbers: readable, unique, one daily sequence per hall or channel.

Format ``{prefix}{yyyymmdd}{seq:05d}``, e.g. ``JP2026112700012``: JP/JZ for the
halls' counters, WS (网上) for online, ZZ (自助) for kiosks. The sequence row is
created or incremented by one upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING,
PostgreSQL and SQLite alike), which locks it until the acceptance commits, so
concurrent acceptances never share a number.
"""

import datetime

from django.db import connection

from ..constants import Channel
from ..models import Application

# CaseNumberSequence's table (a test keeps the name in step with the model).
UPSERT = (
    "INSERT INTO intake_casenumbersequence (prefix, day, last_value) VALUES (%s, %s, 1)"
    " ON CONFLICT (prefix, day) DO UPDATE"
    " SET last_value = intake_casenumbersequence.last_value + 1"
    " RETURNING last_value"
)
CHANNEL_PREFIX = {Channel.ONLINE: "WS", Channel.KIOSK: "ZZ"}


def case_number_prefix(application: Application) -> str:
    if application.channel == Channel.COUNTER and application.hall_id:
        return application.hall.code
    return CHANNEL_PREFIX.get(application.channel, "WS")


def case_number_next(*, prefix: str, day: datetime.date) -> str:
    """The next number of ``prefix`` on ``day``, in one statement: the day's row is
    created by the first acceptance or incremented, and the new value returned. The row
    stays locked until the caller's transaction ends, so numbers are never shared and
    a rolled-back acceptance gives its number back."""
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [prefix, day.isoformat()])
        (value,) = cursor.fetchone()
    return f"{prefix}{day:%Y%m%d}{value:05d}"
