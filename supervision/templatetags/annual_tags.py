"""Template filters of the annual report's PDF and page: counts, rates, changes and
waits written the way the report prints them."""

import datetime

from django import template

from hall.selectors import minutes_of

register = template.Library()


@register.filter
def num(value) -> str:
    """A count with thousands separated (12,345); "—" for None."""
    if value is None:
        return "—"
    return f"{value:,}"


@register.filter
def pct(value) -> str:
    """A percentage (98.50%), or "—" when nothing is under its denominator."""
    return "—" if value is None else f"{value}%"


@register.filter
def days(value) -> str:
    return "—" if value is None else f"{value} 个工作日"


@register.filter
def change(value) -> str:
    """同比: "增长 12.5%", "下降 3.0%", "持平"; "—" without last year's count."""
    if value is None:
        return "—"
    if value > 0:
        return f"增长 {value}%"
    if value < 0:
        return f"下降 {-value}%"
    return "持平"


@register.filter
def than(value, other) -> str:
    """How an average compares with a limit, as the text says it: 低于, 等于 or 高于."""
    if value < other:
        return "低于"
    return "高于" if value > other else "等于"


@register.filter
def minutes(value) -> str:
    """A wait (timedelta) in minutes with one decimal, or "—"."""
    if not isinstance(value, datetime.timedelta):
        return "—"
    return f"{minutes_of(value)} 分钟"


@register.filter
def filesize(value) -> str:
    if not value:
        return "—"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} KB"
    return f"{value / 1024 / 1024:.1f} MB"


@register.filter
def yearly(report, name: str) -> str:
    """同比 of the count ``name`` of an annual.Annual."""
    return change(report.change(name))


@register.filter
def yearly_clause(report, name: str) -> str:
    """ "（同比增长 12.5%）" for the text, nothing without last year's count."""
    value = report.change(name)
    return "" if value is None else f"（同比{change(value)}）"


@register.filter
def share_of(row, total) -> str:
    """A breakdown row's received as a share of ``total``."""
    from feedback.figures import percent

    return pct(percent(row.figures.received, total))
