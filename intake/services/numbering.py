"""Case numbers: readable, unique, one daily sequence per hall or channel.

Format ``{prefix}{yyyymmdd}{seq:05d}``, e.g. ``JP2026112700012``: JP/JZ for the
halls' counters, WS (网上) for online, ZZ (自助) for kiosks. The sequence row is
locked (select_for_update) for the increment, so concurrent acceptances never share
a number; the first acceptance of a day creates the row and a racing second one
retries on the unique constraint.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from ..constants import Channel
from ..models import Application, CaseNumberSequence

CHANNEL_PREFIX = {Channel.ONLINE: "WS", Channel.KIOSK: "ZZ"}


def case_number_prefix(application: Application) -> str:
    if application.channel == Channel.COUNTER and application.hall_id:
        return application.hall.code
    return CHANNEL_PREFIX.get(application.channel, "WS")


def case_number_next(*, prefix: str, day: datetime.date) -> str:
    for _attempt in range(5):
        updated = CaseNumberSequence.objects.filter(prefix=prefix, day=day).update(
            last_value=F("last_value") + 1
        )
        if updated:
            value = (
                CaseNumberSequence.objects.filter(prefix=prefix, day=day)
                .values_list("last_value", flat=True)
                .get()
            )
            return f"{prefix}{day:%Y%m%d}{value:05d}"
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(prefix=prefix, day=day, last_value=1)
            return f"{prefix}{day:%Y%m%d}{1:05d}"
        except IntegrityError:
            continue  # another transaction created today's row first: increment it
    raise RuntimeError("could not allocate a case number")
