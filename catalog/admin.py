from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone

from .calendar import uncovered_years, years_to_check
from .constants import CalendarSource
from .models import CalendarDay, CalendarYear


class CalendarCoverageWarningMixin:
    """Shows, on top of the calendar's admin lists, which needed years are not entered."""

    def changelist_view(self, request, extra_context=None):
        years = years_to_check(timezone.localdate(), settings.CALENDAR_WARN_DAYS_AHEAD)
        for year in uncovered_years(years):
            messages.warning(
                request,
                f"工作日历未录入 {year} 年：该年暂按周一至周五计算工作日，"
                "请尽快录入节假日与调休安排。",
            )
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarCoverageWarningMixin, admin.ModelAdmin):
    list_display = ["year", "source", "note", "updated_at"]
    list_filter = ["source"]
    search_fields = ["year", "note"]
    readonly_fields = ["source"]  # set by save_model, not chosen

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = CalendarSource.ADMIN
        super().save_model(request, obj, form, change)


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarCoverageWarningMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source", "updated_at"]
    list_filter = ["kind", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"
    readonly_fields = ["source"]  # an edit in the admin always makes it "admin"

    def save_model(self, request, obj, form, change):
        obj.source = CalendarSource.ADMIN
        super().save_model(request, obj, form, change)
