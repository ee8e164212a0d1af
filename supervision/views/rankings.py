"""排名与时限分析: departments, windows and staff ranked by volume, on-time rate and
好评率, and per item the working days taken against the promised and statutory limits
(``supervision.rankings``), with the overview's filters, in the supervisor's scope."""

from __future__ import annotations

import dataclasses
from operator import attrgetter

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import rankings
from .common import requested_group, supervisor_required
from .overview import breakdown_columns, cases_url
from .tables import Column, Table, requested_table, table_context

#: The tabs: code → (label, the table's caption).
GROUPS = {
    "department": ("部门排名", "按部门排名"),
    "window": ("窗口排名", "按窗口排名"),
    "staff": ("人员排名", "按工作人员排名"),
    "item": ("事项时限分析", "事项承诺时限、法定时限与实际用时"),
}


def _ranked_columns(first: str) -> list[Column]:
    return [
        Column("label", first, lambda r: r.label, numeric=False),
        Column("accepted", "受理", lambda r: r.accepted),
        Column("concluded", "办结", lambda r: r.concluded),
        Column("on_time_rate", "按时办结率", lambda r: r.on_time_rate, "%"),
        Column("rated", "评价数", lambda r: r.rated),
        Column("good_rate", "好评率", lambda r: r.good_rate, "%"),
    ]


#: The department tab's figures beyond the other tabs' (only a department's row has the
#: ``CaseFigures`` of the overview's breakdown), each after the column named: the
#: overview's columns themselves, so label, rate and definition are the same.
DEPARTMENT_EXTRA = {
    "deemed_accepted": "accepted",
    "early_rate": "on_time_rate",
    "immediate_share": "early_rate",
}


def _department_columns() -> list[Column]:
    overview = {c.code: c for c in breakdown_columns(attrgetter("cases"))}
    columns = _ranked_columns("部门")
    for code, after in DEPARTMENT_EXTRA.items():
        at = [c.code for c in columns].index(after) + 1
        columns.insert(at, overview[code])
    return columns


def _cut(row) -> str:
    return "text-success fw-semibold" if row.cuttable else ""


ITEM_COLUMNS = [
    Column("label", "事项", lambda r: r.label, numeric=False),
    Column("department", "实施部门", lambda r: r.department, numeric=False),
    Column("concluded", "办结", lambda r: r.concluded),
    Column("statutory", "法定时限", lambda r: r.statutory, "工作日"),
    Column("promised", "承诺时限", lambda r: r.promised, "工作日"),
    Column("mean", "平均用时", lambda r: r.mean, "工作日"),
    Column("median", "中位数", lambda r: r.median, "工作日"),
    Column("p90", "90% 分位", lambda r: r.p90, "工作日", css=_cut),
    Column("maximum", "最长", lambda r: r.maximum, "工作日"),
    Column("within_share", "承诺时限内办结占比", lambda r: r.within_share, "%"),
    Column("on_time_rate", "按时办结率", lambda r: r.on_time_rate, "%"),
    Column("headroom", "可压缩空间", lambda r: r.headroom, "工作日", css=_cut),
    Column(
        "distribution",
        "用时分布（工作日:件数）",
        lambda r: "；".join(f"{days}:{n}" for days, n in r.distribution.items()),
        numeric=False,
        on_page=False,
    ),
    Column(
        "cuttable",
        "建议",
        lambda r: "可压缩承诺时限" if r.cuttable else "",
        numeric=False,
        css=_cut,
    ),
]

#: Each tab's columns (made per request: the overview's notes read the settings).
COLUMNS = {
    "department": _department_columns,
    "window": lambda: _ranked_columns("窗口"),
    "staff": lambda: _ranked_columns("工作人员"),
    "item": lambda: ITEM_COLUMNS,
}
READERS = {
    "department": rankings.department_ranking,
    "window": rankings.window_ranking,
    "staff": rankings.staff_ranking,
    "item": rankings.time_limits,
}


def _linked(columns: list[Column], group: str, f) -> list[Column]:
    """The columns with the row names linking to the case search of the row's cases: a
    department's accepted, an item's concluded in the period (the scope applies there
    too)."""
    if group == "department":
        code, dimension = "accepted", "department"
    elif group == "item":
        code, dimension = "concluded", "item"
    else:
        return columns

    def link(row):
        if row.key is None:
            return ""
        return cases_url(code, dataclasses.replace(f, **{dimension: row.key}))

    return [dataclasses.replace(columns[0], link=link), *columns[1:]]


def ranking_table(request) -> Table:
    """The table of the request: what the page shows and the export writes. Unsorted,
    the reader's order: by volume (items: cuttable first)."""
    form, f, group = requested_group(request, GROUPS, "department")
    columns = _linked(COLUMNS[group](), group, f)
    return requested_table(request, form, f, group, columns, READERS[group](f))


@supervisor_required
@require_GET
def rankings_page(request):
    table = ranking_table(request)
    return render(
        request,
        "supervision/rankings.html",
        {
            **table_context(request, table, GROUPS, "rankings"),
            "cuttable": sum(1 for r in table.rows if getattr(r, "cuttable", False)),
            "cut_ratio": int(rankings.CUT_RATIO * 100),
            "cut_min": rankings.CUT_MIN_CASES,
            "notes": [(c.label, c.note) for c in table.columns if c.code in DEPARTMENT_EXTRA],
        },
    )
