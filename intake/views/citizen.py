"""The applicant's pages (网上办): start an application for an online item or a 一件事,
fill in the draft with one upload slot per material, submit, follow it in "my
applications" (status, timeline, notices), answer a correction notice, withdraw, and
read in-portal messages.

Permission: every page except the start pages' "not online" answer and the bundle
list needs a signed-in user with the citizen role (``citizen_required``); an
application is found through ``intake.selectors.application_list_for`` (someone
else's is a 404), and changing it is for its applicant only (the services check).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.constants import Role
from accounts.selectors import citizen_for_user, enterprise_list_for
from catalog.selectors import (
    bundle_for_code,
    bundle_list,
    bundle_material_list,
    bundle_versions,
    published_version_for_code,
)
from jinpu_portal.notifications import notification_mark_read
from jinpu_portal.refusals import error_text
from jinpu_portal.submissions import DuplicateSubmission
from jinpu_portal.views import forbidden, found_or_404

from ..citizen_forms import (
    ApplicationInfoForm,
    BundleStartForm,
    BundleUploadForm,
    MaterialUploadForm,
    StartForm,
    WithdrawForm,
)
from ..citizen_selectors import (
    bundle_application_detail_for,
    bundle_material_groups,
    bundle_status,
    my_application_list,
    my_draft_list,
    notification_list_for,
    open_correction_notice,
    waiting_for_applicant_list,
)
from ..constants import CaseAction, CaseStatus, Channel, NoticeStatus
from ..errors import IntakeError
from ..files import (
    attorney_file_response,
    material_file_response,
    stored_file_response,
    supplement_file_response,
)
from ..models import Application, Notice
from ..page_hooks import applicant_case_panels, paused_limits, paused_limits_of
from ..selectors import application_detail_for, supplement_files_of
from ..services.bundles import (
    bundle_application_create,
    bundle_application_submit,
    bundle_application_withdraw,
    bundle_materials_upload,
)
from ..services.cases import (
    application_create,
    application_resubmit,
    application_withdraw,
)
from ..services.online import (
    agent_of,
    agent_public,
    application_submit_online,
    draft_save_online,
    submission_missing,
)
from ..signals import notice_downloaded
from ..states import can

PAGE_SIZE = 10
NOT_CITIZEN = "网上申请和“我的申请”仅供办事群众使用，请使用实名注册的办事群众账号登录。"


def citizen_required(view):
    """Signed in, with the citizen role; else the login page or a 403 in Chinese."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.has_role(Role.CITIZEN):
            return forbidden(request, NOT_CITIZEN)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            return forbidden(request, str(denied) or NOT_CITIZEN)

    return wrapper


