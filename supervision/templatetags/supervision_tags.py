"""Template helpers of the supervision pages."""

from django import template

register = template.Library()


@register.filter
def with_unit(value, unit: str) -> str:
    """A figure's value with its unit ("99.80%", "3.5 个工作日"), or "—" when nothing is
    under its denominator."""
    if value is None:
        return "—"
    return f"{value}%" if unit == "%" else f"{value} {unit}"


@register.simple_tag
def figure_of(row, figure):
    """The value of ``figure`` (feedback.figures.Figure) for a FigureRow."""
    return figure(row.counts)


#: The supervision pages' tabs: (URL name, label, URL names of pages under it).
PAGES = (
    ("overview", "综合监管", ()),
    ("lights", "红黄灯", ()),
    ("cases", "办件查询", ("case",)),
    ("feedback", "好差评统计", ("ratings",)),
    ("rankings", "排名与时限", ()),
    ("delegations", "赋权与就近办理", ()),
    ("annual", "年度报告", ()),
)


@register.simple_tag
def supervision_pages():
    """The tabs of templates/supervision/base.html."""
    return PAGES
