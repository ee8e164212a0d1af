"""Sortable figure tables of the rankings and delegations pages: the columns of a table
(label, value, unit), sorting by one column (``?sort=<code>&order=asc|desc``), the
header links with ``aria-sort``, the cells as the template shows them and the values an
Excel export writes; the table a request asks for (its filter, tab and order) and what
both pages show of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.urls import reverse

from ..rollups import Filter
from .common import PAGE_SIZE, FilterForm, filter_query, query_string, quick_links


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    value: Callable[[object], object]
    unit: str = ""  # "%" is appended to the shown value; others go to the header
    numeric: bool = True
    css: Callable[[object], str] | None = None  # extra classes of a row's cell
    link: Callable[[object], str] | None = None  # a row's cell links there ("" none)
    on_page: bool = True  # False: in the export only
    note: str = ""  # what the column counts (its header's tooltip, a legend)

    @property
    def heading(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit and self.unit != "%" else self.label

    def shown(self, row) -> str:
        value = self.value(row)
        if value is None or value == "":
            return "—"
        if self.unit == "%":
            return f"{value}%"
        return str(value)

    def exported(self, row):
        value = self.value(row)
        if isinstance(value, Decimal):
            return float(value)
        return "" if value is None else value


def page_columns(columns: list[Column]) -> list[Column]:
    return [column for column in columns if column.on_page]


def sort_rows(rows: list, columns: list[Column], sort: str, order: str, default: str):
    """(The rows sorted by the column ``sort`` (else ``default``), its code, descending):
    numbers largest first unless ``order`` is ``asc``, text A→Z unless ``desc``; empty
    values always last."""
    by_code = {c.code: c for c in page_columns(columns)}
    column = by_code.get(sort) or by_code[default]
    descending = order != "asc" if column.numeric else order == "desc"
    present = [r for r in rows if column.value(r) not in (None, "")]
    empty = [r for r in rows if column.value(r) in (None, "")]
    present.sort(key=column.value, reverse=descending)
    return present + empty, column.code, descending


def headers(columns: list[Column], sort: str, descending: bool, params: dict) -> list[dict]:
    """Each column's heading with the link that sorts by it (the sorted one's link
    reverses the order) and its ``aria-sort``."""
    result = []
    for column in page_columns(columns):
        active = column.code == sort
        default = "desc" if column.numeric else "asc"
        order = ("asc" if descending else "desc") if active else default
        result.append(
            {
                "label": column.heading,
                "numeric": column.numeric,
                "active": active,
                "aria_sort": ("descending" if descending else "ascending") if active else "",
                "query": query_string(**params, sort=column.code, order=order),
            }
        )
    return result


def cells(row, columns: list[Column]) -> list[dict]:
    return [
        {
            "text": column.shown(row),
            "numeric": column.numeric,
            "css": column.css(row) if column.css else "",
            "url": column.link(row) if column.link else "",
        }
        for column in page_columns(columns)
    ]


@dataclass(frozen=True)
class Table:
    """The table a request asks for: what the page shows and the export writes."""

    form: FilterForm
    f: Filter
    group: str  # the tab: a code of the page's groups
    columns: list[Column]
    rows: list  # sorted
    sort: str  # the sorting column's code ("" the reader's order)
    descending: bool


def requested_table(request, form, f, group: str, columns: list[Column], rows: list) -> Table:
    """The ``rows`` sorted as the request asks (``?sort=`` a column's code and
    ``?order=``), else in the reader's order."""
    sort = request.GET.get("sort", "")
    if sort in {c.code for c in columns}:
        rows, sort, descending = sort_rows(rows, columns, sort, request.GET.get("order", ""), sort)
    else:
        sort, descending = "", True
    return Table(form, f, group, columns, rows, sort, descending)


def table_context(request, table: Table, groups: dict, export: str) -> dict:
    """What a page of tabbed sortable tables shows of ``table``: the filters, the tabs
    (``groups``: code → (label, caption)), the sortable headers, a page of rows, the
    period links and the link of its ``export``."""
    params = filter_query(table.f)
    group = table.group
    page = Paginator(table.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    sorted_by = (
        {"sort": table.sort, "order": "desc" if table.descending else "asc"} if table.sort else {}
    )
    return {
        "form": table.form,
        "f": table.f,
        "group": group,
        "caption": groups[group][1],
        "tabs": [
            {"label": label, "query": query_string(group=code, **params), "active": code == group}
            for code, (label, _caption) in groups.items()
        ],
        "headers": headers(table.columns, table.sort, table.descending, {"group": group, **params}),
        "rows": [cells(row, table.columns) for row in page.object_list],
        "page": page,
        "page_query": query_string(group=group, **params, **sorted_by),
        "export_url": f"{reverse('supervision:export', args=[export])}?"
        + query_string(group=group, **params, **sorted_by),
        "quick": quick_links({"group": group, **params}, table.f.start, table.f.end),
        "district_wide": request.scope is None,
    }
