"""Serializers of the applicant's API. Output never carries a staff member's name or
username (events name the actor by role) nor an unmasked ID number."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.validators import mask_phone
from catalog.constants import MaterialRequirement
from jinpu_portal.api.fields import PromisedLimitSerializer, datetime_out, submission_key

from ..citizen_forms import PHONE_ERROR, PHONE_REGEX
from ..constants import (
    CaseAction,
    CaseStatus,
    Channel,
    DeliveryMethod,
    MaterialStatus,
    NoticeStatus,
)
from ..models import Application, CorrectionItem, CorrectionNotice
from ..page_hooks import paused_limit_details
from ..services.online import NOTE_MAX_LENGTH, agent_public, submission_missing
from ..states import can
from .common import (
    CaseEventSerializer,
    NoticeBaseSerializer,
    WrittenOutMixin,
)


class AgentSerializer(serializers.Serializer):
    """代办人. On output the ID number is masked."""

    name = serializers.CharField(label="代办人姓名", max_length=50)
    # Room for a number typed with spaces; the service normalises it before checking.
    id_number = serializers.CharField(
        label="代办人身份证号码", max_length=40, help_text="公民身份号码（输出时脱敏）"
    )
    phone = serializers.RegexField(
        PHONE_REGEX,
        label="代办人手机号码",
        required=False,
        allow_blank=True,
        error_messages={"invalid": PHONE_ERROR},
    )


class PowerOfAttorneySerializer(serializers.Serializer):
    original_filename = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.CharField()


class AgentOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="脱敏：前 6 位和后 4 位")
    phone = serializers.CharField(help_text="申请详情中仅申请人本人可见完整号码，其他人脱敏")
    power_of_attorney = PowerOfAttorneySerializer(allow_null=True)


class MaterialSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    material_id = serializers.IntegerField()
    name = serializers.CharField(source="material.name")
    required = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    defect_reason = serializers.CharField()
    original_filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField(allow_null=True)

    def get_required(self, slot) -> bool:
        return slot.material.requirement == MaterialRequirement.REQUIRED


class NoticeSerializer(NoticeBaseSerializer):
    status_label = serializers.CharField(source="get_status_display")
    download_url = serializers.SerializerMethodField(help_text="生成完毕后可下载（网页登录）")

    class Meta(NoticeBaseSerializer.Meta):
        fields = [*NoticeBaseSerializer.Meta.fields, "status_label"]

    def get_download_url(self, notice) -> str | None:
        if notice.status != NoticeStatus.READY or not notice.file:
            return None
        return reverse("intake:my_notice_file", args=[notice.application_id, notice.pk])


class CorrectionItemSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text="missing 缺少 / defective 有误 / received 已收取 ...")
    name = serializers.CharField(source="material.name")
    status_label = serializers.CharField(source="get_status_display")
    needs_correction = serializers.BooleanField()

    class Meta:
        model = CorrectionItem
        fields = ["material_id", "name", "status", "status_label", "reason", "needs_correction"]


class CorrectionNoticeSerializer(serializers.ModelSerializer):
    items = CorrectionItemSerializer(many=True)

    class Meta:
        model = CorrectionNotice
        fields = ["id", "issued_at", "note", "resolved_at", "items"]


class ApplicationListSerializer(PromisedLimitSerializer, serializers.ModelSerializer):
    load_paused_limits = staticmethod(paused_limit_details)
    status = serializers.CharField(help_text="申请（办件）状态，见 status_label")
    status_label = serializers.CharField(source="get_status_display")
    channel_label = serializers.CharField(source="get_channel_display")
    item_code = serializers.CharField(source="item_version.item.code")
    item_name = serializers.CharField(source="item_version.name")
    item_version = serializers.IntegerField(source="item_version.number")
    applicant_name = serializers.CharField()
    reference = serializers.CharField()

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "case_number",
            "status",
            "status_label",
            "item_code",
            "item_name",
            "item_version",
            "channel",
            "channel_label",
            "applicant_kind",
            "applicant_name",
            "enterprise_id",
            "bundle_application_id",
            "created_at",
            "submitted_at",
            "accepted_at",
            "promised_due_date",
            "paused",
            "promised_paused_days_left",
            "promised_time_left",
        ]


class ApplicationStateSerializer(WrittenOutMixin, ApplicationListSerializer):
    """An application with its materials, without its timeline: what a change answers."""

    note = serializers.SerializerMethodField()
    agent = serializers.SerializerMethodField()
    materials = MaterialSlotSerializer(many=True)
    missing_uploads = serializers.SerializerMethodField(help_text="提交前仍需上传的材料")
    can_withdraw = serializers.SerializerMethodField()

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "contact_phone",
            "delivery_method",
            "delivery_address",
            "note",
            "agent",
            "outcome_note",
            "materials",
            "missing_uploads",
            "can_withdraw",
        ]

    def get_note(self, application) -> str:
        return (application.form_data or {}).get("note", "")

    @extend_schema_field(AgentOutSerializer(allow_null=True))
    def get_agent(self, application):
        return agent_public(application)

    def get_missing_uploads(self, application) -> list[str]:
        if application.status != CaseStatus.DRAFT:
            return []
        return submission_missing(application)

    def get_can_withdraw(self, application) -> bool:
        return can(application, CaseAction.WITHDRAW)

    def written_representation(self, application):
        """The declared fields' output, written out (see ``WrittenOutMixin``): the
        answer to every change of the online intake path."""
        version = application.item_version
        return {
            "id": application.pk,
            "reference": application.reference,
            "case_number": application.case_number,
            "status": application.status,
            "status_label": str(CaseStatus(application.status).label),
            "item_code": version.item.code,
            "item_name": version.name,
            "item_version": version.number,
            "channel": application.channel,
            "channel_label": str(Channel(application.channel).label),
            "applicant_kind": application.applicant_kind,
            "applicant_name": application.applicant_name,
            "enterprise_id": application.enterprise_id,
            "bundle_application_id": application.bundle_application_id,
            "created_at": datetime_out(application.created_at),
            "submitted_at": datetime_out(application.submitted_at),
            "accepted_at": datetime_out(application.accepted_at),
            "promised_due_date": self.get_promised_due_date(application),
            "paused": self.get_paused(application),
            "promised_paused_days_left": self.get_promised_paused_days_left(application),
            "promised_time_left": self.get_promised_time_left(application),
            "contact_phone": application.contact_phone,
            "delivery_method": application.delivery_method,
            "delivery_address": application.delivery_address,
            "note": self.get_note(application),
            "agent": self.get_agent(application),
            "outcome_note": application.outcome_note,
            "materials": [_slot(slot) for slot in application.materials.all()],
            "missing_uploads": self.get_missing_uploads(application),
            "can_withdraw": self.get_can_withdraw(application),
        }


def _slot(slot) -> dict:
    """``MaterialSlotSerializer``'s output, written out (see ``WrittenOutMixin``)."""
    return {
        "id": slot.pk,
        "material_id": slot.material_id,
        "name": slot.material.name,
        "required": slot.material.requirement == MaterialRequirement.REQUIRED,
        "status": slot.status,
        "status_label": str(MaterialStatus(slot.status).label),
        "defect_reason": slot.defect_reason,
        "original_filename": slot.original_filename,
        "content_type": slot.content_type,
        "size": slot.size,
        "uploaded_at": datetime_out(slot.uploaded_at),
    }


