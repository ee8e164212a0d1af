"""What the supervision pages share: the supervisor check, the period form (which the
好差评 page's form extends too), the filter form (period and dimensions, limited to the
supervisor's scope) and query strings."""

from __future__ import annotations

import datetime
from functools import wraps

from django import forms
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode

from accounts.constants import Role
from accounts.decorators import role_required
from accounts.selectors import supervision_scope
from intake.constants import Channel

from ..rollups import Filter
from ..selectors import filter_choices

PAGE_SIZE = 20

#: The case search counts its results up to this many: an exact count of a year's
#: million cases reads every one of them (most of a second on each page view); beyond
#: it the page says "超过 10,000 件" and asks for narrower criteria.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` results (one count over a LIMITed
    subquery); ``capped``: there are more, and the pages stop at the cap's last one."""

    def __init__(self, object_list, per_page, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        # The joins of select_related and the ordering change nothing counted.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


def supervisor_required(view):
    """Signed in with the supervisor role; ``request.scope`` is their scope (None: the
    district, else the departments they watch)."""

    @role_required(Role.SUPERVISOR)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.scope = supervision_scope(user=request.user)
        return view(request, *args, **kwargs)

    return wrapped


def query_string(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def quick_periods(
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


def quick_links(params: dict, start, end) -> list[dict]:
    """The period links (``quick_periods``) of a page whose query is ``params``: each
    with its period as ``start`` and ``end``; active the one of the period shown
    (``start``, ``end``)."""
    return [
        {
            "label": label,
            "query": query_string(**{**params, "start": s, "end": e}),
            "active": (s, e) == (start, end),
        }
        for label, s, e in quick_periods(timezone.localdate())
    ]


def _choices(pairs, empty="全部"):
    return [("", empty), *((str(pk), label) for pk, label in pairs)]


class PeriodForm(forms.Form):
    """A period, either end open; the end not before the start."""

    start = forms.DateField(
        label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "结束日期不能早于开始日期。")
        return data


class FilterForm(PeriodForm):
    """Period and dimensions; the choices are those in the supervisor's scope."""

    department = forms.ChoiceField(label="部门", required=False)
    hall = forms.ChoiceField(label="大厅", required=False)
    item = forms.ChoiceField(label="事项", required=False)
    channel = forms.ChoiceField(
        label="渠道", required=False, choices=[("", "全部"), *Channel.choices]
    )
    unit = forms.ChoiceField(label="就近受理单位", required=False)

    DIMENSIONS = ("department", "hall", "item", "channel", "unit")

    def __init__(self, data, *, scope, **kwargs):
        super().__init__(data, **kwargs)
        choices = filter_choices(scope)
        self.fields["department"].choices = _choices(choices["departments"])
        self.fields["hall"].choices = _choices(choices["halls"])
        self.fields["item"].choices = _choices(choices["items"])
        self.fields["unit"].choices = _choices(choices["units"])
        self.scope = scope

    def to_filter(self) -> Filter:
        """The rollups' filter; an invalid form filters by nothing but the scope."""
        if not self.is_bound or not self.is_valid():
            return Filter(scope=self.scope)
        data = self.cleaned_data

        def number(name):
            return int(data[name]) if data.get(name) else None

        return Filter(
            start=data.get("start"),
            end=data.get("end"),
            hall=number("hall"),
            department=number("department"),
            item=number("item"),
            channel=data.get("channel") or "",
            unit=number("unit"),
            scope=self.scope,
        )


def requested_group(request, groups, default: str) -> tuple[FilterForm, Filter, str]:
    """(The filter form, its filter, the grouping) of the request: ``?group=`` one of
    ``groups``' codes, else ``default``."""
    form = FilterForm(request.GET or None, scope=request.scope)
    group = request.GET.get("group")
    return form, form.to_filter(), group if group in groups else default


def filter_query(f: Filter) -> dict:
    """The query parameters that give ``f`` back (scope aside)."""
    return {
        "start": f.start.isoformat() if f.start else "",
        "end": f.end.isoformat() if f.end else "",
        "department": f.department or "",
        "hall": f.hall or "",
        "item": f.item or "",
        "channel": f.channel,
        "unit": f.unit or "",
    }
