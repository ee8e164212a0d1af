"""The comprehensive window's workbench (综窗办): counter intake and online pre-review.

Every view needs a clerk (Role.CLERK) who sits at a window (StaffProfile.window).
A counter intake is one form: creating the application, receiving the materials and
the outcome happen in ONE transaction, so an outcome the services refuse leaves
nothing half-saved. Notices are rendered by Celery after commit; the pages poll for
them with htmx.
"""

import datetime
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Citizen, Enterprise
from accounts.selectors import citizen_by_id_number
from accounts.services import citizen_register_at_window, enterprise_register
from catalog.calendar import add_working_days, current_calendar
from catalog.constants import MaterialRequirement
from catalog.models import Bundle, ItemVersion
from catalog.selectors import (
    bundle_list,
    bundle_material_list,
    bundle_versions,
    item_version_search,
)

from ..constants import ApplicantKind, CaseStatus, Channel, MaterialStatus, NoticeStatus
from ..errors import IntakeError, IntakePermissionDenied
from ..files import material_file_response
from ..models import Application, BundleApplication, Notice
from ..selectors import application_list_for, prereview_queue
from ..services.cases import (
    SCANNABLE,
    application_create,
    clerk_window,
    counter_receive,
    intake_accept,
    intake_refuse,
    intake_request_correction,
    material_scan,
)
from ..services.prereview import prereview_clock
from ..workbench_forms import (
    ApplicantLookupForm,
    CitizenForm,
    CounterFlagsForm,
    EnterpriseForm,
    MaterialVerdictForm,
    Outcome,
    OutcomeForm,
    error_summary,
)

QUEUE_PAGE_SIZE = 50


