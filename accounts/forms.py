"""Forms of the account pages: login, citizen sign-up and the window's identity
verification."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .validators import normalize_identity_number, validate_resident_id


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续输错 5 次，账号将被临时锁定。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-lg"


class CitizenRegistrationForm(forms.Form):
    """Real-name identity of a citizen; also used by clerks at the counter."""

    name = forms.CharField(label="姓名", max_length=50)
    # No max_length: the validator's message says what is wrong with a long number.
    id_number = forms.CharField(label="公民身份号码")
    phone = forms.RegexField(
        label="手机号码",
        regex=r"^1\d{10}$",
        error_messages={"invalid": "手机号码格式错误：应为 11 位数字，以 1 开头。"},
    )

    def clean_id_number(self):
        value = normalize_identity_number(self.cleaned_data["id_number"])
        validate_resident_id(value)
        return value


class WindowVerificationForm(forms.Form):
    """A clerk verifies an account's identity against the ID card shown at the window."""

    username = forms.CharField(label="账号用户名", max_length=150)
    name = forms.CharField(label="姓名（与身份证一致）", max_length=50)
    id_number = forms.CharField(label="公民身份号码（与身份证一致）")
    id_card_checked = forms.BooleanField(
        label="已查验本人居民身份证原件，人证一致",
        error_messages={"required": "请先查验本人居民身份证原件并勾选确认。"},
    )

    def clean_id_number(self):
        value = normalize_identity_number(self.cleaned_data["id_number"])
        validate_resident_id(value)
        return value
