"""Case numbers and document numbers.

Case numbers: readable, unique, one daily sequence per hall or channel.

Format ``{prefix}{yyyymmdd}{seq:05d}``, e.g. ``JP2026112700012``: JP/JZ for the
halls' counters, WS (网上) for online, ZZ (自助) for kiosks (``CaseNumberSequence``).

Document numbers: 金普{code}〔{year}〕{seq:06d}号, one yearly sequence per document type
(``DocumentNumberSequence``), e.g. 金普SL〔2026〕000001号 for the year's first 受理通知书.

Both are ``jinpu_portal.models.Sequence``: one statement creates or increments the
key's row and keeps it locked until the caller commits, so concurrent callers never
share a number and a rolled-back one gives its number back.
"""

import datetime

from ..constants import Channel
from ..models import Application, CaseNumberSequence, DocumentNumberSequence

CHANNEL_PREFIX = {Channel.ONLINE: "WS", Channel.KIOSK: "ZZ"}


def case_number_prefix(application: Application) -> str:
    if application.channel == Channel.COUNTER and application.hall_id:
        return application.hall.code
    return CHANNEL_PREFIX.get(application.channel, "WS")


def case_number_next(*, prefix: str, day: datetime.date) -> str:
    """The next number of ``prefix`` on ``day`` (the day's first acceptance starts it)."""
    value = CaseNumberSequence.next_value(prefix=prefix, day=day)
    return f"{prefix}{day:%Y%m%d}{value:05d}"


def document_number_next(*, code: str, year: int) -> str:
    """The next number of document type ``code`` in ``year``. Call it as late as the
    caller can: every document of the type issued meanwhile waits for that commit."""
    value = DocumentNumberSequence.next_value(code=code, year=year)
    return f"金普{code}〔{year}〕{value:06d}号"
