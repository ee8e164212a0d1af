"""The catalog's signals and receivers: ``calendar_edited``, sent for the apps above it
after an edit of the working-day calendar commits; and the receivers that retire the
per-process caches of the calendar, item versions and item detail JSON (``connect``,
called in ``CatalogConfig.ready``)."""

from django.db import transaction
from django.dispatch import Signal

from accounts.models import Department, Hall

from .api import cache as detail_cache
from .calendar import CALENDAR
from .models import CalendarDay, CalendarYear, ItemVersion, ServiceItem, ServiceObjectType
from .version_cache import VERSIONS

# Sent (no arguments) after the commit of any edit to the calendar table, for the apps
# that store dates derived from it (approvals re-derives the due dates of open clocks).
calendar_edited = Signal()


def _calendar_edited(sender, **kwargs):
    CALENDAR.invalidate()
    transaction.on_commit(lambda: calendar_edited.send(sender=sender))


def connect() -> None:
    CALENDAR.watch(CalendarDay, CalendarYear, receiver=_calendar_edited)
    # What can change under a kept version: its status, which version of an item is
    # published, the department's name or phone (frozen versions keep their materials).
    VERSIONS.watch(ItemVersion, ServiceItem, Department)
    # The names a published version's JSON refers to.
    detail_cache.DETAIL.watch(Department, Hall, ServiceObjectType)
