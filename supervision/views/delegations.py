"""赋权与就近办理: the powers delegated per park and street with the cases each handled,
全域通办 cases per market-supervision station, and the delegations list
(``supervision.delegations``), with the overview's filters, in the supervisor's scope."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import delegations
from .common import requested_group, supervisor_required
from .tables import Column, Table, requested_table, table_context

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


def _table(request) -> tuple[Table, dict]:
    """The table of the request and the filter's ``delegations.unit_item_grid``, read
    once for the table and the cards above it (it was read three times)."""
    form, f, group = requested_group(request, GROUPS, "unit")
    grid = delegations.unit_item_grid(f)
    rows = READERS[group](f, grid=grid)
    return requested_table(request, form, f, group, COLUMNS[group], rows), grid


def delegation_table(request) -> Table:
    """The table of the request: what the page shows and the export writes."""
    return _table(request)[0]


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
    table, grid = _table(request)
    units = table.rows if table.group == "unit" else None
    return render(
        request,
        "supervision/delegations.html",
        {
            **table_context(request, table, GROUPS, "delegations"),
            "cards": _cards(table.f, grid, units=units),
        },
    )