class ApplicationDetailSerializer(ApplicationStateSerializer):
    """The application with its timeline (events), notices and correction notices.
    The telephones (contact_phone, the agent's) are in full for the applicant only, who
    edits them; for anyone else who may read the case (another representative of the
    enterprise, a clerk, a supervisor) they are masked. The view passes the reader as
    ``context["viewer"]``."""

    events = CaseEventSerializer(many=True)
    notices = NoticeSerializer(many=True)
    correction_notices = CorrectionNoticeSerializer(many=True)

    class Meta(ApplicationStateSerializer.Meta):
        fields = [
            *ApplicationStateSerializer.Meta.fields,
            "events",
            "notices",
            "correction_notices",
        ]

    def to_representation(self, application):
        data = self.declared_representation(application)
        viewer = self.context.get("viewer")
        if viewer is None or application.applicant.user_id != viewer.pk:
            data["contact_phone"] = mask_phone(data["contact_phone"])
            if data["agent"]:
                data["agent"]["phone"] = mask_phone(data["agent"]["phone"])
        return data


class ApplicationWriteSerializer(serializers.Serializer):
    """Fields the applicant may set on an online draft."""

    contact_phone = serializers.RegexField(
        PHONE_REGEX, label="联系电话", required=False, error_messages={"invalid": PHONE_ERROR}
    )
    delivery_method = serializers.ChoiceField(
        label="结果送达方式",
        choices=DeliveryMethod.choices,
        required=False,
        error_messages={"invalid_choice": "结果领取方式无效。"},
    )
    delivery_address = serializers.CharField(
        label="送达地址", max_length=200, required=False, allow_blank=True
    )
    note = serializers.CharField(
        label="申请说明", max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True
    )
    agent = AgentSerializer(
        label="代办人",
        required=False,
        allow_null=True,
        help_text="代办人；null 表示取消代办（同时删除授权委托书）",
    )


class ApplicationCreateSerializer(ApplicationWriteSerializer):
    item_code = serializers.CharField(label="事项编码", max_length=64, help_text="事项实施编码")
    enterprise_id = serializers.IntegerField(
        label="申请企业",
        required=False,
        allow_null=True,
        help_text="以企业名义申请时，您代表的企业",
    )
    submission = submission_key("创建草稿")


class MaterialUploadSerializer(serializers.Serializer):
    material_id = serializers.IntegerField(
        label="申请材料", help_text="材料（事项版本的申请材料）ID"
    )
    file = serializers.FileField(label="材料文件", help_text="PDF、JPEG 或 PNG")


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label="文件", help_text="PDF、JPEG 或 PNG")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        label="撤回原因", max_length=200, required=False, allow_blank=True
    )
