"""Dates that Python writes into text (a notice's frozen content, a message, an SMS) in
the portal's formats (``jinpu_portal/formats``), so they read as the templates write
them: 2026年12月8日, 2026年12月8日 14:30, 12月8日. A datetime is written in local time.

They use the portal's language, not the request's: a notice or a message reads the same
whoever's browser caused it."""

import datetime

from django.conf import settings
from django.utils import dateformat, formats, timezone


def _written(value: datetime.date, format_name: str) -> str:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, formats.get_format(format_name, lang=settings.LANGUAGE_CODE))


def date_text(value: datetime.date) -> str:
    """2026年12月8日: a day in a document or a sentence (of a datetime, its local day)."""
    return _written(value, "DATE_FORMAT")


def datetime_text(value: datetime.datetime) -> str:
    """2026年12月8日 14:30: a moment in a document or a sentence."""
    return _written(value, "DATETIME_FORMAT")


def month_day_text(value: datetime.date) -> str:
    """12月8日: a day whose year the sentence implies (a ticket, an appointment)."""
    return _written(value, "MONTH_DAY_FORMAT")
