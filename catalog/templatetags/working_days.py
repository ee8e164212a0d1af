"""Template helpers of the working-day calendar for the staff's pages."""

from django import template
from django.utils.html import format_html

from ..calendar import current_calendar

register = template.Library()


@register.filter
def provisional_badge(day) -> str:
    """A 暂定 badge after a due date that falls in a year whose holidays are not yet
    entered (its working days are the provisional statutory ones, so the date may move
    when the year is entered); nothing otherwise. Reads the calendar the process keeps:
    no statement per row."""
    if not day or not current_calendar().is_provisional(day.year):
        return ""
    return format_html(
        '<span class="badge text-bg-warning ms-1" data-testid="provisional">暂定'
        '<span class="visually-hidden">（{} 年节假日安排尚未录入）</span></span>',
        day.year,
    )
