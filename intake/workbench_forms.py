"""Forms of the comprehensive window's workbench (综窗办); the applicant's are in
``citizen_forms``.

They check what a clerk types and word every problem in Chinese; the services in
``intake.services.cases`` check the rules again under a row lock, so a form is a
convenience, never the guard.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from accounts.forms import CitizenRegistrationForm, ResidentIdField
from accounts.validators import (
    normalize_identity_number,
    validate_credit_code,
)
from catalog.constants import CaseType, MaterialRequirement
from catalog.models import ItemMaterial, ItemVersion
from jinpu_portal.dates import date_text
from jinpu_portal.forms import BootstrapForm, bootstrap_classes
from jinpu_portal.submissions import SubmissionKeyForm

from .constants import ApplicantKind, DeliveryMethod, IntakeOutcome, MaterialStatus, RefusalKind
from .page_hooks import visit_refusal

# The clerk's verdicts on one material; "pending" is offered for optional materials
# only and means "not handed in, not needed" (no verdict is recorded).
NOT_SUBMITTED = "pending"


@dataclass(frozen=True)
class ErrorLink:
    """One line of a rejected form's error summary, linking to the field it is about."""

    message: str
    anchor: str


def _field_anchor(bound_field) -> str:
    # A radio group's inputs have ids ending _0, _1 …; the first one takes the focus.
    radio = isinstance(bound_field.field.widget, forms.RadioSelect)
    return f"{bound_field.auto_id}_0" if radio else bound_field.auto_id


def identity_number(value: str, validate, *, optional: bool = False) -> str:
    """``value`` normalized (full-width digits, spaces, a lower-case x) and checked by
    ``validate`` (``validate_resident_id`` or ``validate_credit_code``); an optional
    number left empty stays empty. People and enterprises are found by the normalized
    number, so the counter forms and the clerks' API check it through here alike."""
    value = normalize_identity_number(value)
    if value or not optional:
        validate(value)
    return value


def error_summary(*forms_: forms.Form | None) -> list[ErrorLink]:
    """Every error of the given (bound) forms, in page order, each worded so it reads on
    its own at the top of the page (the material and field it is about) and linked to
    its field; a form-wide error links to the form's first field."""
    links = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        material = getattr(form, "material", None)
        prefix = f"{material.name} · " if material is not None else ""
        first_field = next(iter(form), None)
        for name, messages in form.errors.items():
            bound = first_field if name == NON_FIELD_ERRORS else form[name]
            label = "" if name == NON_FIELD_ERRORS else str(bound.label)
            anchor = _field_anchor(bound) if bound is not None else ""
            for message in messages:
                if material is not None and material.name in message:
                    text = message  # says which material already
                elif not label or message.startswith(label):
                    text = f"{prefix}{message}"
                else:
                    text = f"{prefix}{label}：{message}"
                links.append(ErrorLink(text, anchor))
    return links


