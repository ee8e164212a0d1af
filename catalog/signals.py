"""Signals the catalog sends for the apps above it: ``calendar_edited`` after an edit
of the working-day calendar commits."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .calendar import calendar_changed
from .models import CalendarDay, CalendarYear

# Sent (no arguments) after the commit of any edit to the calendar table, for the apps
# that store dates derived from it (approvals re-derives the due dates of open clocks).
calendar_edited = Signal()


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _calendar_edited(sender, **kwargs):
    calendar_changed()
    transaction.on_commit(lambda: calendar_edited.send(sender=sender))
