"""The lights board (红黄灯): every open case, step and rectification clock that is
yellow or red in the supervisor's scope, grouped by department, refreshed live (htmx
polls the board every 30 seconds)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from approvals.constants import Light

from ..selectors import board_rows, lights_by_department, lit_clocks
from .common import PAGE_SIZE, query_string, supervisor_required

REFRESH_SECONDS = 30


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def board_context(request) -> dict:
    department = _int(request.GET.get("department"))
    light = _int(request.GET.get("light"))
    if light not in (Light.YELLOW, Light.RED):
        light = None
    # The department list and the red and yellow buttons count both lights whichever is
    # chosen (a button reading 黄灯 0 while red is shown would hide the yellow ones), and
    # the buttons count the chosen department's clocks, as the list they lead to.
    groups = lights_by_department(scope=request.scope)
    counted = [g for g in groups if g.department.pk == department] if department else groups
    clocks = lit_clocks(scope=request.scope, department=department, light=light)
    page = Paginator(clocks.only("pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = query_string(department=department, light=light)
    return {
        "groups": groups,
        "department": department,
        "light": light,
        "rows": board_rows(list(page.object_list)),
        "page": page,
        "query": query,
        "refresh_seconds": REFRESH_SECONDS,
        "fragment_url": f"{reverse('supervision:lights_fragment')}?"
        + query_string(department=department, light=light, page=page.number),
        "export_url": f"{reverse('supervision:export', args=['lights'])}?{query}",
        "totals": {
            "yellow": sum(g.yellow for g in counted),
            "red": sum(g.red for g in counted),
        },
    }


@supervisor_required
@require_GET
def lights(request):
    return render(request, "supervision/lights.html", board_context(request))


@supervisor_required
@require_GET
def lights_fragment(request):
    """The board alone, for htmx's polling."""
    return render(request, "supervision/_board.html", board_context(request))
