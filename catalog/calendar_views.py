"""The staff page that enters a whole year's working-day schedule (工作日历 · 录入全年
安排), and the home page's notice while the coming year is still provisional.

One form, three steps on one URL: fill in (GET, or 返回修改), preview (the list of days
it will write, and the rows of the year it replaces), save (one transaction,
``catalog.calendar_services.calendar_year_enter``). Only users who may add and change
the calendar's years and add and delete its days get the page (the catalog
administrators, the system administrators); anyone else signed in gets 403.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.navigation import HomeNotice
from jinpu_portal.refusals import error_text, refusal_status

from .calendar import current_calendar
from .calendar_forms import YearScheduleForm, weekday_text
from .calendar_services import calendar_year_enter, year_schedule, years_status
from .constants import CalendarDayKind
from .services import CatalogError

ENTRY_PERMISSIONS = (
    "catalog.add_calendaryear",
    "catalog.change_calendaryear",
    "catalog.add_calendarday",
    "catalog.delete_calendarday",
)
# The coming year's notice shows from this day (month, day) of the year before on.
NOTICE_FROM = (11, 1)


def can_enter_calendar(user) -> bool:
    return user.is_authenticated and user.has_perms(ENTRY_PERMISSIONS)


def _default_year(today: datetime.date) -> int:
    """The first of this year and the next that is still provisional, else the next."""
    calendar = current_calendar()
    for year in (today.year, today.year + 1):
        if calendar.is_provisional(year):
            return year
    return today.year + 1


def _page(request, form, *, stage: str, status: int = 200, **context):
    today = form.today
    return render(
        request,
        "catalog/calendar_entry.html",
        {
            "form": form,
            "stage": stage,
            "years": years_status([today.year, today.year + 1]),
            **context,
        },
        status=status,
    )


def _counts(plan) -> dict:
    holidays = [day for day in plan if day.kind == CalendarDayKind.HOLIDAY]
    return {
        "holiday_count": len(holidays),
        "weekday_off_count": sum(not day.weekend for day in holidays),
        "workday_count": len(plan) - len(holidays),
    }


def _preview_context(form, schedule) -> dict:
    planned = {day.date for day in form.plan}
    rows = [
        {
            "date": day.date,
            "weekday": weekday_text(day.date),
            "workday": day.kind == CalendarDayKind.WORKDAY,
            "weekend": day.weekend,
            "name": day.name,
        }
        for day in form.plan
    ]
    return {
        "rows": rows,
        **_counts(form.plan),
        "replaced": schedule.days,
        "removed": [day for day in schedule.days if day.date not in planned],
        "entry": schedule.entry,
        "seen": schedule.token,
    }


@login_required
@require_http_methods(["GET", "POST"])
def year_entry(request):
    if not can_enter_calendar(request.user):
        raise PermissionDenied
    if request.method == "GET":
        form = YearScheduleForm()
        form.initial["year"] = _default_year(form.today)
        return _page(request, form, stage="edit")
    form = YearScheduleForm(request.POST)
    if not form.is_valid():
        return _page(request, form, stage="edit", status=400)
    action = request.POST.get("action")
    if action == "edit":
        return _page(request, form, stage="edit")
    year = form.cleaned_data["year"]
    if action == "save":
        try:
            calendar_year_enter(
                year=year,
                days=form.plan,
                note=form.cleaned_data["note"].strip(),
                actor=request.user,
                seen=request.POST.get("seen", ""),
            )
        except CatalogError as error:
            # Shown again as a fresh preview of what the table holds now.
            return _page(
                request,
                form,
                stage="preview",
                status=refusal_status(error),
                refusal=error_text(error),
                **_preview_context(form, year_schedule(year)),
            )
        counts = _counts(form.plan)
        messages.success(
            request,
            f"已录入 {year} 年节假日安排：放假 {counts['holiday_count']} 天"
            f"（其中工作日 {counts['weekday_off_count']} 天），"
            f"调休上班 {counts['workday_count']} 天。在办办件的期限正按新日历重新计算。",
        )
        return redirect("calendar:year-entry")
    return _page(request, form, stage="preview", **_preview_context(form, year_schedule(year)))


def calendar_notices(user) -> list[HomeNotice]:
    """The home page's notice for the staff who keep the calendar and the supervisors:
    this year, or (from 1 November) the next, still provisional. No statement while the
    process's calendar is cached."""
    today = timezone.localdate()
    years = [today.year]
    if (today.month, today.day) >= NOTICE_FROM:
        years.append(today.year + 1)
    calendar = current_calendar()
    allowed = can_enter_calendar(user)
    notices = []
    for year in years:
        if not calendar.is_provisional(year):
            continue
        deadlines = "跨年期限" if year > today.year else "期限"
        notices.append(
            HomeNotice(
                text=f"{year} 年节假日安排尚未录入，{deadlines}暂按推定的法定节假日计算",
                url=reverse("calendar:year-entry") if allowed else None,
                link_text=f"录入 {year} 年安排",
                icon="bi-calendar-x",
            )
        )
    return notices
