"""The comprehensive window's workbench (综窗办): counter intake and online pre-review.

Every view needs a clerk (Role.CLERK) who sits at a window (StaffProfile.window).
A counter intake is one form and one call of ``intake.services.counter`` (creating
the application, receiving the materials and the outcome in ONE transaction, so an
outcome the services refuse leaves nothing half-saved): these views parse the forms,
call one service or selector and render. Notices are rendered by Celery after
commit; the pages poll for them with htmx.
"""

import datetime
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Citizen, Enterprise
from accounts.selectors import citizen_by_id_number
from catalog.calendar import add_working_days, current_calendar
from catalog.constants import MaterialRequirement
from catalog.models import Bundle, ItemVersion
from catalog.selectors import (
    bundle_choices,
    bundle_material_list,
    bundle_versions,
    item_version_choices,
)
from jinpu_portal.refusals import error_text
from jinpu_portal.submissions import DuplicateSubmission
from jinpu_portal.views import forbidden, found_or_404

from ..constants import ApplicantKind, CaseStatus, Channel, MaterialStatus, NoticeStatus
from ..errors import IntakeError, IntakePermissionDenied
from ..files import material_file_response
from ..models import Application, BundleApplication, Notice
from ..page_hooks import (
    VisitRefused,
    paused_limits_of,
    visit_offered,
    workbench_reminders,
    workbench_visit,
)
from ..selectors import (
    CASE_SEARCH_MAX_LENGTH,
    application_detail_for,
    application_get_for,
    application_list_at_window,
    application_search,
    bundle_case_list_for,
    prereview_queue,
    workbench_window,
)
from ..services.bundles import material_key
from ..services.cases import SCANNABLE, application_resubmit, clerk_profile, material_scan
from ..services.counter import (
    ALREADY,
    applicant_register_at_window,
    counter_bundle_intake,
    outcome_apply,
)
from ..services.counter import counter_intake as counter_intake_service
from ..services.prereview import prereview_clock
from ..workbench_forms import (
    NOT_SUBMITTED,
    ApplicantLookupForm,
    CitizenForm,
    CounterFlagsForm,
    EnterpriseForm,
    MaterialVerdictForm,
    OutcomeForm,
    error_summary,
)

QUEUE_PAGE_SIZE = 50


def _denied(request, error: Exception):
    reason = error.args[0] if error.args else "无权办理。"
    return forbidden(request, reason)


