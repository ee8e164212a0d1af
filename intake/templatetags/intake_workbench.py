"""Template helpers of the clerk's workbench pages: the banners of the apps above
(``intake.page_hooks.workbench_banners``), read from the window the page loaded."""

from django import template

from ..page_hooks import workbench_banners as _workbench_banners

register = template.Library()


@register.simple_tag
def workbench_banners(window) -> list:
    """The bars to show above the page for the clerk's ``window`` (no statement: the
    window was loaded with what they read, ``intake.selectors.workbench_window``)."""
    return _workbench_banners(window)
