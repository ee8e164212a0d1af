"""Page forms of the rectification orders, appeals and 回头看: they only shape the
input; the services (``feedback.services.orders``) hold the rules and the messages."""

from django import forms

from jinpu_portal.forms import BootstrapForm
from jinpu_portal.submissions import SubmissionKeyForm

from .constants import AppealKind, Finding, ReviewResult, VisitLevel
from .services.orders import REVIEW_CHOOSE, VISIT_CHOOSE


def _text(label: str, *, rows: int = 3, required: bool = True, help_text: str = ""):
    return forms.CharField(
        label=label,
        max_length=500,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class StepForm(BootstrapForm):
    """A step on an order's or a 回头看 entry's page: carries the edit token of what the
    page showed (``order_token``, ``review_entry_token``: a conflict check, not a
    secret); none posted, nothing is checked."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_seen(self):
        return self.cleaned_data["seen"] or None


class CallBackForm(StepForm):
    finding = forms.ChoiceField(label="核实结论", choices=Finding.choices)
    note = _text("回访核实情况", help_text="与群众联系的时间、方式和核实到的情况。")


class ReplyForm(StepForm):
    text = _text(
        "整改情况和答复", rows=4, help_text="将以站内消息和短信告知群众，并请其对整改结果评价。"
    )


class VisitForm(StepForm):
    level = forms.ChoiceField(
        label="对整改结果的评价",
        choices=VisitLevel.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": VISIT_CHOOSE, "invalid_choice": VISIT_CHOOSE},
    )
    note = _text("回访记录", rows=2, required=False)


class AppealForm(BootstrapForm):
    kind = forms.ChoiceField(label="申诉类型", choices=AppealKind.choices)
    reason = _text("申诉理由")
    evidence = forms.FileField(
        label="证明材料", help_text="PDF、JPEG 或 PNG，如通话录音文字记录、监控截图、办件记录。"
    )


class RuleForm(StepForm):
    text = _text("裁定意见", help_text="将告知整改单位和群众。")


class AppealDecideForm(BootstrapForm):
    accept = forms.TypedChoiceField(
        label="复核结论",
        choices=[("1", "申诉成立：差评不计入统计"), ("0", "申诉不成立：继续整改")],
        coerce=lambda value: value == "1",
    )
    reason = _text("复核意见")


class ReviewBatchForm(SubmissionKeyForm, BootstrapForm):
    title = forms.CharField(label="名称", max_length=100)
    period_start = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))


class ReviewEntryForm(StepForm):
    result = forms.ChoiceField(
        label="回头看结果",
        choices=ReviewResult.choices,
        error_messages={"required": REVIEW_CHOOSE, "invalid_choice": REVIEW_CHOOSE},
    )
    note = _text("跟踪情况", rows=2)
