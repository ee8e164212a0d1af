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
