"""Serializers of the clerks' API (综窗人员). The detail shows the applicant's full ID
number only while a clerk checks it at their own window, masked elsewhere, as the
workbench does. Choice fields are plain strings checked
here: their names (status, kind) carry other choice sets elsewhere in the schema."""

from django.urls import reverse
from rest_framework import serializers

from accounts.validators import validate_credit_code, validate_resident_id
from catalog.constants import MaterialRequirement
from jinpu_portal.api.fields import (
    CaseLimitsSerializer,
    PromisedLimitSerializer,
    datetime_out,
    optional_text,
    submission_key,
)

from ..constants import CaseStatus, DeliveryMethod, IntakeOutcome, MaterialStatus, RefusalKind
from ..models import Application, SubmittedMaterial
from ..page_hooks import paused_limit_details
from ..workbench_forms import identity_number
from .common import (
    CaseEventSerializer,
    NoticeBaseSerializer,
    WrittenOutMixin,
)

VERDICT_STATUSES = [
    MaterialStatus.RECEIVED,
    MaterialStatus.MISSING,
    MaterialStatus.DEFECTIVE,
    MaterialStatus.TOLERATED,
]


class ClerkVerdictSerializer(serializers.Serializer):
    """The clerk's verdict on one material of the application."""

    material = serializers.IntegerField(label="材料", help_text="材料 ID（catalog ItemMaterial）")
    status = serializers.ChoiceField(
        label="核验结果",
        choices=[(value, MaterialStatus(value).label) for value in VERDICT_STATUSES],
        help_text="received 已收取 / missing 缺少 / defective 有误 / tolerated 容缺后补",
        error_messages={
            "invalid_choice": "核验结果只能是 received、missing、defective 或 tolerated。"
        },
    )
    originals = serializers.IntegerField(label="收取原件份数", min_value=0, max_value=99, default=0)
    copies = serializers.IntegerField(label="收取复印件份数", min_value=0, max_value=99, default=0)
    reason = optional_text("问题说明", max_length=300)
    tolerance_due_date = serializers.DateField(
        label="容缺补交期限", required=False, allow_null=True, default=None
    )
    pledge_signed = serializers.BooleanField(
        label="容缺承诺书", default=False, help_text="申请人已签署容缺承诺书"
    )


def visit_mark() -> serializers.CharField:
    """The optional 本次叫号群众办理 of an outcome (the review page's box, checked by the
    same rule: ``intake.page_hooks.visit_refusal``): the key of the visit it is given
    for, the hall's ticket id."""
    return optional_text(
        "本次叫号群众办理",
        max_length=20,
        help_text="本次叫号群众办理（网上或自助终端提交的申请）：申请人（或其代办人）就是本窗口"
        "正在办理的号时，填该号的 id（GET /api/v1/hall/window/ 的 current.id），本结论记入"
        "该号；不填或为空则不记入。窗口收件在叫号办理期间收取的自动记入，不用填。该号已"
        "结束或已换号时答 400（code 为 visit_gone 或 visit_changed），不作结论。",
        error_messages={
            "invalid": "请填写本窗口正在办理的号的 id（GET /api/v1/hall/window/ 的 current.id）；"
            "不是本次叫号群众办理的，不填。"
        },
    )


class ClerkReceiveSerializer(serializers.Serializer):
    verdicts = ClerkVerdictSerializer(label="材料核验结果", many=True, required=False, default=list)


class ClerkAcceptSerializer(serializers.Serializer):
    verdicts = ClerkVerdictSerializer(label="材料核验结果", many=True, required=False, default=list)
    conclude_immediately = serializers.BooleanField(
        label="当场办结", default=False, help_text="即办件当场办结"
    )
    note = optional_text("受理意见", max_length=1000)
    visit = visit_mark()


class ClerkCorrectionSerializer(serializers.Serializer):
    verdicts = ClerkVerdictSerializer(label="材料核验结果", many=True)
    note = optional_text("补正说明", max_length=1000)
    visit = visit_mark()


class ClerkRefuseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        label="不予受理类型",
        choices=RefusalKind.choices,
        error_messages={"invalid_choice": "请选择不予受理的类型。"},
        help_text="not_required 不需要取得行政许可 / outside_powers 不属于本机关职权范围 /"
        " not_eligible 不符合受理条件 / other 其他",
    )
    reason = serializers.CharField(
        label="不予受理理由",
        max_length=300,
        help_text="不予受理理由",
        error_messages={"blank": "不予受理必须说明理由。", "required": "不予受理必须说明理由。"},
    )
    redirect_to = optional_text(
        "告知申请人向其申请的机关", max_length=200, help_text="告知向何机关申请"
    )
    visit = visit_mark()


