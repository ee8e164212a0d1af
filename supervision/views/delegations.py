"""赋权与就近办理: the powers delegated per park and street with the cases each handled,
全域通办 cases per market-supervision station, and the delegations list
(``supervision.delegations``), with the overview's filters, in the supervisor's scope."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import delegations
from .common import (
    PAGE_SIZE,
    FilterForm,
    filter_query,
    query_string,
    quick_periods,
    supervisor_required,
)
from .tables import Column, cells, headers, sort_rows

#: The tabs: code → (label, the table's caption).
GROUPS = {
    "unit": ("园区街道赋权", "园区、街道承接的赋权事项与办件"),
    "station": ("全域通办", "各市场监督管理所全域通办办件"),
    "list": ("赋权事项清单", "赋权事项清单"),
}

UNIT_COLUMNS = [
    Column("label", "承接单位", lambda r: r.label, numeric=False),
    Column("kind", "类型", lambda r: r.kind, numeric=False),
    Column("active", "赋权事项（有效）", lambda r: r.active),
    Column("revoked", "已收回", lambda r: r.revoked),
    Column("received", "收件", lambda r: r.cases.received),
    Column("accepted", "受理", lambda r: r.cases.accepted),
    Column("delegated", "其中赋权事项受理", lambda r: r.delegated.accepted),
    Column("concluded", "办结", lambda r: r.cases.concluded),
    Column("on_time_rate", "按时办结率", lambda r: r.cases.on_time_rate, "%"),
    Column("good_rate", "好评率", lambda r: r.good_rate, "%"),
]
STATION_COLUMNS = [
    Column("label", "市场监督管理所", lambda r: r.label, numeric=False),
    Column("items", "涉及事项", lambda r: r.items),
    Column("received", "收件", lambda r: r.cases.received),
    Column("accepted", "受理（登记）", lambda r: r.cases.accepted),
    Column("concluded", "办结", lambda r: r.cases.concluded),
    Column("on_time_rate", "按时办结率", lambda r: r.cases.on_time_rate, "%"),
]


def _status_css(row) -> str:
    return "" if row.active else "text-secondary"


LIST_COLUMNS = [
    Column(
        "item",
        "事项",
        lambda r: (
            r.delegation.item.current_version.name
            if r.delegation.item.current_version
            else r.delegation.item.code
        ),
        numeric=False,
    ),
    Column("grantee", "承接单位", lambda r: r.delegation.grantee.name, numeric=False),
    Column("batch", "批次", lambda r: r.delegation.batch, numeric=False),
    Column("granted_on", "赋权日期", lambda r: r.delegation.granted_on.isoformat(), numeric=False),
    Column("document", "文号", lambda r: r.delegation.document_number, numeric=False),
    Column(
        "status",
        "状态",
        lambda r: "有效" if r.active else f"已收回（{r.delegation.revoked_on:%Y-%m-%d}）",
        numeric=False,
        css=_status_css,
    ),
    Column("accepted", "受理", lambda r: r.cases.accepted),
    Column("concluded", "办结", lambda r: r.cases.concluded),
    Column("on_time_rate", "按时办结率", lambda r: r.cases.on_time_rate, "%"),
]

COLUMNS = {"unit": UNIT_COLUMNS, "station": STATION_COLUMNS, "list": LIST_COLUMNS}
READERS = {
    "unit": delegations.unit_rows,
    "station": delegations.station_rows,
    "list": delegations.delegation_rows,
}


def _table(request):
    """(form, filter, group, columns, sorted rows, sort code, descending, grid) of the
    request; ``grid`` the filter's ``delegations.unit_item_grid``, read once for the table
    and the cards above it (it was read three times)."""
    form = FilterForm(request.GET or None, scope=request.scope)
    f = form.to_filter()
    group = request.GET.get("group")
    group = group if group in GROUPS else "unit"
    columns = COLUMNS[group]
    grid = delegations.unit_item_grid(f)
    rows = READERS[group](f, grid=grid)
    sort = request.GET.get("sort", "")
    if sort in {c.code for c in columns}:
        rows, sort, descending = sort_rows(rows, columns, sort, request.GET.get("order", ""), sort)
    else:
        sort, descending = "", True
    return form, f, group, columns, rows, sort, descending, grid


def delegation_table(request):
    """(form, filter, group, columns, sorted rows, sort code, descending) of the
    request: what the page shows and the export writes."""
    return _table(request)[:7]


def _cards(f, grid: dict, units=None) -> list[dict]:
    """The totals above the table, from the page's grid (and its unit rows if shown)."""
    units = delegations.unit_rows(f, grid=grid) if units is None else units
    stations = delegations.station_rows(f, grid=grid)
    return [
        {"label": "有效赋权事项", "value": sum(u.active for u in units), "code": "active"},
        {
            "label": "园区、街道受理",
            "value": sum(u.cases.accepted for u in units),
            "code": "unit_accepted",
            "note": f"其中赋权事项 {sum(u.delegated.accepted for u in units)}",
        },
        {
            "label": "园区、街道办结",
            "value": sum(u.cases.concluded for u in units),
            "code": "unit_concluded",
        },
        {
            "label": "全域通办受理",
            "value": sum(s.cases.accepted for s in stations),
            "code": "station_accepted",
            "note": f"涉及 {sum(1 for s in stations if s.cases.accepted)} 个市场监督管理所",
        },
    ]


@supervisor_required
@require_GET
def delegations_page(request):
    form, f, group, columns, rows, sort, descending, grid = _table(request)
    params = filter_query(f)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    sorted_by = {"sort": sort, "order": "desc" if descending else "asc"} if sort else {}
    today = timezone.localdate()
    return render(
        request,
        "supervision/delegations.html",
        {
            "form": form,
            "f": f,
            "group": group,
            "caption": GROUPS[group][1],
            "cards": _cards(f, grid, units=rows if group == "unit" else None),
            "tabs": [
                {
                    "label": label,
                    "query": query_string(group=code, **params),
                    "active": code == group,
                }
                for code, (label, _caption) in GROUPS.items()
            ],
            "headers": headers(columns, sort, descending, {"group": group, **params}),
            "rows": [cells(row, columns) for row in page.object_list],
            "page": page,
            "page_query": query_string(group=group, **params, **sorted_by),
            "export_url": f"{reverse('supervision:export', args=['delegations'])}?"
            + query_string(group=group, **params, **sorted_by),
            "quick": [
                {
                    "label": label,
                    "query": query_string(group=group, **{**params, "start": s, "end": e}),
                    "active": (s, e) == (f.start, f.end),
                }
                for label, s, e in quick_periods(today)
            ],
            "district_wide": request.scope is None,
        },
    )