def clerk_required(view):
    """A signed-in clerk at a window; IntakePermissionDenied anywhere below is a 403
    page with the service's Chinese message."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        try:
            request.clerk_window = workbench_window(clerk_profile(request.user))
            return view(request, *args, **kwargs)
        except IntakePermissionDenied as error:
            return _denied(request, error)

    return wrapper


# --- queue and lists ---------------------------------------------------------


@clerk_required
@require_GET
def home(request):
    """The pre-review queue: online submissions waiting, green channel and oldest first."""
    today = timezone.localdate()
    calendar = current_calendar()
    page = Paginator(prereview_queue(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (application, prereview_clock(application, today=today, calendar=calendar))
        for application in page.object_list
    ]
    template = (
        "intake/workbench/_queue.html"
        if request.headers.get("HX-Request")
        else "intake/workbench/home.html"
    )
    return render(
        request,
        template,
        {
            "rows": rows,
            "page": page,
            "window": request.clerk_window,
            "tab": "queue",
            "prereview_warn_days": settings.INTAKE_PREREVIEW_WARN_DAYS,
            "prereview_limit_days": settings.INTAKE_PREREVIEW_LIMIT_DAYS,
        },
    )


@clerk_required
@require_GET
def window_cases(request):
    """What this window handled lately (newest first); ``?q=`` finds a case at any
    window instead (查找办件: case or application number, ID number, name)."""
    query = (request.GET.get("q") or "").strip()[:CASE_SEARCH_MAX_LENGTH]
    applications = (
        application_search(user=request.user, query=query)
        if query
        else application_list_at_window(user=request.user, window=request.clerk_window)
    )
    page = Paginator(applications, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    calendar = current_calendar()
    # An application received here and not yet reviewed runs the same art. 32 clock.
    rows = [
        (
            application,
            prereview_clock(application, today=today, calendar=calendar)
            if application.status == CaseStatus.SUBMITTED
            else None,
        )
        for application in page.object_list
    ]
    return render(
        request,
        "intake/workbench/cases.html",
        {
            "page": page,
            "rows": rows,
            "q": query,
            "page_query": urlencode({"q": query}) if query else "",
            "search_max_length": CASE_SEARCH_MAX_LENGTH,
            "window": request.clerk_window,
            "tab": "cases",
        },
    )


# --- counter intake: applicant, item, materials and outcome ---------------------


def _counter_query(citizen: Citizen, enterprise: Enterprise | None) -> str:
    query = f"applicant={citizen.pk}"
    return f"{query}&enterprise={enterprise.pk}" if enterprise else query


def _applicant_from_query(request) -> tuple[Citizen, Enterprise | None] | None:
    """The applicant step 1 found (``?applicant=`` and ``&enterprise=``), or None."""
    try:
        citizen = Citizen.objects.get(
            pk=int(request.GET.get("applicant", "")), verified_at__isnull=False
        )
        enterprise_id = request.GET.get("enterprise")
        enterprise = Enterprise.objects.get(pk=int(enterprise_id)) if enterprise_id else None
    except (ValueError, Citizen.DoesNotExist, Enterprise.DoesNotExist):
        return None
    return citizen, enterprise


def _applicant_required(view):
    """Steps 2 and 3 of a counter intake: the view gets ``citizen`` and ``enterprise``,
    the applicant step 1 found. Opened without one (a bookmark, a typed address, a
    stale link), they go back to step 1, saying why."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        applicant = _applicant_from_query(request)
        if applicant is None:
            if request.GET.get("applicant"):
                messages.warning(request, "未找到该申请人，请重新核验申请人身份。")
            else:
                messages.warning(request, "请先核验申请人身份，再选择事项。")
            return redirect("intake:workbench-counter")
        return view(request, *applicant, *args, **kwargs)

    return wrapper


