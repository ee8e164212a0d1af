"""The form of the hall's ticket page (取号): a business category or an appointment code,
with an optional ID number, mobile and 绿色通道. Every label and message in Chinese.
The other hall pages post plain fields that their views hand to the services."""

from django import forms

from jinpu_portal.submissions import SubmissionKeyForm

from .constants import PriorityGroup
from .services.base import clean_id_number


class TicketForm(SubmissionKeyForm):
    """The ticket page: a business category (one of the hall's, given by the view) and,
    optionally, an ID number (the window then finds the applicant) or an appointment code.
    Its key (``submission``) makes a double tap one ticket (``ticket_issue``)."""

    category = forms.TypedChoiceField(label="业务", coerce=int, required=False, empty_value=None)
    id_number = forms.CharField(label="身份证号", required=False, max_length=32)
    appointment_code = forms.CharField(label="预约码", required=False, max_length=32)
    mobile = forms.RegexField(
        label="手机号码",
        required=False,
        regex=r"^1\d{10}$",
        error_messages={"invalid": "手机号码应为 11 位数字，以 1 开头。"},
        help_text="前面还有 3 人时短信提醒您。",
    )
    priority = forms.ChoiceField(
        label="绿色通道",
        required=False,
        choices=[("", "不需要"), *PriorityGroup.choices],
        help_text="窗口核验证件后优先办理。",
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c["id"], c["name"]) for c in categories]
        self.fields["category"].error_messages["invalid_choice"] = "请选择本厅开放的业务。"

    def clean_id_number(self):
        # The services' own rule (normalised, a valid resident ID number, or "").
        return clean_id_number(self.cleaned_data.get("id_number", ""))

    def clean_mobile(self):
        return "".join(self.cleaned_data.get("mobile", "").split())

    def clean_appointment_code(self):
        return "".join(self.cleaned_data.get("appointment_code", "").split()).upper()

    def clean(self):
        data = super().clean()
        if not data.get("category") and not data.get("appointment_code") and not self.errors:
            self.add_error("category", "请选择要办理的业务；网上预约过的，请填写预约码。")
        return data
