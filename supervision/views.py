"""Supervision pages (监督管理): read-only views over the apps below."""

import datetime
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from accounts.constants import Role
from feedback.figures import FIGURES, Grouping, figure_table
from feedback.selectors import staff_scope_for

PAGE_SIZE = 20
#: The groupings the page offers as tabs (the total is always shown above them).
PAGE_GROUPINGS = [g for g in Grouping if g != Grouping.TOTAL]


def supervisor_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_role(Role.SUPERVISOR):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    group = forms.ChoiceField(
        label="分组", choices=[(g.value, g.label) for g in PAGE_GROUPINGS], required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "结束日期不能早于开始日期。")
        return data


def _quick_periods(
    today: datetime.date,
) -> list[tuple[str, datetime.date | None, datetime.date | None]]:
    """(label, start, end) of the period links: this month, last month, this year, all."""
    month_start = today.replace(day=1)
    last_month_end = month_start - datetime.timedelta(days=1)
    return [
        ("本月", month_start, today),
        ("上月", last_month_end.replace(day=1), last_month_end),
        ("本年", today.replace(month=1, day=1), today),
        ("全部", None, None),
    ]


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@supervisor_required
@require_GET
def feedback_figures(request):
    """好差评统计: the figures of a period, the district total and one grouping's rows
    (paginated), within the supervisor's scope."""
    form = PeriodForm(request.GET or None)
    start = end = None
    group = Grouping.DEPARTMENT
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        group = Grouping(form.cleaned_data["group"] or Grouping.DEPARTMENT)
    scope = staff_scope_for(user=request.user)
    table = figure_table(grouping=group, start=start, end=end, scope=scope.rating_filter())
    page = Paginator(table.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    period = _query(start=start, end=end)
    today = timezone.localdate()
    quick = [
        {
            "label": label,
            "query": _query(start=s, end=e, group=group.value),
            "active": (s, e) == (start, end),
        }
        for label, s, e in _quick_periods(today)
    ]
    tabs = [
        {
            "label": g.label,
            "query": _query(start=start, end=end, group=g.value),
            "active": g == group,
        }
        for g in PAGE_GROUPINGS
    ]
    return render(
        request,
        "supervision/feedback.html",
        {
            "form": form,
            "table": table,
            "page": page,
            "group": group,
            "tabs": tabs,
            "quick": quick,
            "page_query": _query(start=start, end=end, group=group.value),
            "figures": list(FIGURES.values()),
            "export_csv": f"{reverse('api-feedback-ratings-csv')}?{period}",
            "export_json": f"{reverse('api-feedback-ratings-json')}?{period}",
            "district_wide": scope.everything,
        },
    )
