"""The case search across the supervisor's scope, one case's supervision page (its
clocks, timeline, 督办 records, 好差评 ratings and their rectification orders) and the
督办 note a supervisor issues on it (through approvals' service: supervision writes
nothing of another app's)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from approvals.constants import Light
from approvals.models import Escalation
from approvals.selectors import case_clocks_left, case_timeline
from approvals.services.escalations import CONTENT_MAX, escalation_issue
from intake.constants import CaseStatus
from jinpu_portal.dates import datetime_text
from jinpu_portal.refusals import error_text
from jinpu_portal.submissions import DuplicateSubmission, SubmissionKeyForm
from jinpu_portal.views import found_or_404

from .. import rollups
from ..selectors import (
    CaseQuery,
    case_escalations,
    case_for_supervisor,
    case_lights,
    case_ratings,
    case_search,
)
from .common import (
    PAGE_SIZE,
    CappedPaginator,
    FilterForm,
    filter_query,
    query_string,
    supervisor_required,
)

FIGURE_CHOICES = [("", "不限")] + [
    *rollups.CASE_CODES.items(),
    *((f"rating:{code}", f"{label}（评价）") for code, label in rollups.RATING_CODES.items()),
]


class SearchForm(FilterForm):
    number = forms.CharField(label="办件编号", required=False, max_length=32)
    applicant = forms.CharField(
        label="申请人", required=False, max_length=100, help_text="姓名、企业名称，或完整的证件号码"
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部")] + [(s.value, s.label) for s in CaseStatus if s != CaseStatus.DRAFT],
    )
    light = forms.ChoiceField(label="亮灯", required=False, choices=[("", "全部"), *Light.choices])
    figure = forms.ChoiceField(label="统计口径", required=False, choices=FIGURE_CHOICES)

    def to_query(self) -> CaseQuery:
        if not self.is_bound or not self.is_valid():
            return CaseQuery()
        data = self.cleaned_data
        return CaseQuery(
            number=data.get("number") or "",
            applicant=data.get("applicant") or "",
            status=data.get("status") or "",
            light=int(data["light"]) if data.get("light") not in (None, "") else None,
            figure=data.get("figure") or "",
            start=data.get("start"),
            end=data.get("end"),
        )


def search_query_params(form: SearchForm, f) -> dict:
    query = form.to_query()
    return {
        **filter_query(f),
        "number": query.number,
        "applicant": query.applicant,
        "status": query.status,
        "light": "" if query.light is None else query.light,
        "figure": query.figure,
    }


def searched(request):
    """(form, filter, queryset) of the case search's query string."""
    form = SearchForm(request.GET or None, scope=request.scope)
    f = form.to_filter()
    return form, f, case_search(f=f, query=form.to_query())


@supervisor_required
@require_GET
def case_list(request):
    form, f, results = searched(request)
    # Newest first from the index application_submitted; counted up to COUNT_CAP.
    page = CappedPaginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    applications = list(page.object_list)
    lights = case_lights(applications)
    params = search_query_params(form, f)
    figure = form.to_query().figure
    figure_label = dict(FIGURE_CHOICES).get(figure, "")
    return render(
        request,
        "supervision/cases.html",
        {
            "form": form,
            "page": page,
            "rows": [(a, lights.get(a.pk)) for a in applications],
            "query": query_string(**params),
            "export_url": f"{reverse('supervision:export', args=['cases'])}?"
            + query_string(**params),
            "figure_label": figure_label,
            "district_wide": request.scope is None,
            "count_cap": f"{page.paginator.cap:,}",
        },
    )


class EscalateForm(SubmissionKeyForm):
    content = forms.CharField(
        label="督办内容", max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


def _case_or_404(request, pk):
    return found_or_404(
        case_for_supervisor(pk=pk, scope=request.scope), "没有找到该办件，或不在您的督查范围内。"
    )


def _case_page(request, application, form, status=200):
    return render(
        request,
        "supervision/case.html",
        {
            "application": application,
            "clocks": case_clocks_left(application),
            "timeline": case_timeline(application, for_staff=True),
            "escalations": case_escalations(application),
            "ratings": case_ratings(application, user=request.user),
            "form": form,
        },
        status=status,
    )


@supervisor_required
@require_GET
def case_detail(request, pk):
    application = _case_or_404(request, pk)
    return _case_page(request, application, EscalateForm())


@supervisor_required
@require_POST
def case_escalate(request, pk):
    """Issue a 督办 note on the case (approvals.services.escalations.escalation_issue)."""
    application = _case_or_404(request, pk)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        return _case_page(request, application, form, status=400)
    try:
        escalation = escalation_issue(
            application=application,
            actor=request.user,
            content=form.cleaned_data["content"],
            submission=form.cleaned_data["submission"],
        )
    except PermissionDenied as error:
        raise Http404("没有找到该办件，或不在您的督查范围内。") from error
    except DuplicateSubmission as error:
        first = error.made
        if not isinstance(first, Escalation):
            form.add_error(None, error_text(error))
            return _case_page(request, application, form, status=409)
        messages.warning(
            request,
            f"{error_text(error)}首次提交的督办已于 {datetime_text(first.issued_at)} "
            "发出并通知承办部门，见本页督办记录。",
        )
        return redirect(_escalation_url(first))
    except ValidationError as error:
        form.add_error("content", error_text(error))
        return _case_page(request, application, form, status=400)
    messages.success(request, "督办已发出，已通知承办部门。")
    return redirect(_escalation_url(escalation))


def _escalation_url(escalation: Escalation) -> str:
    """The case's supervision page at the 督办 record."""
    page = reverse("supervision:case", args=[escalation.application_id])
    return f"{page}#escalation-{escalation.pk}"
