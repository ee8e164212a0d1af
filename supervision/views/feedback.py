"""好差评统计: the rating figures of a period (feedback.figures' definitions), by
grouping: from supervision's rating rollups, every grouping
(``selectors.rating_figure_table``); and the rating list: the ratings behind a rating
figure of the overview (``selectors.rating_search``), as many as its card counts."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from feedback.figures import FIGURES, Grouping
from feedback.selectors import rater_name, supervisor_scope

from .. import rollups
from ..selectors import case_in_scope, rating_figure_table, rating_search
from .common import (
    PAGE_SIZE,
    CappedPaginator,
    FilterForm,
    PeriodForm,
    filter_query,
    query_string,
    quick_links,
    supervisor_required,
)

#: The groupings the page offers as tabs (the total is always shown above them).
PAGE_GROUPINGS = [g for g in Grouping if g != Grouping.TOTAL]


class GroupedPeriodForm(PeriodForm):
    group = forms.ChoiceField(
        label="分组", choices=[(g.value, g.label) for g in PAGE_GROUPINGS], required=False
    )


@supervisor_required
@require_GET
def feedback_figures(request):
    """好差评统计: the figures of a period, the district total and one grouping's rows
    (paginated), within the supervisor's scope."""
    form = GroupedPeriodForm(request.GET or None)
    start = end = None
    group = Grouping.DEPARTMENT
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        group = Grouping(form.cleaned_data["group"] or Grouping.DEPARTMENT)
    # The supervision scope, as the overview's (a second role widens nothing here).
    scope = supervisor_scope(request.scope)
    table = rating_figure_table(grouping=group, start=start, end=end, scope=scope)
    page = Paginator(table.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    period = query_string(start=start, end=end)
    quick = quick_links({"start": start, "end": end, "group": group.value}, start, end)
    tabs = [
        {
            "label": g.label,
            "query": query_string(start=start, end=end, group=g.value),
            "active": g == group,
        }
        for g in PAGE_GROUPINGS
    ]
    return render(
        request,
        "supervision/feedback.html",
        {
            "form": form,
            "table": table,
            "page": page,
            "group": group,
            "tabs": tabs,
            "quick": quick,
            "page_query": query_string(start=start, end=end, group=group.value),
            "figures": list(FIGURES.values()),
            "export_csv": f"{reverse('api-feedback-ratings-csv')}?{period}",
            "export_json": f"{reverse('api-feedback-ratings-json')}?{period}",
            "district_wide": scope.everything,
        },
    )


class RatingSearchForm(FilterForm):
    """The overview's filter and the rating count whose ratings are listed."""

    figure = forms.ChoiceField(
        label="统计口径", required=False, choices=list(rollups.RATING_CODES.items())
    )


@supervisor_required
@require_GET
def rating_list(request):
    """评价列表: the counted ratings behind a rating figure of the overview, for its period
    and dimensions in the supervisor's scope, newest first; the rater shown as
    feedback's rule allows (supervisors see raters, a default rating has none)."""
    form = RatingSearchForm(request.GET or None, scope=request.scope)
    f = form.to_filter()
    valid = form.is_bound and form.is_valid()
    figure = (form.cleaned_data.get("figure") if valid else "") or "rated"
    page = CappedPaginator(rating_search(f=f, figure=figure), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    scope = supervisor_scope(request.scope)
    params = {**filter_query(f), "figure": figure}
    label = rollups.RATING_CODES[figure]
    return render(
        request,
        "supervision/ratings.html",
        {
            "form": form,
            "f": f,
            "page": page,
            "rows": [
                (
                    r,
                    rater_name(r) if scope.sees_rater(r) else "",
                    # A rating in scope by the department that served it may be of a
                    # case whose item is another department's: no page to link to.
                    case_in_scope(r.instance.application, request.scope),
                )
                for r in page.object_list
            ],
            "note": f"按评价时间 · 统计口径：{label}（计入好差评统计的评价）",
            "query": query_string(**params),
            "quick": quick_links(params, f.start, f.end),
            "overview_url": f"{reverse('supervision:overview')}?{query_string(**filter_query(f))}",
            "district_wide": request.scope is None,
            "count_cap": f"{page.paginator.cap:,}",
        },
    )