def _denied(request, error: Exception):
    reason = error.args[0] if error.args else "无权办理。"
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def clerk_required(view):
    """A signed-in clerk at a window; IntakePermissionDenied anywhere below is a 403
    page with the service's Chinese message."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        try:
            request.clerk_window = clerk_window(request.user)
            return view(request, *args, **kwargs)
        except IntakePermissionDenied as error:
            return _denied(request, error)

    return wrapper


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


# --- queue and lists ---------------------------------------------------------


@clerk_required
@require_GET
def home(request):
    """The pre-review queue: online submissions waiting, green channel and oldest first."""
    today = timezone.localdate()
    calendar = current_calendar()
    queue = prereview_queue().filter(status=CaseStatus.SUBMITTED)
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
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
    """What this window handled lately (newest first)."""
    applications = (
        application_list_for(user=request.user)
        .filter(window=request.clerk_window)
        .exclude(status=CaseStatus.DRAFT)
        .order_by("-updated_at")
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
        {"page": page, "rows": rows, "window": request.clerk_window, "tab": "cases"},
    )


# --- counter intake: applicant, item, materials and outcome ---------------------


def _counter_query(citizen: Citizen, enterprise: Enterprise | None) -> str:
    query = f"applicant={citizen.pk}"
    return f"{query}&enterprise={enterprise.pk}" if enterprise else query


def _applicant_from_query(request) -> tuple[Citizen, Enterprise | None]:
    try:
        citizen = Citizen.objects.get(
            pk=int(request.GET.get("applicant", "")), verified_at__isnull=False
        )
        enterprise_id = request.GET.get("enterprise")
        enterprise = Enterprise.objects.get(pk=int(enterprise_id)) if enterprise_id else None
    except (ValueError, Citizen.DoesNotExist, Enterprise.DoesNotExist):
        raise Http404("未找到申请人，请重新查询。") from None
    return citizen, enterprise


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
        with transaction.atomic():
            if citizen is None:
                citizen = citizen_register_at_window(
                    name=citizen_form.cleaned_data["name"],
                    id_number=number,
                    phone=citizen_form.cleaned_data["phone"],
                    clerk=request.user,
                    window=request.clerk_window,
                )
            if is_enterprise and enterprise is None:
                org = enterprise_form.cleaned_data
                enterprise = enterprise_register(
                    name=org["name"],
                    credit_code=code,
                    legal_representative=org["legal_representative"],
                    address=org["address"],
                    phone=org["phone"],
                )
    except ValidationError as error:
        context["errors"] = _error_messages(error)
        return render(request, "intake/workbench/applicant.html", context, status=400)
    except IntegrityError:
        context["errors"] = ["该证件号码刚被登记，请重新查询后继续。"]
        return render(request, "intake/workbench/applicant.html", context, status=409)
    return redirect(f"{reverse('intake:workbench-items')}?{_counter_query(citizen, enterprise)}")


@clerk_required
@require_GET
def counter_items(request):
    """Step 2: pick the item (search the published catalog) for this applicant."""
    citizen, enterprise = _applicant_from_query(request)
    q = (request.GET.get("q") or "").strip()
    versions = (
        item_version_search(q=q, queryset=ItemVersion.objects.select_related("item", "department"))
        if q
        else ItemVersion.objects.none()
    )
    bundles = bundle_list().filter(item_count__gt=0)
    if q:
        bundles = bundles.filter(name__icontains=q)
    return render(
        request,
        "intake/workbench/items.html",
        {
            "citizen": citizen,
            "enterprise": enterprise,
            "q": q,
            "versions": versions[:30],
            "bundles": bundles[:20],
            "applicant_query": _counter_query(citizen, enterprise),
            "window": request.clerk_window,
            "tab": "counter",
        },
    )


def _material_forms(application_or_version, data, *, max_due, online: bool = False):
    """One verdict form per material, with sensible defaults: at the counter what the
    catalog asks for is received; online a material with a file is received and one
    without is missing (required) or not submitted (optional)."""
    if isinstance(application_or_version, Application):
        slots = list(
            application_or_version.materials.select_related("material").order_by(
                "material__position"
            )
        )
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
                status = "pending"
            initial = {"status": status, "originals": 0, "copies": 0}
        else:
            initial = {
                "status": MaterialStatus.RECEIVED,
                "originals": material.originals,
                "copies": material.copies,
            }
        form = MaterialVerdictForm(data, material=material, max_due=max_due, initial=initial)
        form.slot = slot
        forms.append(form)
    return forms


def _max_tolerance_due(version: ItemVersion) -> datetime.date:
    return add_working_days(timezone.localdate(), version.promised_limit_days, current_calendar())


def _apply_outcome(*, application: Application, actor, outcome: dict, verdicts: list[dict]):
    kind = outcome["outcome"]
    if kind == Outcome.ACCEPT:
        return intake_accept(
            application=application,
            actor=actor,
            verdicts=verdicts,
            conclude_immediately=bool(outcome.get("conclude_immediately")),
            note=outcome.get("note", ""),
        )
    if kind == Outcome.CORRECTION:
        intake_request_correction(
            application=application, actor=actor, verdicts=verdicts, note=outcome.get("note", "")
        )
        return application
    return intake_refuse(
        application=application,
        actor=actor,
        kind=outcome["refusal_kind"],
        reason=outcome["refusal_reason"],
        redirect_to=outcome.get("redirect_to", ""),
    )


def _outcome_message(application: Application) -> str:
    application.refresh_from_db(fields=["status", "case_number"])
    if application.case_number:
        return f"已受理，办件编号 {application.case_number}。"
    if application.status == CaseStatus.CORRECTION_REQUESTED:
        return "已出具补正材料一次性告知书。"
    if application.status == CaseStatus.REFUSED:
        return "已出具不予受理通知书。"
    return "已处理。"


def _agent_for(request, flags: dict, errors: list[str]) -> Citizen | None:
    if not flags.get("by_agent"):
        return None
    number = flags["agent_id_number"]
    agent = citizen_by_id_number(number)
    name = (flags.get("agent_name") or "").strip()
    if agent is not None:
        if name and name != agent.name:
            errors.append(f"代办人姓名与登记信息不一致（该号码登记为 {agent.name}），请核对。")
        return agent
    if not name:
        errors.append("该代办人尚未登记，请填写代办人姓名。")
        return None
    return citizen_register_at_window(
        name=name,
        id_number=number,
        phone=flags.get("agent_phone", ""),
        clerk=request.user,
        window=request.clerk_window,
    )


@clerk_required
@require_http_methods(["GET", "POST"])
def counter_intake(request, version_id: int):
    """Step 3: tick off each material, set the flags and choose the outcome.

    application_create → counter_receive → outcome, all in one transaction."""
    citizen, enterprise = _applicant_from_query(request)
    version = get_object_or_404(
        ItemVersion.objects.select_related("item", "department"), pk=version_id
    )
    data = request.POST if request.method == "POST" else None
    max_due = _max_tolerance_due(version)
    material_forms = _material_forms(version, data, max_due=max_due)
    flags = CounterFlagsForm(
        data,
        postal_supported=version.postal_delivery_supported,
        applicant_id_number=citizen.id_number,
        initial={"contact_phone": citizen.phone},
    )
    outcome = OutcomeForm(data, version=version)
    context = {
        "version": version,
        "citizen": citizen,
        "enterprise": enterprise,
        "material_forms": material_forms,
        "flags": flags,
        "outcome": outcome,
        "max_due": max_due,
        "applicant_query": _counter_query(citizen, enterprise),
        "window": request.clerk_window,
        "tab": "counter",
    }
    if request.method != "POST":
        return render(request, "intake/workbench/intake.html", context)
    valid = [f.is_valid() for f in (*material_forms, flags, outcome)]
    if not all(valid):
        context["error_summary"] = error_summary(*material_forms, flags, outcome)
        return render(request, "intake/workbench/intake.html", context, status=400)
    verdicts = [v for v in (f.verdict() for f in material_forms) if v is not None]
    flag_data = flags.cleaned_data
    errors: list[str] = []
    try:
        with transaction.atomic():
            agent = _agent_for(request, flag_data, errors)
            if errors:
                raise IntakeError(errors)
            application = application_create(
                item_version=version,
                applicant=citizen,
                enterprise=enterprise,
                actor=request.user,
                channel=Channel.COUNTER,
                agent=agent,
                contact_phone=flag_data.get("contact_phone") or "",
                delivery_method=flag_data["delivery_method"],
                delivery_address=(flag_data.get("delivery_address") or "").strip(),
                green_channel=flag_data["green_channel"],
                assisted=flag_data["assisted"],
            )
            counter_receive(application=application, actor=request.user, verdicts=verdicts)
            _apply_outcome(
                application=application,
                actor=request.user,
                outcome=outcome.cleaned_data,
                verdicts=verdicts,
            )
    except ValidationError as error:
        context["errors"] = _error_messages(error)
        return render(request, "intake/workbench/intake.html", context, status=400)
    messages.success(request, _outcome_message(application))
    return redirect("intake:workbench-application", pk=application.pk)


# --- one application: review (pre-review of online submissions) and result -------


def _visible_application(request, pk: int) -> Application:
    application = application_list_for(user=request.user).filter(pk=pk).first()
    if application is None:
        raise Http404("未找到该申请。")
    return application


@clerk_required
@require_http_methods(["GET", "POST"])
def application_detail(request, pk: int):
    """An application at the workbench: the review form while it waits for a verdict,
    else its result (case number, notices, timeline)."""
    application = _visible_application(request, pk)
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
    }
    if reviewable:
        data = request.POST if request.method == "POST" else None
        max_due = _max_tolerance_due(version)
        context["material_forms"] = _material_forms(
            application, data, max_due=max_due, online=application.channel == Channel.ONLINE
        )
        context["outcome"] = OutcomeForm(data, version=version)
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
            with transaction.atomic():
                _apply_outcome(
                    application=application,
                    actor=request.user,
                    outcome=outcome.cleaned_data,
                    verdicts=verdicts,
                )
        except IntakePermissionDenied:
            raise
        except ValidationError as error:
            context["errors"] = _error_messages(error)
            return _detail(request, context, status=400)
        messages.success(request, _outcome_message(application))
        return redirect("intake:workbench-application", pk=application.pk)
    return _detail(request, context)


def _detail(request, context, status=200):
    application = context["application"]
    context["notices"] = list(application.notices.order_by("issued_at", "id"))
    context["events"] = list(
        application.events.select_related("actor", "window__hall").order_by("at", "id")
    )
    context["slots"] = list(
        application.materials.select_related("material").order_by("material__position")
    )
    return render(request, "intake/workbench/application.html", context, status=status)


@clerk_required
@require_GET
def material_file(request, pk: int, material_id: int):
    """An uploaded material, opened in the browser for the clerk's review."""
    application = _visible_application(request, pk)
    slot = application.materials.select_related("material").filter(material_id=material_id).first()
    if slot is None:
        raise Http404("该材料没有上传文件。")
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
            messages.error(request, "扫描件未上传：" + "；".join(_error_messages(error)))
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


