"""Case numbers and document numbers.

Case numbers: readable, unique, one daily sequence per hall or channel.

Format ``{prefix}{yyyymmdd}{seq:05d}``, e.g. ``JP2026112700012``: JP/JZ for the
halls' counters, WS (网上) for online, ZZ (自助) for kiosks. The sequence row is
created or incremented by one upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING,
PostgreSQL and SQLite alike), which locks it until the acceptance commits, so
concurrent acceptances never share a number.

Document numbers: 金普{code}〔{year}〕{seq:06d}号, one yearly sequence per document type
(``DocumentNumberSequence``), e.g. 金普SL〔2026〕000001号 for the year's first 受理通知书.
"""

import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from ..constants import Channel
from ..models import Application, DocumentNumberSequence

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


def document_number_next(*, code: str, year: int) -> str:
    """The next number of document type ``code`` in ``year``. The type's row is
    incremented in place (UPDATE ... SET last_value = last_value + 1) and read back in
    the same transaction: the UPDATE locks the row until the caller's transaction ends,
    so two documents never share a number and a rolled-back one gives its number back.
    Call it as late as the caller can: every document of the type issued meanwhile
    waits for that commit. The year's first document creates the row; when two race to
    create it, the loser's INSERT waits for the winner's commit, fails on the unique
    constraint (in a savepoint) and increments the winner's row instead."""
    rows = DocumentNumberSequence.objects.filter(code=code, year=year)
    with transaction.atomic(savepoint=False):
        if not rows.update(last_value=F("last_value") + 1):
            try:
                with transaction.atomic():
                    DocumentNumberSequence.objects.create(code=code, year=year, last_value=1)
            except IntegrityError:
                rows.update(last_value=F("last_value") + 1)
        value = rows.values_list("last_value", flat=True).get()
    return f"金普{code}〔{year}〕{value:06d}号"
