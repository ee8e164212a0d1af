"""Forms of the account pages: login, citizen sign-up, the window's identity
verification, and the enterprise authorization chain (an agent authorized online or
recorded at a window, a legal representative recorded at a window)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from jinpu_portal.submissions import SubmissionKeyForm

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


class ResidentIdField(forms.CharField):
    """A resident ID number, normalized (``normalize_identity_number``: full-width digits,
    spaces, a lower-case x) and checked; an optional one left empty stays empty."""

    def clean(self, value):
        value = normalize_identity_number(super().clean(value))
        if value not in self.empty_values:
            validate_resident_id(value)
        return value


def checked_original(label: str, unchecked: str) -> forms.BooleanField:
    """The box a clerk ticks to confirm having checked an original (an ID card, a licence,
    a power of attorney) against what was entered: required; left unticked, the form
    says ``unchecked``."""
    return forms.BooleanField(label=label, error_messages={"required": unchecked})


class CitizenRegistrationForm(forms.Form):
    """Real-name identity of a citizen; also used by clerks at the counter."""

    name = forms.CharField(label="姓名", max_length=50)
    # No max_length: the validator's message says what is wrong with a long number.
    id_number = ResidentIdField(label="公民身份号码")
    phone = forms.RegexField(
        label="手机号码",
        regex=r"^1\d{10}$",
        error_messages={"invalid": "手机号码格式错误：应为 11 位数字，以 1 开头。"},
    )


class WindowVerificationForm(forms.Form):
    """A clerk verifies an account's identity against the ID card shown at the window."""

    username = forms.CharField(label="账号用户名", max_length=150)
    name = forms.CharField(label="姓名（与身份证一致）", max_length=50)
    id_number = ResidentIdField(label="公民身份号码（与身份证一致）")
    id_card_checked = checked_original(
        "已查验本人居民身份证原件，人证一致", "请先查验本人居民身份证原件并勾选确认。"
    )


def _service_items():
    """Published catalog items, reached through the authorization's own field (accounts
    sits below catalog and never imports it)."""
    from .models import EnterpriseRepresentative

    model = EnterpriseRepresentative._meta.get_field("items").related_model
    return model.objects.filter(current_version__isnull=False).select_related("current_version")


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


SCOPE_ALL = "all"
SCOPE_CHOSEN = "chosen"


class AgentScopeForm(SubmissionKeyForm):
    """Who the agent is (their verified identity), what for and until when; its key
    (``submission``) makes a double post one authorization."""

    name = forms.CharField(label="经办人姓名", max_length=50)
    id_number = forms.CharField(label="经办人公民身份号码", max_length=40)
    scope = forms.ChoiceField(
        label="授权范围",
        choices=[(SCOPE_ALL, "全部事项"), (SCOPE_CHOSEN, "指定事项")],
        initial=SCOPE_ALL,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    items = ItemChoiceField(
        label="指定事项（授权范围选“指定事项”时勾选）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    valid_until = forms.DateField(
        label="有效期至",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写有效的日期，例如 2027-06-30。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = _service_items()

    def clean(self):
        data = super().clean()
        if data.get("scope") == SCOPE_CHOSEN and not data.get("items"):
            self.add_error("items", "选择“指定事项”时，请至少勾选一个事项。")
        return data

    def agent_terms(self) -> dict:
        """The authorization's terms as the services take them (``agent_authorize_online``,
        ``agent_record_at_window``): who, until when, the chosen items (none: all), and
        the form's key."""
        data = self.cleaned_data
        return {
            "id_number": data["id_number"],
            "name": data["name"],
            "valid_until": data["valid_until"],
            "items": list(data["items"]) if data["scope"] == SCOPE_CHOSEN else [],
            "submission": data["submission"],
        }


class WindowAgentForm(AgentScopeForm):
    power_of_attorney = forms.FileField(
        label="授权委托书扫描件（PDF、JPEG 或 PNG）",
        error_messages={"required": "请上传授权委托书扫描件。"},
    )
    attorney_checked = checked_original(
        "已核对授权委托书原件（法定代表人签字、企业盖章）和经办人居民身份证原件",
        "请先核对授权委托书原件和经办人身份证原件并勾选确认。",
    )

    def agent_terms(self) -> dict:
        data = self.cleaned_data
        return {
            **super().agent_terms(),
            "power_of_attorney": data["power_of_attorney"],
            "attorney_checked": data["attorney_checked"],
        }


class LegalRepresentativeForm(forms.Form):
    """A clerk records an enterprise's legal representative from the licence and ID card."""

    credit_code = forms.CharField(label="统一社会信用代码（与营业执照一致）", max_length=40)
    name = forms.CharField(label="企业名称（与营业执照一致）", max_length=200)
    legal_representative = forms.CharField(label="法定代表人姓名", max_length=50)
    id_number = forms.CharField(label="法定代表人公民身份号码（与身份证一致）", max_length=40)
    licence_checked = checked_original("已查验营业执照原件", "请先查验营业执照原件并勾选确认。")
    id_card_checked = checked_original(
        "已查验法定代表人居民身份证原件，人证一致", "请先查验法定代表人居民身份证原件并勾选确认。"
    )