class ClerkApplicationCreateSerializer(serializers.Serializer):
    """A counter application (a draft at the clerk's window) for a registered person."""

    item_version = serializers.IntegerField(label="事项版本", help_text="已发布的事项版本 ID")
    applicant_id_number = serializers.CharField(
        label="申请人身份证号码", max_length=40, help_text="申请人（经办人）公民身份号码"
    )
    enterprise_credit_code = optional_text(
        "统一社会信用代码", max_length=40, help_text="企业申请时的统一社会信用代码"
    )
    agent_id_number = optional_text(
        "代办人身份证号码", max_length=40, help_text="代办人公民身份号码"
    )
    green_channel = serializers.BooleanField(label="绿色通道", default=False)
    assisted = serializers.BooleanField(label="帮办", default=False, help_text="帮办")
    contact_phone = optional_text("联系电话", max_length=20)
    delivery_method = serializers.CharField(label="结果送达方式", default=DeliveryMethod.WINDOW)
    delivery_address = optional_text("送达地址", max_length=200)

    def validate_delivery_method(self, value):
        if value not in DeliveryMethod.values:
            raise serializers.ValidationError("结果送达方式只能是 window、post 或 electronic。")
        return value

    # The numbers as the counter form checks them (full-width and spaces normalised,
    # region and check digit), before anyone looks for the person they name.
    def validate_applicant_id_number(self, value):
        return identity_number(value, validate_resident_id)

    def validate_agent_id_number(self, value):
        return identity_number(value, validate_resident_id, optional=True)

    def validate_enterprise_credit_code(self, value):
        return identity_number(value, validate_credit_code, optional=True)


class ClerkCounterIntakeSerializer(ClerkApplicationCreateSerializer):
    """A whole counter intake in one request (``intake.services.counter``): the
    application, the verdicts on what was handed over and the outcome, all or nothing."""

    verdicts = ClerkVerdictSerializer(label="材料核验结果", many=True, required=False, default=list)
    outcome = serializers.ChoiceField(
        label="受理结论",
        choices=IntakeOutcome.choices,
        help_text="accept 受理 / correction 一次性告知补正 / refuse 不予受理",
        error_messages={"invalid_choice": "受理结论只能是 accept、correction 或 refuse。"},
    )
    conclude_immediately = serializers.BooleanField(
        label="当场办结", default=False, help_text="即办件当场办结"
    )
    note = optional_text("受理意见", max_length=1000)
    refusal_kind = optional_text("不予受理类型", max_length=32)
    refusal_reason = optional_text("不予受理理由", max_length=300)
    redirect_to = optional_text("告知申请人向其申请的机关", max_length=200)
    submission = submission_key("办理")


class ClerkMaterialSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="material.name")
    required = serializers.SerializerMethodField()
    tolerance_allowed = serializers.BooleanField(source="material.tolerance_allowed")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = SubmittedMaterial
        fields = [
            "material_id",
            "name",
            "required",
            "tolerance_allowed",
            "status",
            "status_label",
            "originals_received",
            "copies_received",
            "defect_reason",
            "tolerance_due_date",
            "pledge_signed",
            "has_file",
            "original_filename",
        ]

    def get_required(self, slot) -> bool:
        return slot.material.requirement == MaterialRequirement.REQUIRED

    def get_has_file(self, slot) -> bool:
        return bool(slot.file)


class ClerkEventSerializer(CaseEventSerializer):
    """A timeline entry as clerks see it: with who did it, the full message and the
    event's details."""

    actor = serializers.SerializerMethodField(help_text="操作人（工作人员可见）")
    message = serializers.CharField()

    class Meta(CaseEventSerializer.Meta):
        fields = [*CaseEventSerializer.Meta.fields, "actor", "details"]

    def get_actor(self, event) -> str:
        return str(event.actor) if event.actor_id else ""


class ClerkNoticeSerializer(NoticeBaseSerializer):
    def get_download_url(self, notice) -> str:
        return notice_download_url(notice)


def notice_download_url(notice) -> str:
    """Where a clerk downloads a rendered notice ("" while it is being rendered)."""
    if notice.status != "ready":
        return ""
    return reverse("intake:workbench-notice-download", args=[notice.pk])


class ClerkApplicationSerializer(PromisedLimitSerializer, serializers.ModelSerializer):
    """An application as a clerk sees it in a list."""

    load_paused_limits = staticmethod(paused_limit_details)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.CharField()
    item_name = serializers.CharField(source="item_version.name")
    department = serializers.CharField(source="item_version.department.name")
    applicant_name = serializers.CharField()
    window = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "case_number",
            "status",
            "status_label",
            "channel",
            "item_name",
            "department",
            "applicant_name",
            "green_channel",
            "assisted",
            "by_agent",
            "window",
            "received_at",
            "accepted_at",
            "auto_accepted",
            "promised_due_date",
            "paused",
            "promised_paused_days_left",
            "promised_time_left",
        ]

    def get_window(self, application) -> str:
        return str(application.window) if application.window_id else ""


