"""Forms of the applicant's pages (网上办); the clerks' are in ``workbench_forms``
(the ``citizen_`` / ``workbench_`` prefixes name the side, as in the URL modules and
``views``). They validate input and files; every write
goes through ``intake.services``. Upload fields check the file's content with
``intake.services.uploads.check_upload`` while the form is validated, so a bad file is
refused before anything is saved."""

from django import forms

from accounts.validators import (
    mask_identity_number,
    normalize_identity_number,
    validate_resident_id,
)
from catalog.constants import LEGAL_OBJECTS, PERSON_OBJECTS
from jinpu_portal.forms import bootstrap_classes
from jinpu_portal.submissions import SubmissionKeyForm

from .constants import DeliveryMethod
from .services.cases import EDITABLE_BY_APPLICANT
from .services.online import NOTE_MAX_LENGTH, agent_of
from .services.uploads import check_upload

UPLOAD_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
PHONE_REGEX = r"^(1\d{10}|0\d{2,3}-?\d{7,8})$"
PHONE_ERROR = "联系电话格式错误：请填写 11 位手机号码，或带区号的固定电话（如 0411-87654321）。"
PERSON = "person"


def _style(form: forms.Form) -> None:
    """Bootstrap classes, large on phones (the citizen's pages need big touch targets)."""
    large = "form-control form-control-lg"
    bootstrap_classes(form, control=large, select=large)


