"""Account pages: the home page by role, login and logout, sign-up, the profile and
real-name verification."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .constants import Role, VerificationMethod
from .forms import (
    CitizenRegistrationForm,
    LoginForm,
    WindowVerificationForm,
)
from .models import Citizen, User
from .navigation import actions_for, alerts_for
from .selectors import citizen_for_user, clerk_window_of, user_scope
from .services import citizen_register, citizen_verify, user_set_roles
from .verification import verification_backend


@require_GET
def home(request):
    """Shows each role what it can do; anonymous visitors see the public services."""
    context = {"sections": actions_for(request.user), "alerts": alerts_for(request.user)}
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
            with transaction.atomic():
                user = user_form.save()
                user_set_roles(user=user, roles=[Role.CITIZEN])
                citizen_register(
                    name=data["name"], id_number=data["id_number"], phone=data["phone"], user=user
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
    "请法定代表人持营业执照和本人身份证到服务大厅窗口办理核验与授权。"
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
    memberships = (
        citizen.enterprise_memberships.select_related("enterprise")
        if citizen is not None and citizen.is_verified
        else Citizen.objects.none()
    )
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
        return render(
            request,
            "errors/403.html",
            {"reason": "只有在综合窗口工作的综窗人员可以办理窗口实名核验。"},
            status=403,
        )
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
