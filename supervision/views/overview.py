"""The overview (综合监管): the figures of a period for a filter, each linking to the
cases (a rating figure: the ratings) behind it, with charts and a breakdown table; all
from the rollups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from feedback.figures import FIGURES as RATING_FIGURES

from .. import rollups
from ..hall_figures import hall_figures
from .common import (
    PAGE_SIZE,
    filter_query,
    query_string,
    quick_links,
    requested_group,
    supervisor_required,
)
from .tables import Column, cells, page_columns

#: The groupings of the breakdown table.
GROUPS = ("department", "item", "hall", "channel", "unit", "month")


@dataclass
class Card:
    label: str
    value: str
    note: str = ""
    url: str = ""
    code: str = ""


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def _days(value) -> str:
    return "—" if value is None else f"{value} 个工作日"


def cases_url(code: str, f: rollups.Filter) -> str:
    """The case search listing the cases behind the count ``code`` of the filter."""
    return f"{reverse('supervision:cases')}?{query_string(figure=code, **filter_query(f))}"


def definitions() -> dict[str, str]:
    """What each case figure counts, in the words the cards' notes and the breakdown's
    header tooltips and legend use (one wording per figure; the formulas are
    ``rollups.CaseFigures``'). The pre-review limit is the setting's."""
    return {
        "received": "网上提交或窗口收取的申请",
        "accepted": "含逾期视为受理",
        "deemed_accepted": (
            f"收到申请材料后 {settings.INTAKE_PREREVIEW_LIMIT_DAYS} 个工作日内未予预审，视为受理"
        ),
        "corrected": "补正告知书份数",
        "refused": "不予受理决定",
        "concluded": "含即办件当场办结",
        "on_time": "不晚于承诺办结日期办结",
        "early": "早于承诺办结日期办结",
        "overdue": "晚于承诺办结日期办结",
        "on_time_rate": "按时办结 ÷ 办结",
        "early_rate": "提前办结 ÷ 办结",
        "average_days": "受理至办结的工作日数，按办结件平均",
        "online_rate": "网上办收件 ÷ 收件",
        "one_visit_rate": "到现场不超过一次的办结件 ÷ 办结",
        "immediate_share": "即办件办结 ÷ 办结",
        "rated": "按评价时间统计的评价条数（含默认评价）",
    }


def case_cards(c: rollups.CaseFigures, f: rollups.Filter) -> list[Card]:
    def url(code):
        return cases_url(code, f)

    note = definitions()
    return [
        Card("收件", f"{c.received}", f"网上办 {c.received_online}", url("received"), "received"),
        Card(
            "受理",
            f"{c.accepted}",
            f"其中逾期视为受理 {c.deemed_accepted}",
            url("accepted"),
            "accepted",
        ),
        Card("一次性告知补正", f"{c.corrected}", note["corrected"], url("corrected"), "corrected"),
        Card("不予受理", f"{c.refused}", "", url("refused"), "refused"),
        Card(
            "逾期视为受理",
            f"{c.deemed_accepted}",
            note["deemed_accepted"],
            url("deemed_accepted"),
            "deemed_accepted",
        ),
        Card("办结", f"{c.concluded}", f"即办件 {c.immediate}", url("concluded"), "concluded"),
        Card("按时办结", f"{c.on_time}", f"其中提前办结 {c.early}", url("on_time"), "on_time"),
        Card("提前办结", f"{c.early}", note["early"], url("early"), "early"),
        Card("超期办结", f"{c.overdue}", note["overdue"], url("overdue"), "overdue"),
        Card(
            "按时办结率", _pct(c.on_time_rate), note["on_time_rate"], url("on_time"), "on_time_rate"
        ),
        Card(
            "平均办结用时",
            _days(c.average_days),
            f"承诺 {_days(c.average_promised)} · 法定 {_days(c.average_statutory)}",
            url("concluded"),
            "average_days",
        ),
        Card(
            "网办率",
            _pct(c.online_rate),
            note["online_rate"],
            url("received_online"),
            "online_rate",
        ),
        Card(
            "一次办结率",
            _pct(c.one_visit_rate),
            note["one_visit_rate"],
            url("one_visit"),
            "one_visit_rate",
        ),
        Card(
            "即办件占比",
            _pct(c.immediate_share),
            note["immediate_share"],
            url("immediate"),
            "immediate_share",
        ),
    ]


def ratings_url(code: str, f: rollups.Filter) -> str:
    """The rating list of the ratings behind the rating count ``code``
    (``rollups.RATING_CODES``) of the filter."""
    return f"{reverse('supervision:ratings')}?{query_string(figure=code, **filter_query(f))}"


def rating_cards(counts, f: rollups.Filter) -> list[Card]:
    """The rating cards, each linking to the rating list of the ratings behind it (the
    count, or a rate's numerator)."""
    links = {
        "good_rate": "good",
        "active_good_rate": "active",
        "bad_rate": "bad",
        "unrated_rate": "defaulted",
        "rectified_rate": "rectified",
        "visited_rate": "bad",
        "rectify_days": "rectified",
    }
    cards = [
        Card("评价数", f"{counts.rated}", f"差评 {counts.bad}", ratings_url("rated", f), "rated")
    ]
    for code, figure in RATING_FIGURES.items():
        value = figure(counts)
        shown = _days(value) if figure.unit != "%" else _pct(value)
        cards.append(
            Card(figure.label, shown, figure.definition, ratings_url(links[code], f), code)
        )
    return cards


def _chart_data(f: rollups.Filter) -> dict:
    """What the charts draw (json_script): the trend, the working-day distribution and
    the channels."""
    long_period = f.start is None or f.end is None or (f.end - f.start).days > 62
    by = "month" if long_period else "day"
    trend = rollups.case_breakdown(f, by)
    distribution = rollups.duration_distribution(f).get(None, {})
    channels = rollups.case_breakdown(f, "channel")
    return {
        "trend": {
            "labels": [row.label for row in trend],
            "received": [row.figures.received for row in trend],
            "accepted": [row.figures.accepted for row in trend],
            "concluded": [row.figures.concluded for row in trend],
            "on_time_rate": [
                float(row.figures.on_time_rate) if row.figures.on_time_rate is not None else None
                for row in trend
            ],
        },
        "distribution": {
            "labels": [f"{days} 天" for days in distribution],
            "cases": list(distribution.values()),
        },
        "channels": [{"name": row.label, "value": row.figures.received} for row in channels],
    }


def breakdown_columns(figures: Callable = itemgetter("c")) -> list[Column]:
    """The breakdown table's columns after the group's name, in order, on the page and in
    the export (``on_page=False``: the export only). A case column reads the row's
    ``rollups.CaseFigures`` (``figures(row)``; another table whose rows carry them, the
    rankings' departments, passes its reader and takes the case columns it shows): its
    count, or its rate as the card of that figure computes it; the header's tooltip and
    the legend say what it counts (``definitions``; a rating figure's own definition)."""
    note = definitions()

    def case(code: str, label: str, unit: str = "", on_page: bool = True) -> Column:
        return Column(
            code,
            label,
            lambda row: getattr(figures(row), code),
            unit,
            on_page=on_page,
            note=note.get(code, ""),
        )

    def rating(code: str) -> Column:
        figure = RATING_FIGURES[code]
        return Column(code, figure.label, itemgetter(code), figure.unit, note=figure.definition)

    return [
        case("received", "收件"),
        case("accepted", "受理"),
        case("deemed_accepted", "逾期视为受理"),
        case("corrected", "补正", on_page=False),
        case("refused", "不予受理", on_page=False),
        case("concluded", "办结"),
        case("on_time", "按时办结", on_page=False),
        case("early", "提前办结"),
        case("overdue", "超期办结", on_page=False),
        case("on_time_rate", "按时办结率", "%"),
        case("early_rate", "提前办结率", "%"),
        case("average_days", "平均用时", "工作日"),
        case("immediate_share", "即办件占比", "%"),
        case("online_rate", "网办率", "%"),
        case("one_visit_rate", "一次办结率", "%", on_page=False),
        Column("rated", "评价数", itemgetter("rated"), note=note["rated"]),
        rating("good_rate"),
        rating("rectified_rate"),
    ]


def breakdown(f: rollups.Filter, group: str) -> list[dict]:
    """The breakdown table's rows: case figures, the ratings' count, 好评率 and 差评整改率
    per group (``rollups.breakdown``: every group with cases or ratings, so the rows'
    ratings add up to the 评价数 card)."""
    return [
        {
            "key": row.key,
            "label": row.label,
            "c": row.cases,
            "rated": row.ratings.rated,
            "good_rate": RATING_FIGURES["good_rate"](row.ratings),
            "rectified_rate": RATING_FIGURES["rectified_rate"](row.ratings),
        }
        for row in rollups.breakdown(f, group)
    ]


@supervisor_required
@require_GET
def overview(request):
    form, f, group = requested_group(request, GROUPS, "department")
    figures = rollups.case_figures(f)
    ratings = rollups.rating_counts(f)
    page = Paginator(breakdown(f, group), PAGE_SIZE).get_page(request.GET.get("page"))
    columns = page_columns(breakdown_columns())
    params = filter_query(f)
    return render(
        request,
        "supervision/overview.html",
        {
            "form": form,
            "f": f,
            "case_cards": case_cards(figures, f),
            "rating_cards": rating_cards(ratings, f),
            "catalog": rollups.catalog_online_share(),
            "hall": hall_figures(f),
            "charts": _chart_data(f),
            "page": page,
            "columns": columns,
            "rows": [{"label": row["label"], "cells": cells(row, columns)} for row in page],
            "group": group,
            "groups": [(g, rollups.BY_LABELS[g]) for g in GROUPS],
            "group_query": query_string(**params),
            "page_query": query_string(group=group, **params),
            "export_url": f"{reverse('supervision:export', args=['overview'])}?"
            + query_string(group=group, **params),
            "quick": quick_links(params, f.start, f.end),
            "district_wide": request.scope is None,
        },
    )