class ApplicantLookupForm(BootstrapForm):
    """Who applies: a person by resident ID number, or an enterprise by credit code
    together with the person handling it (经办人)."""

    kind = forms.ChoiceField(
        label="申请人类型",
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    id_number = ResidentIdField(
        label="公民身份号码",
        help_text="个人申请填写申请人本人的号码；企业申请填写经办人的号码。",
    )
    credit_code = forms.CharField(label="统一社会信用代码", required=False)

    def clean_credit_code(self):
        return identity_number(
            self.cleaned_data.get("credit_code", ""), validate_credit_code, optional=True
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == ApplicantKind.ENTERPRISE
            and not data.get("credit_code")
            and "credit_code" not in self.errors
        ):
            self.add_error("credit_code", "企业申请请填写统一社会信用代码。")
        return data


class CitizenForm(BootstrapForm, CitizenRegistrationForm):
    """Registering a person at the counter: the sign-up's name and mobile (the number
    comes from the lookup)."""

    id_number = None


class EnterpriseForm(BootstrapForm):
    name = forms.CharField(label="企业名称", max_length=200)
    legal_representative = forms.CharField(label="法定代表人", max_length=50)
    address = forms.CharField(label="住所", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)


class MaterialVerdictForm(forms.Form):
    """The clerk's verdict on one material of the application."""

    status = forms.ChoiceField(label="核验结果", widget=forms.RadioSelect)
    originals = forms.IntegerField(label="原件份数", min_value=0, max_value=99, initial=0)
    copies = forms.IntegerField(label="复印件份数", min_value=0, max_value=99, initial=0)
    reason = forms.CharField(
        label="问题说明",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "缺少材料可不填，默认为“未提交该材料”"}),
    )
    pledge_signed = forms.BooleanField(label="申请人已签署容缺承诺书", required=False)
    tolerance_due_date = forms.DateField(
        label="容缺补交期限",
        required=False,
        # ISO: a date input shows nothing for a value in the locale's format.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args, material: ItemMaterial, max_due: datetime.date, **kwargs):
        kwargs.setdefault("prefix", f"m{material.pk}")
        super().__init__(*args, **kwargs)
        self.material = material
        self.max_due = max_due
        choices = [
            (MaterialStatus.RECEIVED, "已收取"),
            (MaterialStatus.MISSING, "缺少"),
            (MaterialStatus.DEFECTIVE, "有误"),
        ]
        if material.tolerance_allowed:
            choices.append((MaterialStatus.TOLERATED, "容缺后补"))
        if material.requirement == MaterialRequirement.OPTIONAL:
            choices.append((NOT_SUBMITTED, "未提交（非必要）"))
        self.fields["status"].choices = choices
        self.fields["status"].error_messages["invalid_choice"] = (
            f"材料“{material.name}”的核验结果无效"
            + ("：该材料不允许容缺受理。" if not material.tolerance_allowed else "。")
        )
        self.fields["status"].error_messages["required"] = (
            f"请选择材料“{material.name}”的核验结果。"
        )
        if material.tolerance_allowed:
            # 容缺: the material is due by the promised conclusion date at the latest.
            self.fields["tolerance_due_date"].initial = max_due
        bootstrap_classes(self)

    def clean(self):
        data = super().clean()
        name = self.material.name
        status = data.get("status")
        if status == MaterialStatus.DEFECTIVE and not (data.get("reason") or "").strip():
            self.add_error("reason", f"材料“{name}”有误，请说明问题。")
        if status == MaterialStatus.TOLERATED:
            if not data.get("pledge_signed"):
                self.add_error("pledge_signed", f"材料“{name}”容缺受理须申请人签署承诺书。")
            due = data.get("tolerance_due_date")
            if due is None:
                if "tolerance_due_date" not in self.errors:
                    self.add_error("tolerance_due_date", f"请确定材料“{name}”的容缺补交期限。")
            elif due < timezone.localdate():
                self.add_error("tolerance_due_date", f"材料“{name}”的容缺补交期限不能早于今天。")
            elif due > self.max_due:
                self.add_error(
                    "tolerance_due_date",
                    f"材料“{name}”的容缺补交期限不能晚于承诺办结日期 {date_text(self.max_due)}。",
                )
        return data

    def verdict(self) -> dict | None:
        """The verdict as ``intake.services.cases`` takes it; None for "not submitted"."""
        data = self.cleaned_data
        if data["status"] == NOT_SUBMITTED:
            return None
        tolerated = data["status"] == MaterialStatus.TOLERATED
        # Nothing was handed over for a missing material, whatever the (hidden) count
        # inputs still hold.
        handed_over = data["status"] != MaterialStatus.MISSING
        return {
            "material": self.material.pk,
            "status": data["status"],
            "originals": (data.get("originals") or 0) if handed_over else 0,
            "copies": (data.get("copies") or 0) if handed_over else 0,
            "reason": (data.get("reason") or "").strip(),
            "pledge_signed": tolerated and bool(data.get("pledge_signed")),
            "tolerance_due_date": data.get("tolerance_due_date") if tolerated else None,
        }


class VisitCheckbox(forms.CheckboxInput):
    """One checkbox whose value is the key of the visit it names (``WorkbenchVisit``):
    posted, that key (the page's, so a post after the visit changed is told); not
    posted, ""."""

    def __init__(self, key: str):
        super().__init__(attrs={"value": key})

    def format_value(self, value):
        return None  # the value attribute is the visit's key of now (attrs)

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")


class OutcomeForm(forms.Form):
    """The outcome of an intake: accept, one-time correction, or refusal.

    With ``visit`` (the review of an online application while the window serves a
    ticket, ``intake.page_hooks.workbench_visit``) it offers 本次叫号群众办理: ticked,
    ``cleaned_data["visit"]`` is that visit's key, and the outcome is recorded for it
    (the hall links it to the ticket); unticked, "" and nothing is linked. A tick posted
    for a visit that has changed or ended meanwhile is refused, to be confirmed again."""

    outcome = forms.ChoiceField(
        label="受理结论",
        choices=IntakeOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择受理结论：受理、一次性告知补正或不予受理。"},
    )
    conclude_immediately = forms.BooleanField(label="即办件当场办结", required=False)
    note = forms.CharField(
        label="处理意见", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    refusal_kind = forms.ChoiceField(
        label="不予受理类型", choices=[("", "请选择"), *RefusalKind.choices], required=False
    )
    refusal_reason = forms.CharField(
        label="不予受理理由",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    redirect_to = forms.CharField(
        label="告知向何机关申请",
        required=False,
        max_length=200,
        help_text="不属于本机关职权范围的，应告知申请人向有关行政机关申请。",
    )

    def __init__(self, *args, version: ItemVersion | None, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.visit = visit
        if version is None or version.case_type != CaseType.IMMEDIATE:
            del self.fields["conclude_immediately"]
        if visit is not None:
            self.fields["visit"] = forms.CharField(
                label=f"本次叫号群众办理：申请人（或其代办人）就是正在办理的 {visit.label}，"
                "本结论记入该号",
                required=False,
                widget=VisitCheckbox(visit.key),
            )
        bootstrap_classes(self)

    def clean(self):
        data = super().clean()
        if self.visit is None:
            # No box: one posted anyway names a visit gone meanwhile (a page shown then).
            posted = self.data.get("visit", "") if self.is_bound else ""
            data["visit"] = ""
        else:
            posted = data.get("visit", "")
        refusal = visit_refusal(self.visit, posted)
        if refusal is not None:
            self.add_error("visit" if self.visit else None, refusal)
        if data.get("outcome") == IntakeOutcome.REFUSE:
            if not data.get("refusal_kind"):
                self.add_error("refusal_kind", "请选择不予受理的类型。")
            if not (data.get("refusal_reason") or "").strip():
                self.add_error("refusal_reason", "不予受理必须说明理由。")
            if (
                data.get("refusal_kind") == RefusalKind.OUTSIDE_POWERS
                and not (data.get("redirect_to") or "").strip()
            ):
                self.add_error(
                    "redirect_to", "不属于本机关职权范围的，应告知申请人向有关行政机关申请。"
                )
        return data


class CounterFlagsForm(SubmissionKeyForm):
    """What the counter records besides the materials: flags, agent, delivery; and the
    page's form key (``submission``: its second post finds the first one's case)."""

    green_channel = forms.BooleanField(label="绿色通道（优先办理）", required=False)
    assisted = forms.BooleanField(label="帮办（工作人员协助填报）", required=False)
    by_agent = forms.BooleanField(label="代办（由代办人持授权委托书办理）", required=False)
    agent_id_number = ResidentIdField(label="代办人公民身份号码", required=False)
    agent_name = forms.CharField(label="代办人姓名", max_length=50, required=False)
    agent_phone = forms.CharField(label="代办人手机号码", max_length=20, required=False)
    contact_phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9\-]{7,20}$",
        required=False,
        error_messages={"invalid": "联系电话格式错误：只能包含数字和“-”，7 至 20 位。"},
    )
    delivery_method = forms.ChoiceField(
        label="结果送达方式", choices=DeliveryMethod.choices, initial=DeliveryMethod.WINDOW
    )
    delivery_address = forms.CharField(label="邮寄地址", max_length=200, required=False)

    def __init__(self, *args, postal_supported: bool, applicant_id_number: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.postal_supported = postal_supported
        self.applicant_id_number = applicant_id_number
        bootstrap_classes(self)

    def clean_agent_phone(self):
        value = (self.cleaned_data.get("agent_phone") or "").strip()
        if value and not (len(value) == 11 and value.isdigit() and value.startswith("1")):
            raise ValidationError("代办人手机号码格式错误：应为 11 位数字，以 1 开头。")
        return value

    def clean(self):
        data = super().clean()
        if data.get("by_agent"):
            if not data.get("agent_id_number") and "agent_id_number" not in self.errors:
                self.add_error("agent_id_number", "代办时请填写代办人的公民身份号码。")
            if data.get("agent_id_number") == self.applicant_id_number:
                self.add_error("agent_id_number", "代办人不能是申请人本人。")
        method = data.get("delivery_method")
        if method == DeliveryMethod.POST:
            if not self.postal_supported:
                self.add_error("delivery_method", "该事项不支持邮寄送达办理结果。")
            elif not (data.get("delivery_address") or "").strip():
                self.add_error("delivery_address", "邮寄送达需要填写邮寄地址。")
        return data