@clerk_required
@require_http_methods(["GET", "POST"])
def counter_applicant(request):
    """Step 1: find the applicant by ID number (and credit code), or register them.

    The full numbers are shown: the clerk checks them against the documents."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    lookup = ApplicantLookupForm(data)
    context = {"lookup": lookup, "window": request.clerk_window, "tab": "counter"}
    if not lookup.is_bound or not lookup.is_valid():
        return render(request, "intake/workbench/applicant.html", context)
    number = lookup.cleaned_data["id_number"]
    code = lookup.cleaned_data["credit_code"]
    is_enterprise = lookup.cleaned_data["kind"] == ApplicantKind.ENTERPRISE
    citizen = citizen_by_id_number(number)
    enterprise = Enterprise.objects.filter(credit_code=code).first() if is_enterprise else None
    post = request.POST if request.method == "POST" else None
    citizen_form = None if citizen else CitizenForm(post, prefix="person")
    enterprise_form = (
        EnterpriseForm(post, prefix="org") if is_enterprise and enterprise is None else None
    )
    context.update(
        citizen=citizen,
        enterprise=enterprise,
        is_enterprise=is_enterprise,
        citizen_form=citizen_form,
        enterprise_form=enterprise_form,
        id_number=number,
        credit_code=code,
    )
    if request.method != "POST":
        return render(request, "intake/workbench/applicant.html", context)
    forms_valid = all(f.is_valid() for f in (citizen_form, enterprise_form) if f is not None)
    if not forms_valid:
        context["error_summary"] = error_summary(citizen_form, enterprise_form)
        return render(request, "intake/workbench/applicant.html", context, status=400)
    try:
        citizen, enterprise = applicant_register_at_window(
            id_number=number,
            clerk=request.user,
            person=citizen_form.cleaned_data if citizen_form else None,
            credit_code=code if is_enterprise else "",
            organisation=enterprise_form.cleaned_data if enterprise_form else None,
        )
    except ValidationError as error:
        context["errors"] = error.messages
        status = 409 if error.code == "registered_meanwhile" else 400
        return render(request, "intake/workbench/applicant.html", context, status=status)
    return redirect(f"{reverse('intake:workbench-items')}?{_counter_query(citizen, enterprise)}")


@clerk_required
@require_GET
@_applicant_required
def counter_items(request, citizen, enterprise):
    """Step 2: pick the item (search the published catalog) for this applicant."""
    q = (request.GET.get("q") or "").strip()
    return render(
        request,
        "intake/workbench/items.html",
        {
            "citizen": citizen,
            "enterprise": enterprise,
            "q": q,
            "versions": item_version_choices(q=q)[:30],
            "bundles": bundle_choices(q=q)[:20],
            "applicant_query": _counter_query(citizen, enterprise),
            "window": request.clerk_window,
            "tab": "counter",
        },
    )


def _material_forms(application_or_version, data, *, max_due, online: bool = False):
    """One verdict form per material, with sensible defaults: at the counter what the
    catalog requires is received and an optional one not submitted; online a material
    with a file is received and one without is missing (required) or not submitted
    (optional)."""
    if isinstance(application_or_version, Application):
        slots = list(application_or_version.materials.all())  # application_detail_for's
        pairs = [(slot.material, slot) for slot in slots]
    else:
        pairs = [(m, None) for m in application_or_version.materials.order_by("position")]
    forms = []
    for material, slot in pairs:
        if online:
            if slot is not None and slot.file:
                status = MaterialStatus.RECEIVED
            elif material.requirement == MaterialRequirement.REQUIRED:
                status = MaterialStatus.MISSING
            else:
                status = NOT_SUBMITTED
            initial = {"status": status, "originals": 0, "copies": 0}
        else:
            # An optional material (a power of attorney when an agent comes) is not
            # received until the clerk says so, as on a 一件事's merged list.
            required = material.requirement == MaterialRequirement.REQUIRED
            initial = {
                "status": MaterialStatus.RECEIVED if required else NOT_SUBMITTED,
                "originals": material.originals,
                "copies": material.copies,
            }
        form = MaterialVerdictForm(data, material=material, max_due=max_due, initial=initial)
        form.slot = slot
        forms.append(form)
    return forms


def _max_tolerance_due(version: ItemVersion) -> datetime.date:
    return add_working_days(timezone.localdate(), version.promised_limit_days, current_calendar())


def _counter_context(
    request, citizen, enterprise, *, material_forms, version, postal_supported, max_due
) -> dict:
    """The forms and context of a counter intake page (one item or a 一件事)."""
    data = request.POST if request.method == "POST" else None
    return {
        "citizen": citizen,
        "enterprise": enterprise,
        "material_forms": material_forms,
        "flags": CounterFlagsForm(
            data,
            postal_supported=postal_supported,
            applicant_id_number=citizen.id_number,
            initial={"contact_phone": citizen.phone},
        ),
        "outcome": OutcomeForm(data, version=version),
        "max_due": max_due,
        "applicant_query": _counter_query(citizen, enterprise),
        "window": request.clerk_window,
        "tab": "counter",
    }


def _counter_submit(request, template: str, context: dict, call):
    """A counter intake page: on GET the forms; on POST every form validated, then
    ``call(**arguments)``, the one service. Returns (its result, None) or (None, the
    page with the errors)."""
    if request.method != "POST":
        return None, render(request, template, context)
    flags, outcome = context["flags"], context["outcome"]
    forms = (*context["material_forms"], flags, outcome)
    if not all([form.is_valid() for form in forms]):
        context["error_summary"] = error_summary(*forms)
        return None, render(request, template, context, status=400)
    try:
        return call(
            applicant=context["citizen"],
            enterprise=context["enterprise"],
            actor=request.user,
            particulars=flags.cleaned_data,
            outcome=outcome.cleaned_data,
            submission=flags.cleaned_data.get("submission"),
        ), None
    except DuplicateSubmission as error:
        first = _already_submitted(request, error.made)
        if first is not None:
            return None, first
        context["errors"] = error.messages
        return None, render(request, template, context, status=409)
    except ValidationError as error:
        context["errors"] = error.messages
        return None, render(request, template, context, status=400)


def _already_submitted(request, made):
    """The same form posted again (a double click, a second tab): the page of what its
    first post made, or None when it names nothing this clerk made."""
    if isinstance(made, BundleApplication):
        messages.warning(request, ALREADY)
        return redirect("intake:workbench-bundle-result", pk=made.pk)
    if isinstance(made, Application):
        messages.warning(request, f"{ALREADY.rstrip('。')}：{_outcome_message(made)}")
        return redirect("intake:workbench-application", pk=made.pk)
    return None


def _outcome_given(request, message: str) -> None:
    """The message of an outcome given at the clerk's window (accepted, refused, sent
    back for correction), with what the apps above remind of then (the hall: the ticket
    still in service there, to end on the queue panel; ``page_hooks``)."""
    messages.success(request, message + workbench_reminders(request.clerk_window))


def _outcome_message(application: Application) -> str:
    application.refresh_from_db(fields=["status", "case_number"])
    if application.case_number:
        return f"已受理，办件编号 {application.case_number}。"
    if application.status == CaseStatus.CORRECTION_REQUESTED:
        return "已出具补正材料一次性告知书。"
    if application.status == CaseStatus.REFUSED:
        return "已出具不予受理通知书。"
    return "已处理。"


@clerk_required
@require_http_methods(["GET", "POST"])
@_applicant_required
def counter_intake(request, citizen, enterprise, version_id: int):
    """Step 3: tick off each material, set the flags and choose the outcome.

    application_create → counter_receive → outcome, all in one transaction."""
    version = get_object_or_404(
        ItemVersion.objects.select_related("item", "department"), pk=version_id
    )
    data = request.POST if request.method == "POST" else None
    max_due = _max_tolerance_due(version)
    material_forms = _material_forms(version, data, max_due=max_due)
    context = _counter_context(
        request,
        citizen,
        enterprise,
        material_forms=material_forms,
        version=version,
        postal_supported=version.postal_delivery_supported,
        max_due=max_due,
    )
    context["version"] = version
    application, page = _counter_submit(
        request,
        "intake/workbench/intake.html",
        context,
        lambda **arguments: counter_intake_service(
            item_version=version,
            verdicts=[v for v in (f.verdict() for f in material_forms) if v is not None],
            **arguments,
        ),
    )
    if page is not None:
        return page
    _outcome_given(request, _outcome_message(application))
    return redirect("intake:workbench-application", pk=application.pk)


# --- one application: review (pre-review of online submissions) and result -------


def _visible_application(request, pk: int) -> Application:
    return found_or_404(application_get_for(user=request.user, pk=pk), "未找到该申请。")


@clerk_required
@require_http_methods(["GET", "POST"])
def application_detail(request, pk: int):
    """An application at the workbench: the review form while it waits for a verdict,
    else its result (case number, notices, timeline)."""
    application = found_or_404(application_detail_for(user=request.user, pk=pk), "未找到该申请。")
    version = application.item_version
    reviewable = application.status == CaseStatus.SUBMITTED
    other_window = (
        application.window
        if application.window_id and application.window_id != request.clerk_window.pk
        else None
    )
    context = {
        "application": application,
        "version": version,
        "reviewable": reviewable,
        # The full ID numbers only while the documents are checked here, at this window.
        "show_full_id": reviewable and other_window is None,
        "other_window": other_window,
        "window": request.clerk_window,
        "tab": "queue" if application.channel == Channel.ONLINE else "cases",
        "scannable": application.channel == Channel.COUNTER
        and application.status in SCANNABLE
        and other_window is None,
        # A walk-in sent back for correction brings the materials to this window again.
        "correction_receivable": application.channel == Channel.COUNTER
        and application.status == CaseStatus.CORRECTION_REQUESTED
        and other_window is None,
    }
    if reviewable:
        data = request.POST if request.method == "POST" else None
        max_due = _max_tolerance_due(version)
        context["material_forms"] = _material_forms(
            application, data, max_due=max_due, online=application.channel == Channel.ONLINE
        )
        # An online (or kiosk) application is linked to the ticket in service only when
        # the clerk says its applicant is the person served (本次叫号群众办理); a counter
        # intake received at the window during the service is linked by the hall itself.
        window = request.clerk_window
        visit = workbench_visit(window) if visit_offered(application, window) else None
        context["outcome"] = OutcomeForm(data, version=version, visit=visit)
        context["max_due"] = max_due
        context["clock"] = prereview_clock(application)
    elif request.method == "POST":
        messages.error(
            request, f"该申请当前状态为“{application.get_status_display()}”，不能再作受理结论。"
        )
        return redirect("intake:workbench-application", pk=application.pk)
    if request.method == "POST":
        material_forms, outcome = context["material_forms"], context["outcome"]
        valid = [f.is_valid() for f in (*material_forms, outcome)]
        if not all(valid):
            context["error_summary"] = error_summary(*material_forms, outcome)
            return _detail(request, context, status=400)
        verdicts = [v for v in (f.verdict() for f in material_forms) if v is not None]
        try:
            outcome_apply(
                application=application,
                actor=request.user,
                outcome=outcome.cleaned_data,
                verdicts=verdicts,
            )
        except IntakePermissionDenied:
            raise
        except VisitRefused as error:
            return _visit_ended(request, context, error)
        except ValidationError as error:
            context["errors"] = error.messages
            return _detail(request, context, status=400)
        _outcome_given(request, _outcome_message(application))
        return redirect("intake:workbench-application", pk=application.pk)
    return _detail(request, context)


def _visit_ended(request, context, error: VisitRefused):
    """The outcome was marked 本次叫号群众办理 and the visit ended after the form checked
    it (another tab, the panel's 结束办理, the day's close): the hall refused the link
    and nothing was saved. The page is shown again, 400, with what was typed and the
    window as it is now (its bar, the box for the visit now in progress or none), the
    form checked again: the refusal that check gives now."""
    window = request.clerk_window = workbench_window(clerk_profile(request.user))
    application = context["application"]
    visit = workbench_visit(window) if visit_offered(application, window) else None
    outcome = OutcomeForm(request.POST, version=context["version"], visit=visit)
    if outcome.is_valid():  # not expected: the check cannot pass for an ended visit
        outcome.add_error(None, error)
    context.update(window=window, outcome=outcome)
    context["error_summary"] = error_summary(*context["material_forms"], outcome)
    return _detail(request, context, status=400)


@clerk_required
@require_POST
def correction_received(request, pk: int):
    """A counter application sent back for correction: the applicant brought the
    corrected materials to the window. It returns to review at this window (received
    today: art. 32's count and the acceptance date start again), where the clerk
    checks every material and gives the outcome."""
    application = _visible_application(request, pk)
    try:
        application_resubmit(application=application, actor=request.user)
    except IntakeError as error:
        messages.error(request, f"未能收取补正材料：{error_text(error)}")
    else:
        messages.success(request, "已收取补正材料。请逐项核验材料，再作出受理结论。")
    return redirect("intake:workbench-application", pk=application.pk)


def _detail(request, context, status=200):
    application = context["application"]
    context["paused_limits"] = paused_limits_of(application)
    context["notices"] = list(application.notices.all())
    context["events"] = list(application.events.all())
    context["slots"] = list(application.materials.all())
    return render(request, "intake/workbench/application.html", context, status=status)


@clerk_required
@require_GET
def material_file(request, pk: int, material_id: int):
    """An uploaded material, opened in the browser for the clerk's review."""
    application = _visible_application(request, pk)
    slot = found_or_404(
        application.materials.select_related("material").filter(material_id=material_id).first(),
        "该材料没有上传文件。",
    )
    return material_file_response(slot)


@clerk_required
@require_POST
def material_scan_upload(request, pk: int, material_id: int):
    """The clerk's scan of a paper material (PDF, JPEG or PNG, checked by content), so
    the departments get an electronic copy; see ``services.cases.material_scan``."""
    application = _visible_application(request, pk)
    upload = request.FILES.get("scan")
    if upload is None:
        messages.error(request, "请选择要上传的扫描件（PDF、JPEG 或 PNG 文件）。")
    else:
        try:
            slot = material_scan(
                application=application,
                material=material_id,
                uploaded_file=upload,
                actor=request.user,
            )
        except IntakeError as error:
            messages.error(request, f"扫描件未上传：{error_text(error)}")
        else:
            messages.success(request, f"已上传“{slot.material.name}”的扫描件，审批部门可以查看。")
    return redirect(reverse("intake:workbench-application", args=[application.pk]) + "#scans")


def _visible_notice(request, pk: int) -> Notice:
    notice = get_object_or_404(Notice.objects.select_related("application"), pk=pk)
    _visible_application(request, notice.application_id)
    return notice


@clerk_required
@require_GET
def notice_status(request, pk: int):
    """htmx: the notice's row; it keeps polling while the PDF is being rendered."""
    notice = _visible_notice(request, pk)
    return render(request, "intake/workbench/_notice.html", {"notice": notice})


@clerk_required
@require_GET
def notice_download(request, pk: int):
    notice = _visible_notice(request, pk)
    if notice.status != NoticeStatus.READY or not notice.file:
        messages.info(request, "文书正在生成，请稍候再下载。")
        return redirect("intake:workbench-application", pk=notice.application_id)
    return FileResponse(
        notice.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{notice.title}-{notice.application.reference}.pdf".replace(" ", ""),
    )


# --- 一件事 at the counter: one merged material list, one case per item ------------


@dataclass(frozen=True)
class _MergedRow:
    """A merged material of a bundle, shaped like an ItemMaterial for the verdict form."""

    pk: int
    name: str
    requirement: str
    tolerance_allowed: bool
    originals: int
    copies: int
    item_names: str
    signature_requirement: str = ""


def _bundle_rows(bundle: Bundle, versions) -> list[_MergedRow]:
    return [
        _MergedRow(
            pk=index,
            name=merged.name,
            requirement=(
                MaterialRequirement.REQUIRED if merged.required else MaterialRequirement.OPTIONAL
            ),
            tolerance_allowed=merged.tolerance_allowed,
            originals=merged.originals,
            copies=merged.copies,
            item_names="、".join(v.name for v in merged.versions),
        )
        for index, merged in enumerate(bundle_material_list(bundle, versions), start=1)
    ]


def _merged_verdicts(material_forms) -> dict[str, dict]:
    """The verdicts on a 一件事's merged list, keyed by ``material_key`` of the name."""
    verdicts = {}
    for form in material_forms:
        verdict = form.verdict()
        if verdict is not None:
            verdicts[material_key(form.material.name)] = verdict
    return verdicts


@clerk_required
@require_http_methods(["GET", "POST"])
@_applicant_required
def counter_bundle(request, citizen, enterprise, bundle_id: int):
    """一件事 at the counter: one merged material list; one case per item, each
    accepted and routed on its own. A correction notice goes to each item case with a
    problem; the others stay received at this window for acceptance. All in one
    transaction."""
    bundle = get_object_or_404(Bundle, pk=bundle_id, is_active=True)
    versions = bundle_versions(bundle=bundle)
    if not versions:
        raise Http404("该一件事暂无可办理的事项。")
    data = request.POST if request.method == "POST" else None
    calendar = current_calendar()
    today = timezone.localdate()
    max_due = min(add_working_days(today, v.promised_limit_days, calendar) for v in versions)
    rows = _bundle_rows(bundle, versions)
    material_forms = []
    for row in rows:
        form = MaterialVerdictForm(
            data,
            material=row,
            max_due=max_due,
            initial={
                "status": MaterialStatus.RECEIVED
                if row.requirement == MaterialRequirement.REQUIRED
                else NOT_SUBMITTED,
                "originals": row.originals,
                "copies": row.copies,
            },
        )
        form.slot = None
        material_forms.append(form)
    context = _counter_context(
        request,
        citizen,
        enterprise,
        material_forms=material_forms,
        version=None,
        postal_supported=all(v.postal_delivery_supported for v in versions),
        max_due=max_due,
    )
    context.update(bundle=bundle, versions=versions)
    bundle_application, page = _counter_submit(
        request,
        "intake/workbench/bundle_intake.html",
        context,
        lambda **arguments: counter_bundle_intake(
            bundle=bundle, verdicts=_merged_verdicts(material_forms), **arguments
        ),
    )
    if page is not None:
        return page
    count = bundle_application.applications.count()
    _outcome_given(request, f"“{bundle.name}”已办理，共 {count} 个事项。")
    return redirect("intake:workbench-bundle-result", pk=bundle_application.pk)


@clerk_required
@require_GET
def bundle_result(request, pk: int):
    bundle_application = get_object_or_404(
        BundleApplication.objects.select_related("bundle", "applicant", "enterprise"), pk=pk
    )
    applications = bundle_case_list_for(user=request.user, bundle_application=bundle_application)
    if not applications:
        raise Http404("未找到该一件事申请。")
    return render(
        request,
        "intake/workbench/bundle_result.html",
        {
            "bundle_application": bundle_application,
            "applications": applications,
            "window": request.clerk_window,
            "tab": "cases",
        },
    )
