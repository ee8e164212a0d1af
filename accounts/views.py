from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .constants import Role
from .forms import CitizenRegistrationForm, EnterpriseRegistrationForm, LoginForm
from .models import Citizen, User
from .navigation import actions_for
from .selectors import citizen_for_user, user_scope
from .services import citizen_register, enterprise_claim, user_set_roles


@require_GET
def home(request):
    """Shows each role what it can do; anonymous visitors see the public services."""
    context = {"sections": actions_for(request.user)}
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


@require_http_methods(["GET", "POST"])
def signup(request):
    """A citizen opens an account with a real-name identity; both or neither are saved."""
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
            messages.success(request, "注册成功，欢迎使用金普新区政务服务。")
            return redirect("home")
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


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The citizen's identity (masked) and the enterprises they may act for."""
    citizen = citizen_for_user(user=request.user)
    enterprise_form = EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST":
        if citizen is None:
            messages.error(request, "请先完成实名认证，再添加企业。")
        elif enterprise_form.is_valid():
            data = enterprise_form.cleaned_data
            try:
                membership = enterprise_claim(
                    citizen=citizen,
                    name=data["name"],
                    credit_code=data["credit_code"],
                    legal_representative=data["legal_representative"],
                )
            except ValidationError as error:
                _attach_errors(enterprise_form, error)
            except IntegrityError:
                # Two people registered the same credit code at the same moment.
                enterprise_form.add_error(
                    "credit_code", "统一社会信用代码刚被登记，请重新提交一次。"
                )
            else:
                messages.success(
                    request,
                    f"已添加企业：{membership.enterprise.name}（{membership.get_role_display()}）",
                )
                return redirect("accounts:profile")
    memberships = (
        citizen.enterprise_memberships.select_related("enterprise")
        if citizen
        else Citizen.objects.none()
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "citizen": citizen,
            "memberships": memberships,
            "enterprise_form": enterprise_form,
            "scope": user_scope(user=request.user),
        },
    )
