from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .calendar import calendar_changed
from .models import CalendarDay, CalendarYear


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _calendar_edited(sender, **kwargs):
    calendar_changed()
