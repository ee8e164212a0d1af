"""Page forms: they only shape the input; the services hold the rules and the messages."""

from django import forms

from intake.citizen_forms import UploadsField
from jinpu_portal.forms import BootstrapForm, bootstrap_classes

from .constants import OPINION_HELP, SPECIAL_PROCEDURE_KINDS, PauseKind


class VersionedForm(BootstrapForm):
    """Carries the task's lock_version the approver saw (a conflict check, not a secret)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ApproveForm(VersionedForm):
    opinion = forms.CharField(
        label="审查意见",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：材料齐全，符合法定条件。"}),
        help_text=OPINION_HELP,
    )


class DenyForm(VersionedForm):
    reason = forms.CharField(
        label="不予许可的理由",
        max_length=280,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="将写入不予决定书（行政许可事项为不予行政许可决定书），并告知申请人救济途径。",
    )
    legal_basis = forms.CharField(label="法律依据", max_length=300, required=False)


class SupplementForm(VersionedForm):
    items = forms.CharField(
        label="需补正的材料或内容（每行一项）",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "如：补充提交场地租赁合同原件"}),
    )
    note = forms.CharField(label="其他说明", max_length=500, required=False)

    def clean_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class SpecialStartForm(VersionedForm):
    kind = forms.ChoiceField(
        label="特别程序",
        choices=[(k.value, k.label) for k in PauseKind if k in SPECIAL_PROCEDURE_KINDS],
    )
    reason = forms.CharField(label="原因或依据", max_length=300)
    expected_days = forms.IntegerField(label="预计所需工作日", min_value=1, max_value=365)


class SpecialEndForm(VersionedForm):
    result = forms.CharField(label="特别程序结果", max_length=300)


class ExtensionRequestForm(VersionedForm):
    days = forms.IntegerField(label="延长工作日", min_value=1, max_value=15)
    reason = forms.CharField(
        label="延期理由", max_length=300, help_text="批准后将书面告知申请人延期理由。"
    )


class ExtensionDecideForm(BootstrapForm):
    approve = forms.TypedChoiceField(
        label="批准意见",
        choices=[("1", "批准延期"), ("0", "不批准")],
        coerce=lambda v: v == "1",
        error_messages={
            "required": "请选择是否批准延期。",
            "invalid_choice": "请选择是否批准延期。",
        },
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class TakeOverForm(VersionedForm):
    """接办: a department head takes over a task someone else claimed."""

    reason = forms.CharField(
        label="接办理由",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：原认领人休假"}),
        help_text="记入办理过程（仅工作人员可见），并告知原认领人。",
    )


class ReassignForm(VersionedForm):
    assignee = forms.IntegerField(label="改派给")


class HandOverForm(BootstrapForm):
    """窗口领取: who collects the result, from the ID card they show (the service checks
    them against the case; its refusal names the field: ``views.DELIVERY_FIELDS``)."""

    recipient_name = forms.CharField(label="领取人姓名", required=False)
    recipient_id_number = forms.CharField(label="领取人身份证件号码", required=False)


class PostForm(BootstrapForm):
    """邮寄送达: the courier's tracking number (the service checks it)."""

    tracking_number = forms.CharField(label="快递单号", required=False)


def supplement_item_field(number: int) -> str:
    """The name of the files of the supplement's item ``number`` (from 1), on the page
    and in the API's multipart body."""
    return f"item_{number}"


def supplement_item_files(files) -> list[tuple[int, object]]:
    """[(item number, file)] of a multipart body's ``item_<n>`` parts (the API)."""
    chosen = []
    for name in files:
        prefix, _, number = name.partition("_")
        if prefix == "item" and number.isdigit() and len(number) < 4:
            chosen.extend((int(number), uploaded) for uploaded in files.getlist(name))
    return chosen


class SupplementReceiveForm(BootstrapForm):
    """审批补正: one or more files per item of the 审查补正告知书 (the service requires
    them online and checks every one; a clerk's scans are optional), a note, and the
    notice the page answered (a page shown before the case moved on is refused)."""

    note = forms.CharField(label="补正说明", max_length=280, required=False)
    notice = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for number, item in enumerate(self.items, 1):
            self.fields[supplement_item_field(number)] = UploadsField(
                label=f"第 {number} 项：{item}"
            )
        bootstrap_classes(self)

    def item_files(self) -> list[tuple[int, object]]:
        """[(item number, file)] of the files chosen, in the notice's order."""
        return [
            (number, uploaded)
            for number in range(1, len(self.items) + 1)
            for uploaded in self.cleaned_data.get(supplement_item_field(number)) or []
        ]

    def bound_items(self):
        """[(item number, bound field)] for the page."""
        return [
            (number, self[supplement_item_field(number)])
            for number in range(1, len(self.items) + 1)
        ]

    def not_saved(self) -> list[str]:
        """After a refused post: the names of the files that passed their own check but
        were not kept with the rest (the browser drops them with the page), each also
        marked on its item's field so the page asks for it again."""
        names = []
        cleaned = getattr(self, "cleaned_data", None) or {}
        for _number, field in self.bound_items():
            dropped = [uploaded.name for uploaded in cleaned.get(field.name) or []]
            if dropped:
                self.fields[field.name].not_saved = "、".join(dropped)
                names.extend(dropped)
        return names


class ToleratedReceiveForm(BootstrapForm):
    slot = forms.IntegerField(widget=forms.HiddenInput)


class TerminateForm(VersionedForm):
    reason = forms.CharField(
        label="终止理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：申请人未按容缺承诺在期限内补交材料。将告知申请人。",
    )
