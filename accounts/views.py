"""Account pages: the home page by role, login and logout, sign-up, the profile,
real-name verification, and the enterprise authorization chain (the legal
representative's agents page, the window's enterprise pages, the power of attorney's
file)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinpu_portal.dates import date_text
from jinpu_portal.refusals import error_text
from jinpu_portal.submissions import DuplicateSubmission
from jinpu_portal.views import forbidden, found_or_404, page_context

from .authorization import (
    agent_authorize_online,
    agent_record_at_window,
    agent_revoke,
    legal_representative_record_at_window,
)
from .constants import VerificationMethod
from .forms import (
    AgentScopeForm,
    CitizenRegistrationForm,
    LegalRepresentativeForm,
    LoginForm,
    WindowAgentForm,
    WindowVerificationForm,
)
from .models import Enterprise, EnterpriseRepresentative, User
from .navigation import actions_for, alerts_for, notices_for
from .selectors import (
    agent_chain_for,
    citizen_for_user,
    clerk_window_of,
    enterprise_legal_list_for,
    enterprise_roles_for,
    is_legal_representative,
    user_scope,
)
from .services import citizen_sign_up, citizen_verify
from .validators import normalize_identity_number
from .verification import verification_backend


@require_GET
def home(request):
    """Shows each role what it can do; anonymous visitors see the public services."""
    context = {
        "sections": actions_for(request.user),
        "alerts": alerts_for(request.user),
        "notices": notices_for(request.user),
    }
    if request.user.is_authenticated:
        context["scope"] = user_scope(user=request.user)
    return render(request, "home.html", context)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class SignupUserForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username"]
        labels = {"username": "用户名"}


SIGNUP_DONE = (
    "注册成功。请完成实名认证：认证之前，本账号只能查看自己在网上提交的申请，"
    "不能查看窗口办理的办件，也不能代表企业办事。"
)


@require_http_methods(["GET", "POST"])
def signup(request):
    """A citizen opens an account with the identity they claim; both or neither are
    saved. The answer is the same whether or not the ID number is known (no
    enumeration): the claim counts for nothing until it is verified."""
    user_form = SignupUserForm(request.POST or None, prefix="user")
    identity_form = CitizenRegistrationForm(request.POST or None, prefix="identity")
    if request.method == "POST" and user_form.is_valid() and identity_form.is_valid():
        data = identity_form.cleaned_data
        try:
            user = citizen_sign_up(
                username=user_form.cleaned_data["username"],
                password=user_form.cleaned_data["password1"],
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
            )
        except ValidationError as error:
            _attach_errors(identity_form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, SIGNUP_DONE)
            return redirect("accounts:profile")
    return render(
        request, "accounts/signup.html", {"user_form": user_form, "identity_form": identity_form}
    )


def _attach_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)


ENTERPRISE_BY_WINDOW = (
    "企业的法定代表人和经办人不能凭企业名称、统一社会信用代码等公开信息在网上自行添加。"
    "法定代表人：本人实名认证的公民身份号码与窗口登记的法定代表人一致时自动生效，"
    "首次请持营业执照和本人身份证到服务大厅窗口登记。"
    "经办人：由法定代表人在本页网上授权，或持授权委托书到窗口办理。"
)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The citizen's identity (masked), its verification and the enterprises they may
    act for. Typing an enterprise's public facts here grants nothing."""
    citizen = citizen_for_user(user=request.user)
    if request.method == "POST":
        messages.error(request, ENTERPRISE_BY_WINDOW)
        return redirect("accounts:profile")
    memberships = enterprise_roles_for(user=request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "citizen": citizen,
            "memberships": memberships,
            "enterprise_note": ENTERPRISE_BY_WINDOW,
            "scope": user_scope(user=request.user),
            "verification": verification_backend(),
        },
    )