class ClerkPrereviewSerializer(ClerkApplicationSerializer):
    days_waiting = serializers.SerializerMethodField(help_text="已等待的工作日数")
    warning = serializers.SerializerMethodField(
        help_text="已到提醒日（自收到之日起第 INTAKE_PREREVIEW_WARN_DAYS 个工作日起，见设置）"
    )
    limit_on = serializers.SerializerMethodField(help_text="该日结束仍未预审即视为受理")

    class Meta(ClerkApplicationSerializer.Meta):
        fields = [*ClerkApplicationSerializer.Meta.fields, "days_waiting", "warning", "limit_on"]

    def _clock(self, application):
        return self.context["clocks"].get(application.pk)

    def get_days_waiting(self, application) -> int:
        clock = self._clock(application)
        return clock.days_waiting if clock else 0

    def get_warning(self, application) -> bool:
        clock = self._clock(application)
        return bool(clock and clock.warning)

    def get_limit_on(self, application) -> str:
        clock = self._clock(application)
        return clock.limit_on.isoformat() if clock else ""


# Where a clerk checks the ID card against the application (a counter draft, an online
# submission waiting for pre-review), the detail carries the full numbers, as the
# workbench does (README "Who sees full ID numbers").
FULL_ID_STATUSES = (CaseStatus.DRAFT, CaseStatus.SUBMITTED)


class ClerkApplicationDetailSerializer(CaseLimitsSerializer, ClerkApplicationSerializer):
    applicant_id_number = serializers.SerializerMethodField(
        help_text="完整号码仅在本窗口核验证件时（草稿、待预审）提供，其余情况脱敏"
    )
    enterprise_credit_code = serializers.SerializerMethodField(
        help_text="统一社会信用代码：与公民身份号码相同，仅在本窗口核验时完整提供"
    )
    agent_name = serializers.SerializerMethodField()
    item_version = serializers.IntegerField(source="item_version_id")
    materials = ClerkMaterialSerializer(many=True)
    events = ClerkEventSerializer(many=True)
    notices = ClerkNoticeSerializer(many=True)

    class Meta(ClerkApplicationSerializer.Meta):
        fields = [
            *ClerkApplicationSerializer.Meta.fields,
            "item_version",
            "applicant_id_number",
            "enterprise_credit_code",
            "agent_name",
            "statutory_due_date",
            "statutory_paused_days_left",
            "statutory_time_left",
            "outcome_note",
            "materials",
            "events",
            "notices",
        ]

    def shows_full_id(self, application) -> bool:
        return application.status in FULL_ID_STATUSES and application.window_id in (
            None,
            self.context.get("window_id"),
        )

    def get_applicant_id_number(self, application) -> str:
        if self.shows_full_id(application):
            return application.applicant.id_number
        return application.applicant.masked_id_number

    def get_enterprise_credit_code(self, application) -> str:
        """Full where the ID number is (the business licence is checked with the card)."""
        if not application.enterprise_id:
            return ""
        if self.shows_full_id(application):
            return application.enterprise.credit_code
        return application.enterprise.masked_credit_code

    def get_agent_name(self, application) -> str:
        return application.agent.name if application.agent_id else ""


class ClerkOutcomeSerializer(WrittenOutMixin, ClerkApplicationSerializer):
    """An application after an intake action, with its notices."""

    notices = ClerkNoticeSerializer(many=True)

    class Meta(ClerkApplicationSerializer.Meta):
        fields = [*ClerkApplicationSerializer.Meta.fields, "notices"]

    def written_representation(self, application):
        """The declared fields' output, written out (see ``WrittenOutMixin``): the
        answer to every acceptance."""
        return {
            "id": application.pk,
            "case_number": application.case_number,
            "status": application.status,
            "status_label": str(CaseStatus(application.status).label),
            "channel": application.channel,
            "item_name": application.item_version.name,
            "department": application.item_version.department.name,
            "applicant_name": application.applicant_name,
            "green_channel": application.green_channel,
            "assisted": application.assisted,
            "by_agent": application.by_agent,
            "window": self.get_window(application),
            "received_at": datetime_out(application.received_at),
            "accepted_at": datetime_out(application.accepted_at),
            "auto_accepted": application.auto_accepted,
            "promised_due_date": self.get_promised_due_date(application),
            "paused": self.get_paused(application),
            "promised_paused_days_left": self.get_promised_paused_days_left(application),
            "promised_time_left": self.get_promised_time_left(application),
            "notices": [
                {
                    "id": notice.pk,
                    "kind": notice.kind,
                    "kind_label": notice.title,
                    "number": notice.number,
                    "issued_at": datetime_out(notice.issued_at),
                    "status": notice.status,
                    "sha256": notice.sha256,
                    "verification_code": notice.verification_code,
                    "download_url": notice_download_url(notice),
                }
                for notice in application.notices.all()
            ],
        }
