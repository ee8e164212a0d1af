"""Template helpers of the supervision pages."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A figure (a Decimal percentage or None) as "99.80%", or "—" when nothing is
    under its denominator."""
    if value is None:
        return "—"
    return f"{value:.2f}%"


@register.simple_tag
def figure_of(row, figure):
    """The value of ``figure`` (feedback.figures.Figure) for a FigureRow."""
    return figure(row.counts)