def _bundle_verdicts(application: Application, by_key: dict[str, dict]) -> list[dict]:
    """The merged verdicts mapped onto one item case's own materials (by name)."""
    from ..services.bundles import material_key

    verdicts = []
    for slot in application.materials.select_related("material"):
        merged = by_key.get(material_key(slot.material.name))
        if merged is None:
            continue
        if merged["status"] == MaterialStatus.TOLERATED and not slot.material.tolerance_allowed:
            # Optional for this item (only items requiring it allow 容缺): nothing to record.
            continue
        verdicts.append({**merged, "material": slot.material_id})
    return verdicts


def _has_problems(verdicts: list[dict]) -> bool:
    return any(v["status"] in (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE) for v in verdicts)


@clerk_required
@require_http_methods(["GET", "POST"])
def counter_bundle(request, bundle_id: int):
    """一件事 at the counter: one merged material list; one case per item, each
    accepted and routed on its own. A correction notice goes to each item case with a
    problem; the others stay received at this window for acceptance. All in one
    transaction."""
    # The bundle services belong to the online side of intake (its other author).
    from ..services.bundles import bundle_application_create, material_key

    citizen, enterprise = _applicant_from_query(request)
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
                else "pending",
                "originals": row.originals,
                "copies": row.copies,
            },
        )
        form.slot = None
        material_forms.append(form)
    flags = CounterFlagsForm(
        data,
        postal_supported=all(v.postal_delivery_supported for v in versions),
        applicant_id_number=citizen.id_number,
        initial={"contact_phone": citizen.phone},
    )
    outcome = OutcomeForm(data, version=None)
    context = {
        "bundle": bundle,
        "versions": versions,
        "citizen": citizen,
        "enterprise": enterprise,
        "material_forms": material_forms,
        "flags": flags,
        "outcome": outcome,
        "max_due": max_due,
        "applicant_query": _counter_query(citizen, enterprise),
        "window": request.clerk_window,
        "tab": "counter",
    }
    if request.method != "POST":
        return render(request, "intake/workbench/bundle_intake.html", context)
    valid = [f.is_valid() for f in (*material_forms, flags, outcome)]
    if not all(valid):
        context["error_summary"] = error_summary(*material_forms, flags, outcome)
        return render(request, "intake/workbench/bundle_intake.html", context, status=400)
    by_key = {}
    for form in material_forms:
        merged = form.verdict()
        if merged is not None:
            by_key[material_key(form.material.name)] = merged
    flag_data = flags.cleaned_data
    chosen = outcome.cleaned_data
    errors: list[str] = []
    try:
        with transaction.atomic():
            agent = _agent_for(request, flag_data, errors)
            if errors:
                raise IntakeError(errors)
            bundle_application = bundle_application_create(
                bundle=bundle,
                applicant=citizen,
                enterprise=enterprise,
                actor=request.user,
                channel=Channel.COUNTER,
                agent=agent,
                contact_phone=flag_data.get("contact_phone") or "",
                delivery_method=flag_data["delivery_method"],
                delivery_address=(flag_data.get("delivery_address") or "").strip(),
                green_channel=flag_data["green_channel"],
                assisted=flag_data["assisted"],
            )
            applications = list(bundle_application.applications.order_by("pk"))
            corrected = 0
            for application in applications:
                verdicts = _bundle_verdicts(application, by_key)
                counter_receive(application=application, actor=request.user, verdicts=verdicts)
                if chosen["outcome"] == Outcome.CORRECTION and not _has_problems(verdicts):
                    continue
                corrected += chosen["outcome"] == Outcome.CORRECTION
                _apply_outcome(
                    application=application,
                    actor=request.user,
                    outcome=chosen,
                    verdicts=verdicts,
                )
            if chosen["outcome"] == Outcome.CORRECTION and not corrected:
                raise IntakeError("没有需要补正的材料，请直接受理。", code="nothing_to_correct")
    except ValidationError as error:
        context["errors"] = _error_messages(error)
        return render(request, "intake/workbench/bundle_intake.html", context, status=400)
    messages.success(request, f"“{bundle.name}”已办理，共 {len(applications)} 个事项。")
    return redirect("intake:workbench-bundle-result", pk=bundle_application.pk)


@clerk_required
@require_GET
def bundle_result(request, pk: int):
    bundle_application = get_object_or_404(
        BundleApplication.objects.select_related("bundle", "applicant", "enterprise"), pk=pk
    )
    applications = list(
        application_list_for(user=request.user)
        .filter(bundle_application=bundle_application)
        .prefetch_related("notices")
        .order_by("pk")
    )
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