class UploadField(forms.FileField):
    """One material file: PDF, JPEG or PNG by content, within the size limit."""

    default_error_messages = {
        "invalid": "未收到文件，请检查表单的编码类型。",
        "missing": "未收到文件。",
        "empty": "上传的文件是空文件。",
        "max_length": "文件名过长（不能超过 %(max)d 个字符，当前 %(length)d 个）。",
        "contradiction": "请上传文件或清除选择，不要同时进行。",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": UPLOAD_ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded:
            check_upload(uploaded)  # IntakeError is a ValidationError: a field error
        return uploaded


class MultipleFileInput(forms.FileInput):
    """A file input that takes several files at once (``<input type=file multiple>``)."""

    allow_multiple_selected = True


class UploadsField(UploadField):
    """Several files for one thing asked (an item of a supplement), each checked as an
    ``UploadField`` checks its one; cleans to the list of files (empty: none chosen)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": UPLOAD_ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        chosen = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not chosen:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(UploadsField, self).clean(one) for one in chosen]


def _serves(version) -> tuple[bool, bool]:
    """Whether the item serves persons and legal persons, as its service objects (服务对象)
    say; an item listing none of either group serves both."""
    codes = {str(obj.code) for obj in version.service_objects.all()}
    serves_person = bool(codes & {str(c) for c in PERSON_OBJECTS})
    serves_legal = bool(codes & {str(c) for c in LEGAL_OBJECTS})
    if not serves_person and not serves_legal:
        return True, True
    return serves_person, serves_legal


def _contact_phone_field() -> forms.RegexField:
    return forms.RegexField(
        label="联系电话",
        regex=PHONE_REGEX,
        error_messages={"invalid": PHONE_ERROR, "required": "请填写联系电话。"},
    )


class ApplyAsForm(SubmissionKeyForm):
    """Whom an application is for: oneself or an enterprise one represents; and the
    page's form key (``submission``: posted twice, it starts one draft)."""

    apply_as = forms.ChoiceField(
        label="申请人",
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择以本人还是以企业名义申请。",
            "invalid_choice": "只能以本人或您代表的企业名义申请。",
        },
    )

    def __init__(self, *args, citizen, enterprises, person=True, legal=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprises = {str(e.pk): e for e in enterprises}
        choices = []
        if person:
            choices.append((PERSON, f"本人申请：{citizen.name}（{citizen.masked_id_number}）"))
        if legal:
            choices += [
                (str(e.pk), f"以企业名义申请：{e.name}（{e.masked_credit_code}）")
                for e in enterprises
            ]
        self.fields["apply_as"].choices = choices
        if choices:
            self.fields["apply_as"].initial = choices[0][0]

    def enterprise(self):
        value = self.cleaned_data["apply_as"]
        return None if value == PERSON else self.enterprises[value]


class StartForm(ApplyAsForm):
    """Whom the application for one item is for, as the item's service objects allow."""

    def __init__(self, *args, version, citizen, enterprises, **kwargs):
        person, legal = _serves(version)
        super().__init__(
            *args, citizen=citizen, enterprises=enterprises, person=person, legal=legal, **kwargs
        )
        self.serves_legal = legal  # the page says how one comes to act for an enterprise
        _style(self)


class ApplicationInfoForm(forms.Form):
    """The application's own fields on an online draft, and the optional agent."""

    contact_phone = _contact_phone_field()
    delivery_method = forms.ChoiceField(
        label="结果领取方式",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "该事项不支持所选的结果领取方式。"},
    )
    delivery_address = forms.CharField(label="邮寄地址", max_length=200, required=False)
    note = forms.CharField(
        label="申请说明（选填）",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="需要向窗口说明的情况，如申请事由。",
    )
    has_agent = forms.BooleanField(label="委托代办人办理", required=False)
    agent_name = forms.CharField(label="代办人姓名", max_length=50, required=False)
    agent_id_number = forms.CharField(label="代办人公民身份号码", required=False)
    agent_phone = forms.RegexField(
        label="代办人联系电话",
        regex=PHONE_REGEX,
        required=False,
        error_messages={"invalid": PHONE_ERROR},
    )

    def __init__(self, *args, application, **kwargs):
        version = application.item_version
        agent = agent_of(application) or {}
        initial = {
            "contact_phone": application.contact_phone,
            "delivery_method": application.delivery_method,
            "delivery_address": application.delivery_address,
            "note": (application.form_data or {}).get("note", ""),
            "has_agent": bool(agent),
            "agent_name": agent.get("name", ""),
            # Never echo a full ID number back: blank keeps the one on file.
            "agent_id_number": "",
            "agent_phone": agent.get("phone", ""),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.application = application
        self.agent_on_file = agent
        if agent.get("id_number"):
            self.fields[
                "agent_id_number"
            ].help_text = (
                f"已填写：{mask_identity_number(agent['id_number'])}。不更换代办人请留空。"
            )
        choices = [(DeliveryMethod.WINDOW, DeliveryMethod.WINDOW.label)]
        if version.postal_delivery_supported:
            choices.append((DeliveryMethod.POST, DeliveryMethod.POST.label))
        if version.fully_online:
            choices.append((DeliveryMethod.ELECTRONIC, DeliveryMethod.ELECTRONIC.label))
        self.fields["delivery_method"].choices = choices
        _style(self)

    def clean_agent_id_number(self):
        return normalize_identity_number(self.cleaned_data.get("agent_id_number", ""))

    def clean(self):
        data = super().clean()
        if (
            data.get("delivery_method") == DeliveryMethod.POST
            and not (data.get("delivery_address") or "").strip()
        ):
            self.add_error("delivery_address", "邮寄送达需要填写邮寄地址。")
        if data.get("has_agent"):
            if not (data.get("agent_name") or "").strip():
                self.add_error("agent_name", "请填写代办人姓名。")
            id_number = data.get("agent_id_number") or self.agent_on_file.get("id_number", "")
            data["agent_id_number"] = id_number
            if not id_number:
                self.add_error("agent_id_number", "请填写代办人公民身份号码。")
            else:
                try:
                    validate_resident_id(id_number)
                except forms.ValidationError as error:
                    self.add_error("agent_id_number", error)
                else:
                    if id_number == self.application.applicant.id_number:
                        self.add_error(
                            "agent_id_number", "代办人不能是申请人本人；本人办理时请不要勾选代办。"
                        )
        return data

    def service_kwargs(self) -> dict:
        """Arguments for ``application_update_online``."""
        data = self.cleaned_data
        kwargs = {
            "contact_phone": data["contact_phone"],
            "delivery_method": data["delivery_method"],
            "delivery_address": (data.get("delivery_address") or "").strip()
            if data["delivery_method"] == DeliveryMethod.POST
            else "",
            "note": data.get("note") or "",
        }
        if data.get("has_agent"):
            kwargs["agent"] = {
                "name": data["agent_name"],
                "id_number": data["agent_id_number"],
                "phone": data.get("agent_phone") or "",
            }
        else:
            kwargs["clear_agent"] = True
        return kwargs


def material_field_name(material_id: int) -> str:
    return f"material_{material_id}"


class NotSavedMixin:
    """For an upload form: which good files a refused post dropped."""

    def not_saved(self) -> list[str]:
        """After a refused post (this form or another on the page): the names of the
        files that passed their own check but were not saved with the rest, each also
        marked on its field (``field.not_saved``) so the page asks for it again: a
        browser never keeps a chosen file across a page."""
        names = []
        for name, uploaded in (getattr(self, "cleaned_data", None) or {}).items():
            if uploaded and name in self.fields:
                self.fields[name].not_saved = uploaded.name
                names.append(uploaded.name)
        return names


class MaterialUploadForm(NotSavedMixin, forms.Form):
    """One upload slot per material slot given (all of a draft's, or the ones a
    correction notice names), and the power of attorney when asked for."""

    def __init__(self, *args, slots, power_of_attorney: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = list(slots)
        for slot in self.slots:
            self.fields[material_field_name(slot.material_id)] = UploadField(
                label=slot.material.name
            )
        if power_of_attorney:
            self.fields["power_of_attorney"] = UploadField(label="授权委托书")
        _style(self)

    def material_files(self):
        """[(slot, uploaded file)] for the slots that received a file."""
        return [
            (slot, self.cleaned_data[material_field_name(slot.material_id)])
            for slot in self.slots
            if self.cleaned_data.get(material_field_name(slot.material_id))
        ]

    def bound_slots(self):
        """[(slot, bound field)] for templates."""
        return [(slot, self[material_field_name(slot.material_id)]) for slot in self.slots]


class BundleStartForm(ApplyAsForm):
    """Whom a 一件事 is for (oneself or any enterprise one represents) and the phone."""

    contact_phone = _contact_phone_field()

    def __init__(self, *args, citizen, enterprises, **kwargs):
        super().__init__(*args, citizen=citizen, enterprises=enterprises, **kwargs)
        self.fields["contact_phone"].initial = citizen.phone
        _style(self)


class BundleUploadForm(NotSavedMixin, forms.Form):
    """One upload slot per material of a bundle's merged list."""

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = [g for g in groups if any(not _locked(s) for s in g.slots)]
        for group in self.groups:
            self.fields[material_field_name(group.material.pk)] = UploadField(label=group.name)
        _style(self)

    def files_by_group(self):
        return [
            (group, self.cleaned_data[material_field_name(group.material.pk)])
            for group in self.groups
            if self.cleaned_data.get(material_field_name(group.material.pk))
        ]

    def bound_groups(self):
        return [(group, self[material_field_name(group.material.pk)]) for group in self.groups]


def _locked(slot) -> bool:
    return slot.application.status not in EDITABLE_BY_APPLICANT


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回原因（选填）",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