def _posted(request, files: bool = False) -> tuple:
    """Form data for a bound form on POST (even an empty one), unbound on GET."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _refused_status(request) -> int:
    """The status of a citizen form page: a post shown again was refused (400, with
    what was typed kept); a plain look at the page is 200."""
    return 400 if request.method == "POST" else 200


def _is_applicant(application: Application, user) -> bool:
    return application.applicant.user_id == user.pk


def _application_or_404(request, pk: int) -> Application:
    return found_or_404(
        application_detail_for(user=request.user, pk=pk), "未找到该申请，或您无权查看。"
    )


def _row_or_404(rows, pk: int, message: str):
    """The row of ``rows`` (an application's loaded materials or notices) with ``pk``, or
    a 404 with ``message``: one of another application is not found here."""
    return found_or_404(next((row for row in rows if row.pk == pk), None), message)


def _own_application_or_404(request, pk: int) -> Application:
    """An application the user may see and, as its applicant, change."""
    application = _application_or_404(request, pk)
    if not _is_applicant(application, request.user):
        raise PermissionDenied("只能操作本人提交的申请；企业的其他办事人员可以查看，不能修改。")
    return application


# --- starting an application ---------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply_start(request, code: str):
    """/intake/apply/<item code>/: the guide page's "在线申请". Anyone sees why an item
    cannot be done online; starting one needs a citizen with a real-name identity."""
    version = found_or_404(
        published_version_for_code(code=code), "未找到该事项，或该事项已停止办理。"
    )
    if not version.online_available:
        return render(request, "intake/citizen/not_online.html", {"version": version})
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _apply_start_signed_in(request, version)


def _start_online(request, form, citizen, create, *, done: str, page: str, **arguments):
    """Start an online draft for ``citizen`` (and the enterprise the start ``form``
    names) with ``create`` (``application_create`` or ``bundle_application_create``):
    the message ``done`` and the new draft's ``page``, or None with the refusal added
    to the form. The form posted again goes to the draft its first post made."""
    try:
        started = create(
            applicant=citizen,
            actor=request.user,
            channel=Channel.ONLINE,
            enterprise=form.enterprise(),
            submission=form.cleaned_data["submission"],
            **arguments,
        )
    except DuplicateSubmission as error:
        # The same page posted again (a double click, a second tab): its first draft.
        if error.made is None:
            form.add_error(None, error_text(error))
            return None
        messages.warning(request, f"{error_text(error)}已为您打开首次提交创建的申请。")
        return redirect(page, pk=error.made.pk)
    except (IntakeError, PermissionDenied) as error:
        form.add_error(None, error_text(error))
        return None
    messages.success(request, done)
    return redirect(page, pk=started.pk)


@citizen_required
def _apply_start_signed_in(request, version):
    citizen = citizen_for_user(user=request.user)
    if citizen is None:
        return render(request, "intake/citizen/need_identity.html", {"version": version})
    enterprises = list(enterprise_list_for(user=request.user, item=version.item_id))
    form = StartForm(*_posted(request), version=version, citizen=citizen, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        started = _start_online(
            request,
            form,
            citizen,
            application_create,
            done="申请已创建。请填写信息、上传材料，可随时保存草稿，稍后继续。",
            page="intake:my_application_edit",
            item_version=version,
        )
        if started is not None:
            return started
    drafts = my_draft_list(citizen=citizen, item=version.item)
    return render(
        request,
        "intake/citizen/apply_start.html",
        {"version": version, "form": form, "drafts": drafts, "citizen": citizen},
        status=_refused_status(request),
    )


# --- the draft -----------------------------------------------------------------


@citizen_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk: int):
    """Fill in an online draft: its fields, the agent, one upload per material.
    "保存草稿" keeps it for later; "提交申请" saves, then submits for pre-review."""
    application = _own_application_or_404(request, pk)
    if application.bundle_application_id:
        # A bundle's drafts are filled in and submitted together, on the bundle's page.
        return redirect("intake:my_bundle", pk=application.bundle_application_id)
    if application.status != CaseStatus.DRAFT:
        return redirect("intake:my_application", pk=application.pk)
    slots = list(application.materials.all())
    info_form = ApplicationInfoForm(*_posted(request), application=application)
    upload_form = MaterialUploadForm(
        *_posted(request, files=True), slots=slots, power_of_attorney=True
    )
    if request.method == "POST":
        info_ok = info_form.is_valid()
        uploads_ok = upload_form.is_valid()
        if (
            info_ok
            and uploads_ok
            and upload_form.cleaned_data.get("power_of_attorney")
            and not info_form.cleaned_data.get("has_agent")
        ):
            upload_form.add_error("power_of_attorney", "委托代办人办理时才需要上传授权委托书。")
            uploads_ok = False
        if info_ok and uploads_ok:
            try:
                _save_draft(request, application, info_form, upload_form)
            except IntakeError as error:
                info_form.add_error(None, error_text(error))
            else:
                return _submit_if_asked(
                    request,
                    lambda: application_submit_online(application=application, actor=request.user),
                    saved="草稿已保存，可随时回到“我的申请”继续填写。",
                    not_yet="草稿已保存，但还不能提交：",
                    submitted="申请已提交，等待综合窗口预审。结果将通过站内消息通知您。",
                    back=reverse("intake:my_application_edit", args=[application.pk]),
                    then=reverse("intake:my_application", args=[application.pk]),
                )
        messages.error(request, _refused_message(upload_form))
    return render(
        request,
        "intake/citizen/application_edit.html",
        {
            "application": application,
            "info_form": info_form,
            "upload_form": upload_form,
            "agent": agent_public(application),
            "missing": submission_missing(application),
        },
        status=_refused_status(request),
    )


def _refused_message(upload_form, problem: str = "请按提示修改后重新提交") -> str:
    """What a refused upload page says on top: nothing was saved, and which of the
    files chosen must be chosen again (the browser dropped them with the page)."""
    dropped = upload_form.not_saved()
    if not dropped:
        return f"{problem}；本次未保存任何内容。"
    return f"{problem}；本次未保存任何内容，请重新选择以下文件：{'、'.join(dropped)}。"


def _submit_if_asked(
    request,
    submit,
    *,
    saved: str,
    not_yet: str,
    submitted: str,
    back: str,
    then: str = "",
    action: str = "submit",
):
    """After a save: when the button pressed was ``action``, ``submit()`` (one service
    call) and say ``submitted``, or ``not_yet`` with the refusal; otherwise say
    ``saved``. Then back to ``back`` (to ``then``, when given, once submitted)."""
    if request.POST.get("action") != action:
        messages.success(request, saved)
        return redirect(back)
    try:
        submit()
    except IntakeError as error:
        messages.error(request, f"{not_yet}{error_text(error)}")
        return redirect(back)
    messages.success(request, submitted)
    return redirect(then or back)


def _save_draft(request, application, info_form, upload_form) -> None:
    """All of it or none: the fields first (they may refuse), then the files, which
    the form has already checked."""
    draft_save_online(
        application=application,
        actor=request.user,
        fields=info_form.service_kwargs(),
        files=[(slot.material, uploaded) for slot, uploaded in upload_form.material_files()],
        power_of_attorney=upload_form.cleaned_data.get("power_of_attorney"),
    )


# --- my applications -------------------------------------------------------------


@citizen_required
@require_GET
def my_applications(request):
    """我的申请: newest first, a 一件事 as one row, paginated; ``?status=waiting``: only
    those waiting for the applicant to correct or supplement materials, one by one."""
    waiting = request.GET.get("status") == "waiting"
    applications = (
        waiting_for_applicant_list(user=request.user)
        if waiting
        else my_application_list(user=request.user)
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    # A paused limit shows its working days left, not its date: one query for the page.
    paused = paused_limits(page.object_list)
    rows = []
    for application in page.object_list:
        bundle_application = application.bundle_application
        if bundle_application is not None:
            items = list(bundle_application.applications.all())
            rows.append(
                {
                    "bundle": bundle_application,
                    "items": items,
                    "status": bundle_status(items),
                    "application": application,
                }
            )
        else:
            rows.append(
                {"application": application, "paused_limits": paused.get(application.pk, {})}
            )
    return render(
        request,
        "intake/citizen/my_applications.html",
        {
            "page": page,
            "rows": rows,
            "waiting": waiting,
            # The pager keeps the filter on its links.
            "page_query": "status=waiting" if waiting else "",
        },
    )


@citizen_required
@require_GET
def application_detail(request, pk: int):
    """One application: status, what to fix, materials, notices, timeline."""
    application = _application_or_404(request, pk)
    is_applicant = _is_applicant(application, request.user)
    correction = open_correction_notice(application)
    correction_form = None
    if correction is not None and is_applicant:
        correction_form = _correction_form(application, correction)
    return render(
        request,
        "intake/citizen/application_detail.html",
        _detail_context(application, is_applicant, correction, correction_form, request.user),
    )


def _detail_context(application, is_applicant, correction, correction_form, user) -> dict:
    return {
        "application": application,
        "paused_limits": paused_limits_of(application),
        "is_applicant": is_applicant,
        "materials": list(application.materials.all()),
        "supplement_files": supplement_files_of(application),
        "events": list(application.events.all()),
        "notices": list(application.notices.all()),
        "correction": correction,
        "correction_items": [i for i in correction.items.all() if i.needs_correction]
        if correction
        else [],
        "correction_form": correction_form,
        "agent": agent_public(application),
        "has_attorney_file": bool((agent_of(application) or {}).get("power_of_attorney")),
        "can_withdraw": is_applicant and can(application, CaseAction.WITHDRAW),
        # Cards of the apps above intake (feedback: rating the case's services).
        "panels": applicant_case_panels(application, user),
    }


def _correction_form(application, correction, data=None, files=None) -> MaterialUploadForm:
    named = {item.material_id for item in correction.items.all() if item.needs_correction}
    slots = [slot for slot in application.materials.all() if slot.material_id in named]
    return MaterialUploadForm(data, files, slots=slots)


@citizen_required
@require_POST
def application_correct(request, pk: int):
    """Answer the correction notice: upload the named materials again; "提交补正"
    then resubmits (the acceptance date becomes the day corrections are complete)."""
    application = _own_application_or_404(request, pk)
    correction = open_correction_notice(application)
    if correction is None:
        messages.error(request, "该申请当前不需要补正。")
        return redirect("intake:my_application", pk=application.pk)
    form = _correction_form(application, correction, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _refused_message(form, "上传的文件不符合要求"))
        return render(
            request,
            "intake/citizen/application_detail.html",
            _detail_context(application, True, correction, form, request.user),
            status=400,
        )
    files = [(slot.material, uploaded) for slot, uploaded in form.material_files()]
    try:
        draft_save_online(application=application, actor=request.user, files=files)
    except IntakeError as error:
        messages.error(request, error_text(error))
        return redirect("intake:my_application", pk=application.pk)
    return _submit_if_asked(
        request,
        lambda: application_resubmit(application=application, actor=request.user),
        action="resubmit",
        saved="已上传。全部补正后请点击“提交补正材料”。" if files else "没有选择要上传的文件。",
        # Said only when a file was chosen: "saved" of nothing misled.
        not_yet="已保存上传的文件，但还不能提交补正：" if files else "还不能提交补正：",
        submitted="补正材料已提交，等待综合窗口审核。",
        back=reverse("intake:my_application", args=[application.pk]),
    )


def _withdraw_page(request, *, withdraw, back: str, done: str, context: dict):
    """A withdrawal: the confirmation page, then ``withdraw(reason)`` (one service
    call) and back to ``back`` with ``done`` or the service's refusal."""
    form = WithdrawForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            withdraw(form.cleaned_data["reason"].strip())
        except IntakeError as error:
            messages.error(request, f"不能撤回：{error_text(error)}")
        else:
            messages.success(request, done)
        return redirect(back)
    return render(request, "intake/citizen/withdraw_confirm.html", {**context, "form": form})


@citizen_required
@require_http_methods(["GET", "POST"])
def application_withdraw_view(request, pk: int):
    """Withdraw while not yet accepted, after a confirmation page."""
    application = _own_application_or_404(request, pk)
    back = reverse("intake:my_application", args=[application.pk])
    if request.method == "GET" and not can(application, CaseAction.WITHDRAW):
        messages.error(request, f"该申请当前状态为“{application.get_status_display()}”，不能撤回。")
        return redirect(back)
    return _withdraw_page(
        request,
        withdraw=lambda reason: application_withdraw(
            application=application, actor=request.user, reason=reason
        ),
        back=back,
        done="申请已撤回。",
        context={"application": application, "title": application.item_version.name},
    )


# --- files -------------------------------------------------------------------------


@citizen_required
@require_GET
def material_file(request, pk: int, slot_id: int):
    """A file the applicant uploaded, for those who may see the application."""
    application = _application_or_404(request, pk)
    slot = _row_or_404(application.materials.all(), slot_id, "未找到该材料文件。")
    return material_file_response(slot)


@citizen_required
@require_GET
def supplement_file(request, pk: int, file_id: int):
    """A file handed in for a department's supplement (审批补正), for those who may see
    the application; anyone else (another citizen, a file of another case) gets 404."""
    application = _application_or_404(request, pk)
    row = found_or_404(
        application.supplement_files.filter(pk=file_id).first(), "未找到该补正材料文件。"
    )
    return supplement_file_response(row)


@citizen_required
@require_GET
def attorney_file(request, pk: int):
    application = _application_or_404(request, pk)
    return attorney_file_response((agent_of(application) or {}).get("power_of_attorney"))


@citizen_required
@require_GET
def notice_file(request, pk: int, notice_id: int):
    """A notice's PDF, once rendered (a pending one is "生成中" on the page)."""
    application = _application_or_404(request, pk)
    notice = _row_or_404(application.notices.all(), notice_id, "未找到该文书。")
    if notice.status != NoticeStatus.READY or not notice.file:
        raise Http404("文书正在生成中，请稍后刷新页面再下载。")
    notice_downloaded.send(sender=Notice, application=application, notice=notice, user=request.user)
    return stored_file_response(
        notice.file,
        filename=f"{notice.title}-{notice.number}.pdf",
        content_type="application/pdf",
        inline=False,
    )


# --- bundles (一件事) -----------------------------------------------------------------


@require_GET
def bundles(request):
    """一件事一次办: the bundles one can apply for online (public)."""
    return render(request, "intake/citizen/bundle_list.html", {"bundles": bundle_list()})


@require_http_methods(["GET", "POST"])
def bundle_apply(request, code: str):
    """/intake/bundles/<code>/apply/: one application for every item of a 一件事."""
    bundle = found_or_404(bundle_for_code(code=code), "未找到该一件事。")
    versions = bundle_versions(bundle=bundle)
    offline = [v for v in versions if not v.online_available]
    context = {
        "bundle": bundle,
        "versions": versions,
        "offline": offline,
        "merged": bundle_material_list(bundle, versions=versions),
    }
    if offline or not versions:
        return render(request, "intake/citizen/bundle_apply.html", context)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _bundle_apply_signed_in(request, bundle, context)


@citizen_required
def _bundle_apply_signed_in(request, bundle, context):
    citizen = citizen_for_user(user=request.user)
    if citizen is None:
        return render(request, "intake/citizen/need_identity.html", {"bundle": bundle})
    form = BundleStartForm(
        *_posted(request),
        citizen=citizen,
        enterprises=list(enterprise_list_for(user=request.user)),
    )
    if request.method == "POST" and form.is_valid():
        started = _start_online(
            request,
            form,
            citizen,
            bundle_application_create,
            done="一件事申请已创建。同一份材料只需上传一次。",
            page="intake:my_bundle",
            bundle=bundle,
            contact_phone=form.cleaned_data["contact_phone"],
        )
        if started is not None:
            return started
    return render(
        request,
        "intake/citizen/bundle_apply.html",
        {**context, "form": form},
        status=_refused_status(request),
    )


def _bundle_or_404(request, pk: int):
    return found_or_404(
        bundle_application_detail_for(user=request.user, pk=pk),
        "未找到该一件事申请，或您无权查看。",
    )


@citizen_required
@require_http_methods(["GET", "POST"])
def bundle_detail(request, pk: int):
    """One 一件事: the merged materials (one upload each) while drafts remain, the item
    cases with their own status, submission of all of them together."""
    bundle_application = _bundle_or_404(request, pk)
    is_applicant = bundle_application.applicant.user_id == request.user.pk
    applications = list(bundle_application.applications.all())
    groups = bundle_material_groups(bundle_application)
    has_drafts = any(a.status == CaseStatus.DRAFT for a in applications)
    form = None
    if is_applicant and has_drafts:
        form = BundleUploadForm(*_posted(request, files=True), groups=groups)
    if request.method == "POST":
        if form is None:
            messages.error(request, "该一件事申请已提交，不能再修改材料。")
            return redirect("intake:my_bundle", pk=bundle_application.pk)
        if form.is_valid():
            try:
                bundle_materials_upload(
                    bundle_application=bundle_application,
                    files=[(group.material, uploaded) for group, uploaded in form.files_by_group()],
                    actor=request.user,
                )
            except IntakeError as error:
                messages.error(request, error_text(error))
                return redirect("intake:my_bundle", pk=bundle_application.pk)
            return _submit_if_asked(
                request,
                lambda: bundle_application_submit(
                    bundle_application=bundle_application, actor=request.user
                ),
                saved="已保存。",
                not_yet="已保存上传的文件，但还不能提交：",
                submitted="一件事申请已提交，各事项将分别预审、受理。",
                back=reverse("intake:my_bundle", args=[bundle_application.pk]),
            )
        messages.error(request, _refused_message(form, "上传的文件不符合要求"))
    return render(
        request,
        "intake/citizen/bundle_detail.html",
        {
            "bundle_application": bundle_application,
            "applications": applications,
            "status": bundle_status(applications),
            "groups": groups,
            "form": form,
            "is_applicant": is_applicant,
            "can_withdraw": is_applicant
            and any(can(a, CaseAction.WITHDRAW) for a in applications)
            and not any(a.case_number for a in applications),
        },
    )


@citizen_required
@require_http_methods(["GET", "POST"])
def bundle_withdraw(request, pk: int):
    bundle_application = _bundle_or_404(request, pk)
    if bundle_application.applicant.user_id != request.user.pk:
        raise PermissionDenied("只能撤回本人提交的申请。")
    return _withdraw_page(
        request,
        withdraw=lambda reason: bundle_application_withdraw(
            bundle_application=bundle_application, actor=request.user, reason=reason
        ),
        back=reverse("intake:my_bundle", args=[bundle_application.pk]),
        done="一件事申请已撤回。",
        context={
            "bundle_application": bundle_application,
            "title": bundle_application.bundle.name,
        },
    )


# --- in-portal messages --------------------------------------------------------------


@citizen_required
@require_GET
def notifications(request):
    """站内消息: newest first, unread marked, paginated."""
    page = Paginator(notification_list_for(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "intake/citizen/notifications.html", {"page": page})


@citizen_required
@require_POST
def notification_open(request, pk: int):
    """Mark one message read and go where it points (only within the portal)."""
    notification = found_or_404(
        notification_list_for(user=request.user).filter(pk=pk).first(), "未找到该消息。"
    )
    notification_mark_read(recipient=request.user, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("intake:notifications")


@citizen_required
@require_POST
def notifications_read_all(request):
    count = notification_mark_read(recipient=request.user)
    messages.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
    return redirect(reverse("intake:notifications"))
