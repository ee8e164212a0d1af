"""Pages of the department work (部门审批) and of the counter's result hand-over (统一出件).

Permissions, per view:
- inbox, task pages and task actions: role approver; a task is found only among the
  departments the user acts for (guardian), and every service re-checks it;
- extensions: the deciding department's head decides, the district government's head
  (区政府负责人) those of joint handling (联办; the service re-checks); supervisors, and
  a department head the joint ones of their department, see them read-only;
- counter (出件登记, supplement receipt at the window): role clerk at a window;
- escalations (督办记录): role supervisor, scoped to the departments they watch; the
  answer to one: role approver acting for the supervised department (the service checks);
- case page: whoever may see the case (applicant, clerks, supervisors, approvers with a
  task on it); result download and online supplement: the applicant (or staff).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.constants import Role
from accounts.decorators import role_required
from accounts.models import User
from accounts.selectors import department_list_acting_for
from catalog.calendar import current_calendar
from intake.constants import CaseStatus, DeliveryMethod
from intake.files import (
    attorney_file_response,
    material_file_response,
    supplement_file_response,
)
from intake.models import Application, SubmittedMaterial
from intake.page_hooks import CasePanel
from intake.selectors import applications_with_names, supplement_files_of
from intake.services.online import agent_of
from intake.services.supplements import SUPPLEMENT_FILES_PER_ITEM_MAX
from jinpu_portal.refusals import (
    CONFLICT_CODES,
    act_and_say,
    act_form,
    attempt,
    error_text,
    form_error_texts,
    page_forms,
    refusal_status,
    typed_text,
)
from jinpu_portal.views import found_or_404, page_context

from . import forms
from .constants import Light
from .models import Delivery, Escalation
from .selectors import (
    TaskFilters,
    application_visible_to,
    approver_may_read_case_files,
    case_clocks_left,
    case_escalations_for,
    case_result,
    case_timeline,
    delivery_list_pending,
    escalation_list_for,
    extension_get_for,
    extension_list_decidable_by,
    extension_list_referred_by,
    extension_list_watched_by,
    open_task_of,
    result_notice,
    sees_staff_names,
    supplement_list_waiting,
    supplement_notice,
    task_get_for,
    task_list_for,
    task_page_for,
    time_left,
    tolerated_list_owed,
)
from .services import delivery as delivery_services
from .services import escalations as escalation_services
from .services import tasks as task_services
from .services import tolerance as tolerance_services

PAGE_SIZE = 20


# --- the inbox ------------------------------------------------------------------------


@role_required(Role.APPROVER)
@require_GET
def inbox(request):
    """我的待办: the tasks of the departments the approver acts for, most urgent first."""
    filters = TaskFilters.from_query(request.GET)
    page = Paginator(task_list_for(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    calendar = current_calendar()
    rows = [(task, time_left(task.clock, calendar=calendar)) for task in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "departments": department_list_acting_for(user=request.user),
        "lights": Light.choices,
        "statuses": [
            ("open", "全部待办"),
            ("unclaimed", "待认领"),
            ("mine", "我认领的"),
            ("completed", "已办结"),
        ],
        "query": query.urlencode(),
    }
    template = "approvals/_inbox_list.html" if request.headers.get("HX-Request") else None
    return render(request, template or "approvals/inbox.html", context)


def _task_or_404(request, pk):
    return found_or_404(task_get_for(user=request.user, pk=pk), "没有找到该任务，或您无权办理。")


#: The task page's forms: action → (template variable, form class, prefix of its ids).
TASK_FORMS = {
    "approve": ("approve_form", forms.ApproveForm, "approve"),
    "deny": ("deny_form", forms.DenyForm, "deny"),
    "supplement": ("supplement_form", forms.SupplementForm, "supplement"),
    "special-start": ("special_form", forms.SpecialStartForm, "special"),
    "special-end": ("special_end_form", forms.SpecialEndForm, "special_end"),
    "extension": ("extension_form", forms.ExtensionRequestForm, "extension"),
    "terminate": ("terminate_form", forms.TerminateForm, "terminate"),
    "take-over": ("take_over_form", forms.TakeOverForm, "take_over"),
}
#: The services' refusals of a form's act by the field they are about (their codes, per
#: act); any other refusal (a conflict, a rule of the case) is shown above the form.
_REASON = {"required": "reason", "too_long": "reason"}
TASK_FIELDS = {
    "approve": {"required": "opinion", "too_long": "opinion"},
    "deny": {"required": "reason"},
    "supplement": {"items": "items"},
    "special-start": {**_REASON, "kind": "kind", "expected_days": "expected_days"},
    "special-end": {"required": "result", "too_long": "result"},
    "extension": {**_REASON, "days": "days", "limit": "days"},
    "terminate": _REASON,
    "take-over": _REASON,
}


def _task_page(request, task, *, refused: str = "", error=None, status: int = 200):
    """The task page. ``refused``: the action of a post the form or the service refused
    (``error``: the service's refusal): its form is shown opened, with what the approver
    typed and the error next to its field or above it, carrying the task's version of
    now (the page shows the task as it is now), so nothing typed is lost and it can be
    sent again. When the page no longer offers that act (the task moved on: decided,
    taken by a colleague), or the act has no form (认领, 退回, 改派), the refusal is said
    above the acts, with what was typed, to copy."""
    page = task_page_for(user=request.user, task=task)
    offered = refused in TASK_FORMS and refused in page.acts
    context = {
        "task": task,
        "application": task.application,
        **page_context(page),
        **page_forms(
            request,
            TASK_FORMS,
            refused=refused if offered else "",
            version_field="version",
            version=task.lock_version,
            error=error,
            fields=TASK_FIELDS.get(refused),
        ),
        "open_act": refused if offered else "approve",
    }
    if refused and not offered:
        context["refused_error"] = error_text(error) if error is not None else "未能提交。"
        if refused in TASK_FORMS:
            context["kept_text"] = typed_text(request, TASK_FORMS[refused][1])
    return render(request, "approvals/task_detail.html", context, status=status)


@role_required(Role.APPROVER)
@require_GET
def task_detail(request, pk):
    return _task_page(request, _task_or_404(request, pk))


TASK_ACTIONS = {
    "claim": (None, "已认领，请尽快办理。"),
    "release": (None, "已退回部门待办。"),
    "reassign": (forms.ReassignForm, "已改派。"),
    "take-over": (forms.TakeOverForm, "已接办，原认领人已收到通知。请尽快办理。"),
    "approve": (forms.ApproveForm, "已提交审查意见。"),
    "deny": (forms.DenyForm, "已作出不予许可决定，决定书正在生成。"),
    "supplement": (forms.SupplementForm, "已要求申请人补正，时限暂停。"),
    "special-start": (forms.SpecialStartForm, "已启动特别程序，时限暂停并书面告知申请人。"),
    "special-end": (forms.SpecialEndForm, "特别程序已结束，恢复计时。"),
    "extension": (forms.ExtensionRequestForm, "延期申请已提交，等待负责人批准。"),
    "tolerated-receive": (forms.ToleratedReceiveForm, "已登记容缺材料补交。"),
    "terminate": (forms.TerminateForm, "已终止办理，已告知申请人。"),
}


def _run_task_action(request, task, action: str, data: dict):
    version = data.get("version")
    user = request.user
    common = {"task": task, "actor": user, "expected_version": version}
    if action == "claim":
        return task_services.task_claim(**common)
    if action == "release":
        return task_services.task_release(**common)
    if action == "reassign":
        assignee = User.objects.filter(pk=data["assignee"]).first()
        if assignee is None:
            raise ValidationError("请选择改派的审批人员。")
        return task_services.task_reassign(**common, assignee=assignee)
    if action == "take-over":
        return task_services.task_take_over(**common, reason=data["reason"])
    if action == "approve":
        return task_services.task_approve(**common, opinion=data["opinion"])
    if action == "deny":
        return task_services.task_deny(
            **common, reason=data["reason"], legal_basis=data["legal_basis"]
        )
    if action == "supplement":
        return task_services.task_request_supplement(
            **common, items=data["items"], note=data["note"]
        )
    if action == "special-start":
        return task_services.special_procedure_start(
            **common, kind=data["kind"], reason=data["reason"], expected_days=data["expected_days"]
        )
    if action == "special-end":
        return task_services.special_procedure_end(**common, result=data["result"])
    if action == "extension":
        return task_services.extension_request(**common, days=data["days"], reason=data["reason"])
    if action == "tolerated-receive":
        return tolerance_services.tolerated_material_receive(
            application=task.application_id, slot=data["slot"], actor=user
        )
    if action == "terminate":
        return tolerance_services.case_terminate(**common, reason=data["reason"])
    raise Http404


@role_required(Role.APPROVER)
@require_POST
def task_action(request, pk, action):
    """An act on the task. Refused, the task page comes back as it is now with what was
    typed and the refusal (``_task_page``): 400 for the form's errors or a rule, 409
    when someone else moved the task meanwhile (a stale version, ``TaskConflict``), 403
    when the approver may not do it (接办 by anyone but the department's head)."""
    if action not in TASK_ACTIONS:
        raise Http404
    task = _task_or_404(request, pk)
    form_class, success = TASK_ACTIONS[action]
    data = {"version": None}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            # A form the page has not (改派's choice): its errors, said above the acts.
            said = None if action in TASK_FORMS else ValidationError(form_error_texts(form))
            return _task_page(request, task, refused=action, error=said, status=400)
        data = form.cleaned_data
    else:
        version = request.POST.get("version", "")
        data["version"] = int(version) if version.isdigit() else None
    error = attempt(_run_task_action, request, task, action, data)
    if error is not None:
        status = 403 if isinstance(error, PermissionDenied) else refusal_status(error)
        task = _task_or_404(request, pk)  # as it is now
        return _task_page(request, task, refused=action, error=error, status=status)
    messages.success(request, success)
    if action in ("approve", "deny", "release", "reassign", "terminate"):
        return redirect("approvals:inbox")
    return redirect("approvals:task", pk=task.pk)


# --- extensions ------------------------------------------------------------------------


def _extensions_page(request, *, refused=None, form=None, status: int = 200):
    """延期审批: pending extensions the user may decide (a department head; the district
    government's head: the joint ones), those of joint handling a department head sees
    referred to the government's head, and those a supervisor watches, read-only.
    ``refused``: the extension of a decision the form or the service refused, ``form``
    that decision's bound form: its card shows what the head chose and typed, with the
    error next to it; when it is no longer pending (decided meanwhile) the error and
    the typed text are shown above the list, so nothing typed is lost."""
    pending = extension_list_decidable_by(user=request.user)
    return render(
        request,
        "approvals/extensions.html",
        {
            "extensions": pending,
            "referred": extension_list_referred_by(user=request.user),
            "watched": extension_list_watched_by(user=request.user),
            "government_head": request.user.has_role(Role.GOVERNMENT_HEAD),
            "refused": refused,
            "refused_form": form,
            "refused_gone": refused is not None and refused not in pending,
        },
        status=status,
    )


@role_required(Role.APPROVER, Role.GOVERNMENT_HEAD, Role.SUPERVISOR)
@require_GET
def extensions(request):
    return _extensions_page(request)


#: The refusals of an extension's decision by the field they are about (their codes).
EXTENSION_FIELDS = {"note": "note", "too_long": "note"}


@role_required(Role.APPROVER, Role.GOVERNMENT_HEAD)
@require_POST
def extension_decide(request, pk):
    """批准 or 不批准 an extension; a refused decision (no choice, no or an over-long
    reason for 不批准, decided by someone else meanwhile) shows the page again with
    what was typed and the error next to the form (400; 409 when decided meanwhile)."""
    extension = found_or_404(extension_get_for(user=request.user, pk=pk), "没有找到该延期申请。")
    form = forms.ExtensionDecideForm(request.POST)
    if not form.is_valid():
        return _extensions_page(request, refused=extension, form=form, status=400)
    data = form.cleaned_data
    error = attempt(task_services.extension_decide, extension=extension, actor=request.user, **data)
    if error is not None:
        form = act_form(
            request, forms.ExtensionDecideForm, refused=True, error=error, fields=EXTENSION_FIELDS
        )
        return _extensions_page(request, refused=extension, form=form, status=refusal_status(error))
    done = "已批准延期，已书面告知申请人。" if data["approve"] else "已不予批准延期。"
    messages.success(request, done)
    return redirect("approvals:extensions")


# --- the counter: results to hand over, supplements to receive ---------------------------------


#: The counter's acts on a result waiting for delivery, by the delivery's method:
#: method → (action, form, service, success message).
DELIVERY_ACTIONS = {
    DeliveryMethod.WINDOW: (
        "hand-over",
        forms.HandOverForm,
        delivery_services.delivery_hand_over,
        "已登记窗口出件。",
    ),
    DeliveryMethod.POST: (
        "post",
        forms.PostForm,
        delivery_services.delivery_post,
        "已登记邮寄，快递单号已通知申请人。",
    ),
}
#: The refusals of the hand-over and the posting by the field they are about (codes).
DELIVERY_FIELDS = {
    "recipient": "recipient_name",
    "recipient_name": "recipient_name",
    "recipient_id": "recipient_id_number",
    "recipient_mismatch": "recipient_id_number",
    "tracking": "tracking_number",
}


def _delivery_form(request, delivery, *, refused=None, error=None):
    """The form of a delivery's row (none for an electronic one): blank, or the refused
    one's, with what the clerk typed and the error next to its field."""
    act = DELIVERY_ACTIONS.get(delivery.method)
    if act is None:
        return None
    return act_form(
        request,
        act[1],
        refused=delivery == refused,
        auto_id=f"delivery{delivery.pk}_%s",
        error=error,
        fields=DELIVERY_FIELDS,
    )


def _counter_page(request, *, refused=None, error=None, status: int = 200):
    """出件登记: concluded cases awaiting pick-up or posting, cases awaiting a supplement
    or a 容缺 material. ``refused``: the delivery of a hand-over or posting the service
    refused: its row shows what the clerk typed and the error next to the field; when
    it is no longer in the list (delivered meanwhile), the error and the name or number
    typed are shown above it."""
    query = request.GET.get("q", "").strip()
    deliveries = delivery_list_pending(query=query)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (delivery, _delivery_form(request, delivery, refused=refused, error=error))
        for delivery in page.object_list
    ]
    return render(
        request,
        "approvals/counter.html",
        {
            "page": page,
            "rows": rows,
            "supplements": supplement_list_waiting(query=query)[:PAGE_SIZE],
            "tolerated": tolerated_list_owed(query=query)[:PAGE_SIZE],
            "q": query,
            "refused_gone": refused is not None
            and all(delivery != refused for delivery, _ in rows),
            "refused_error": error_text(error) if error is not None else "",
            "kept": " ".join(
                request.POST.get(name, "").strip() for name in ("recipient_name", "tracking_number")
            ).strip(),
        },
        status=status,
    )


@role_required(Role.CLERK)
@require_GET
def counter(request):
    return _counter_page(request)


@role_required(Role.CLERK)
@require_POST
def tolerated_receive(request, pk):
    """A clerk registers a 容缺 material the applicant handed in at the window."""
    slot = get_object_or_404(SubmittedMaterial, pk=pk)
    act_and_say(
        request,
        f"已登记容缺材料“{slot.material.name}”补交。",
        tolerance_services.tolerated_material_receive,
        application=slot.application_id,
        slot=slot,
        actor=request.user,
    )
    return redirect("approvals:counter")


@role_required(Role.CLERK)
@require_POST
def delivery_action(request, pk, action):
    """窗口领取 or 邮寄 of a result. A refused one (no or a wrong recipient, an ID number
    that is not the applicant's or the agent's, a bad tracking number, delivered by
    another window meanwhile) shows 出件登记 again with what was typed and the error
    next to the field (400; 409 when delivered meanwhile), instead of losing it. The
    form's address carries the list's search and page, so the same rows come back."""
    delivery = get_object_or_404(Delivery, pk=pk)
    act = DELIVERY_ACTIONS.get(delivery.method)
    if act is None or act[0] != action:
        raise Http404
    _, form_class, service, success = act
    form = form_class(request.POST)
    form.is_valid()  # shapes only: the service says what is wrong
    error = attempt(service, delivery=delivery, actor=request.user, **form.cleaned_data)
    if error is None:
        messages.success(request, success)
        return redirect("approvals:counter")
    return _counter_page(request, refused=delivery, error=error, status=refusal_status(error))


#: A refused supplement's codes that mean the case moved on since the page was shown
#: (handed in from another tab or at a window, or asked again): 409.
SUPPLEMENT_CONFLICTS = CONFLICT_CODES | {"no_supplement"}


@login_required
@require_http_methods(["GET", "POST"])
def supplement(request, pk):
    """审批补正: the applicant (online, one or more files per item of the notice) or a
    clerk (at the window, the scans optional) hands in the supplement. A refused post
    (a file of the wrong type or too large, an item without a file, the case no longer
    waiting) shows the page again with the note typed and the error, nothing kept:
    400, or 409 when the case moved on meanwhile (a second tab's submit)."""
    application = get_object_or_404(
        Application.objects.select_related("item_version", "applicant"), pk=pk
    )
    if not application_visible_to(user=request.user, application=application):
        raise Http404
    notice = supplement_notice(application)
    items = (notice.context or {}).get("supplement_items", []) if notice else []
    current = {"notice": notice.pk if notice else None}
    if request.method != "POST":
        form = forms.SupplementReceiveForm(initial=current, items=items)
        return _supplement_page(request, application, notice, form)
    form = forms.SupplementReceiveForm(request.POST, request.FILES, items=items)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        kept = form.item_files()
        error = attempt(
            task_services.supplement_receive,
            application=application,
            actor=request.user,
            note=data["note"],
            files=kept,
            expected_notice=data["notice"],
        )
        if error is None:
            arrived = f"（{len(kept)} 个文件）" if kept else ""
            messages.success(request, f"已收到补正材料{arrived}，办件恢复审查，时限恢复计算。")
            if request.user.has_role(Role.CLERK):
                return redirect("approvals:counter")
            if request.user.has_role(Role.CITIZEN):
                return redirect("intake:my_application", pk=application.pk)
            return redirect("approvals:case", pk=application.pk)
        form.add_error(None, error_text(error))
    dropped = form.not_saved()
    again = f"请重新选择以下文件：{'、'.join(dropped)}。" if dropped else ""
    messages.error(request, f"补正材料未提交，本次未保存任何文件。{again}")
    # Shown again as the case is now: the notice of now, what was typed kept; the
    # refusal above when the form is gone (the case no longer waits).
    application.refresh_from_db(fields=["status"])
    if error is not None and application.status != CaseStatus.SUPPLEMENT_REQUESTED:
        messages.error(request, error_text(error))
    form.data = form.data.copy()
    form.data["notice"] = current["notice"]
    status = refusal_status(error, conflicts=SUPPLEMENT_CONFLICTS) if error else 400
    return _supplement_page(request, application, notice, form, status=status)


def _supplement_page(request, application, notice, form, *, status: int = 200):
    at_window = request.user.has_role(Role.CLERK)
    return render(
        request,
        "approvals/supplement.html",
        {
            "application": application,
            "notice": notice,
            "form": form,
            "at_window": at_window,
            "files_required": not at_window,
            "files_hint": f"可一次选择多个文件，每项最多 {SUPPLEMENT_FILES_PER_ITEM_MAX} 个。",
        },
        status=status,
    )


# --- case pages ------------------------------------------------------------------------


@login_required
@require_GET
def case_detail(request, pk):
    """The case's clocks and timeline: every step, who, when and how long it took."""
    application = get_object_or_404(applications_with_names(), pk=pk)
    if not application_visible_to(user=request.user, application=application):
        raise Http404
    return render(
        request,
        "approvals/case_detail.html",
        {
            "application": application,
            "clocks": case_clocks_left(application),
            "timeline": case_timeline(application, for_staff=sees_staff_names(request.user)),
            "result": result_notice(application),
            "delivery": Delivery.objects.filter(application=application).first(),
            "is_applicant": application.applicant.user_id == request.user.pk,
            "escalations": case_escalations_for(user=request.user, application=application),
            "open_task": open_task_of(user=request.user, application=application)
            if request.user.has_role(Role.APPROVER)
            else None,
            **_case_supplement_files(request.user, application),
        },
    )


def _case_supplement_files(user, application) -> dict:
    """The supplement's files on the case page, with the view that serves them to
    ``user``: the approvers on the case's route, and the applicant's side (the citizen
    view checks them again); nobody else is shown them here."""
    if user.has_role(Role.CITIZEN):
        url_name = "intake:my_supplement_file"
    elif user.has_role(Role.APPROVER) and approver_may_read_case_files(
        user=user, application=application
    ):
        url_name = "approvals:case_supplement_file"
    else:
        return {"supplement_files": [], "supplement_file_url": ""}
    return {
        "supplement_files": supplement_files_of(application),
        "supplement_file_url": url_name,
    }


def _case_for_files(request, pk) -> Application:
    application = get_object_or_404(Application.objects.select_related("item_version"), pk=pk)
    if not approver_may_read_case_files(user=request.user, application=application):
        raise Http404("没有找到该材料，或您无权查看。")
    return application


@role_required(Role.APPROVER)
@require_GET
def case_material(request, pk, slot_id):
    """One material's file (the applicant's upload or the counter's scan), for approvers
    acting for a department on the case's route. PDF and images open inline (the link
    opens a new tab); the file is never reachable by a /media/ URL."""
    application = _case_for_files(request, pk)
    slot = found_or_404(
        application.materials.select_related("material").filter(pk=slot_id).first(),
        "没有找到该材料。",
    )
    return material_file_response(slot)


@role_required(Role.APPROVER)
@require_GET
def case_supplement_file(request, pk, file_id):
    """One file of a supplement (审批补正材料), for approvers acting for a department on
    the case's route; anyone else gets 404. Opens inline like the materials."""
    application = _case_for_files(request, pk)
    row = found_or_404(
        application.supplement_files.filter(pk=file_id).first(), "没有找到该补正材料。"
    )
    return supplement_file_response(row)


@role_required(Role.APPROVER)
@require_GET
def case_attorney(request, pk):
    """The power of attorney an online applicant uploaded for their agent."""
    application = _case_for_files(request, pk)
    return attorney_file_response((agent_of(application) or {}).get("power_of_attorney"))


@login_required
@require_GET
def result(request, pk):
    """Download the result document (the applicant's first download of an electronic
    delivery records the delivery)."""
    application = get_object_or_404(Application, pk=pk)
    try:
        notice = delivery_services.result_download(application=application, actor=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("approvals:case", pk=application.pk)
    return FileResponse(
        notice.file.open("rb"),
        as_attachment=True,
        filename=f"{notice.title}-{application.case_number}.pdf",
        content_type="application/pdf",
    )


# --- 督办 -------------------------------------------------------------------------------


@role_required(Role.APPROVER)
@require_POST
def escalation_answer(request, pk):
    """The supervised department answers a 督办 from its case page or a task page."""
    escalation = get_object_or_404(Escalation.objects.exclude(application=None), pk=pk)
    try:
        escalation_services.escalation_answer(
            escalation=escalation, actor=request.user, result=request.POST.get("result", "")
        )
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "督办答复已提交。")
    # Answered from the task page: back to it; else to the case page.
    task_id = request.POST.get("task", "")
    known = task_id.isdigit() and len(task_id) < 19  # an id, not past a bigint
    task = task_get_for(user=request.user, pk=int(task_id)) if known else None
    if task is not None and task.application_id == escalation.application_id:
        return redirect(f"{reverse('approvals:task', args=[task.pk])}#escalations")
    return redirect(f"{reverse('approvals:case', args=[escalation.application_id])}#escalations")


@role_required(Role.SUPERVISOR)
@require_GET
def escalations(request):
    """督办记录 of the departments the supervisor watches."""
    status = request.GET.get("status", "")
    records = escalation_list_for(user=request.user, status=status)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/escalations.html",
        {"page": page, "status": status, "lights": dict(Light.choices)},
    )


# --- what approvals adds to intake's pages (intake.page_hooks) ---------------------------


def applicant_supplement_panel(application, user) -> CasePanel | None:
    """补正 on the applicant's page of a case a department sent back for supplement
    (审批补正中): what to hand in, from the 审查补正告知书, and where (online on the
    supplement page, or at any window). intake's page already let ``user`` see it."""
    if application.status != CaseStatus.SUPPLEMENT_REQUESTED:
        return None
    return CasePanel(
        "approvals/_supplement_panel.html",
        {"notice": supplement_notice(application), "pk": application.pk},
    )


def applicant_result_panel(application, user) -> CasePanel | None:
    """办理结果 on the applicant's page of a concluded case: the outcome, the result
    document (through ``approvals:result``, which checks who asks) and its delivery.
    intake's page already let ``user`` see the case."""
    result = case_result(application)
    if result is None:
        return None
    return CasePanel("approvals/_result_panel.html", {"result": result, "pk": application.pk})