@login_required
@require_POST
def verify(request):
    """The profile page's 实名认证 button: the configured back end takes over."""
    return verification_backend().start(request, citizen_for_user(user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def window_verify(request):
    """A clerk at a window verifies an account's identity against the ID card; the
    record keeps the clerk, the time, the window and the hall."""
    window = clerk_window_of(user=request.user)
    if window is None:
        return forbidden(request, "只有在综合窗口工作的综窗人员可以办理窗口实名核验。")
    form = WindowVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = User.objects.filter(username=data["username"], is_active=True).first()
        if account is None:
            form.add_error("username", "未找到该账号，请核对用户名。")
        else:
            try:
                citizen = citizen_verify(
                    user=account,
                    name=data["name"],
                    id_number=data["id_number"],
                    method=VerificationMethod.WINDOW,
                    verified_by=request.user,
                    window=window,
                )
            except ValidationError as error:
                _attach_errors(form, error)
            else:
                messages.success(
                    request,
                    f"已完成窗口实名核验：账号 {account.username}，{citizen}。",
                )
                return redirect("accounts:window-verify")
    return render(request, "accounts/window_verify.html", {"form": form, "window": window})


# --- The enterprise authorization chain ---------------------------------------------------


def _legal_enterprise_or_404(request, pk: int) -> Enterprise:
    return found_or_404(
        enterprise_legal_list_for(user=request.user).filter(pk=pk).first(),
        "未找到该企业，或您不是其法定代表人。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_agents(request, pk: int):
    """The legal representative's page: authorize agents online (all items or chosen
    ones, until a date) and revoke them. Anyone else gets 404."""
    enterprise = _legal_enterprise_or_404(request, pk)
    form = AgentScopeForm(request.POST or None, prefix="agent")
    done = "已授权 {name} 为经办人"
    if _agent_posted(
        request, form, done, agent_authorize_online, enterprise=enterprise, actor=request.user
    ):
        return redirect("accounts:enterprise-agents", pk=enterprise.pk)
    return render(
        request,
        "accounts/enterprise_agents.html",
        _chain_context(enterprise, form=form, staff=False),
    )


def _agent_posted(request, form, done: str, service, **arguments) -> bool:
    """A valid form posted: authorize the agent by ``service`` on the form's terms. A
    refusal goes onto the form; otherwise the success message (``done``, the agent as
    ``{name}``, and the date it runs to). True when the agent was authorized, or was
    by the first post of the same form (a double click), which is said instead."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        authorization = service(**arguments, **form.agent_terms())
    except DuplicateSubmission as error:
        # The same form again (a double click): the first post's grant, not a second.
        first = error.made
        if not isinstance(first, EnterpriseRepresentative):
            form.add_error(None, error_text(error))
            return False
        messages.warning(request, f"{error_text(error)}首次提交{_granted(done, first)}")
        return True
    except ValidationError as error:
        _attach_errors(form, error)
        return False
    except PermissionDenied as denied:
        form.add_error(None, str(denied))
        return False
    messages.success(request, _granted(done, authorization))
    return True


def _granted(done: str, authorization: EnterpriseRepresentative) -> str:
    """What was granted: ``done`` with the agent's name, and the date it runs to."""
    name = authorization.citizen.name
    return f"{done.format(name=name)}，有效期至 {date_text(authorization.valid_until)}。"


@login_required
@require_POST
def enterprise_agent_revoke(request, pk: int, authorization_id: int):
    enterprise = _legal_enterprise_or_404(request, pk)
    authorization = EnterpriseRepresentative.objects.filter(
        pk=authorization_id, enterprise=enterprise
    ).first()
    if authorization is None:
        raise Http404("未找到该授权。")
    _revoke_and_say(request, authorization)
    return redirect("accounts:enterprise-agents", pk=enterprise.pk)


def _revoke_and_say(request, authorization, window=None) -> None:
    try:
        agent_revoke(authorization=authorization, actor=request.user, window=window)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"已撤销 {authorization.citizen.name} 的经办人授权，立即生效。")


def _chain_context(enterprise: Enterprise, *, staff: bool, **extra) -> dict:
    chain = agent_chain_for(enterprise=enterprise, staff=staff)
    return {"enterprise": enterprise, **page_context(chain), "staff": staff, **extra}


def _clerk_window_or_403(request):
    window = clerk_window_of(user=request.user)
    if window is None:
        return None, forbidden(request, "只有在综合窗口工作的综窗人员可以办理企业授权登记。")
    return window, None


@login_required
@require_http_methods(["GET", "POST"])
def window_enterprise(request):
    """A clerk records an enterprise's legal representative after checking the business
    licence and the ID card, or looks an enterprise up by its credit code."""
    window, refused = _clerk_window_or_403(request)
    if refused:
        return refused
    form = LegalRepresentativeForm(request.POST or None, prefix="legal")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = legal_representative_record_at_window(
                clerk=request.user, window=window, **data
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(
                request,
                f"已登记{enterprise.name}的法定代表人 {enterprise.legal_representative}"
                f"（{enterprise.masked_legal_representative_id_number}）。",
            )
            return redirect("accounts:window-enterprise-detail", pk=enterprise.pk)
    query = normalize_identity_number(request.GET.get("code") or "")
    found = Enterprise.objects.filter(credit_code=query).first() if query else None
    if query and found is not None:
        return redirect("accounts:window-enterprise-detail", pk=found.pk)
    return render(
        request,
        "accounts/window_enterprise.html",
        {"form": form, "window": window, "query": query, "not_found": bool(query)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def window_enterprise_detail(request, pk: int):
    """One enterprise at the window: its legal representative on record, its agents,
    the chain's audit rows; record an agent from a paper power of attorney."""
    window, refused = _clerk_window_or_403(request)
    if refused:
        return refused
    enterprise = found_or_404(Enterprise.objects.filter(pk=pk).first(), "未找到该企业。")
    form = WindowAgentForm(request.POST or None, request.FILES or None, prefix="agent")
    done = "已登记 {name} 为经办人（授权委托书已存档）"
    if _agent_posted(
        request,
        form,
        done,
        agent_record_at_window,
        enterprise=enterprise,
        clerk=request.user,
        window=window,
    ):
        return redirect("accounts:window-enterprise-detail", pk=enterprise.pk)
    return render(
        request,
        "accounts/window_enterprise_detail.html",
        _chain_context(enterprise, form=form, window=window, staff=True),
    )


@login_required
@require_POST
def window_agent_revoke(request, pk: int, authorization_id: int):
    window, refused = _clerk_window_or_403(request)
    if refused:
        return refused
    authorization = EnterpriseRepresentative.objects.filter(
        pk=authorization_id, enterprise_id=pk
    ).first()
    if authorization is None:
        raise Http404("未找到该授权。")
    _revoke_and_say(request, authorization, window=window)
    return redirect("accounts:window-enterprise-detail", pk=pk)


@login_required
@require_GET
def power_of_attorney_file(request, pk: int):
    """The scanned power of attorney: only for the enterprise's legal representative,
    the agent it names, and clerks of the hall where it was recorded. Never a /media/
    URL; anyone else gets 404 (not even whether it exists)."""
    authorization = (
        EnterpriseRepresentative.objects.select_related("enterprise", "citizen")
        .filter(pk=pk)
        .exclude(power_of_attorney="")
        .first()
    )
    if authorization is None or not _may_see_attorney(request.user, authorization):
        raise Http404("未找到该文件，或您无权查看。")
    try:
        handle = authorization.power_of_attorney.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=authorization.power_of_attorney_name or "授权委托书",
        content_type=authorization.power_of_attorney_type or "application/octet-stream",
    )


def _may_see_attorney(user, authorization: EnterpriseRepresentative) -> bool:
    citizen = citizen_for_user(user=user)
    if citizen is not None and citizen.is_verified and citizen.pk == authorization.citizen_id:
        return True
    if is_legal_representative(user=user, enterprise=authorization.enterprise):
        return True
    window = clerk_window_of(user=user)
    return window is not None and window.hall_id == authorization.hall_id
