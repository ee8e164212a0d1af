"""Serializers of the approvals API: tasks, clocks with their pauses and time left,
extensions, escalations and the errors."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import DepartmentRefSerializer, UserRefSerializer
from intake.page_hooks import paused_limit_details
from jinpu_portal.api.fields import (
    PAUSED_EXAMPLE,
    CaseLimitsSerializer,
    PausedClockSerializer,
    optional_text,
    paused_time_left,
)

from ..constants import OPINION_HELP, SPECIAL_PROCEDURE_KINDS, Decision, PauseKind
from ..models import Clock, ClockPause, Escalation, Extension, Task
from ..selectors import time_left, tolerated_owed
from ..services.tasks import (
    EXTENSION_NOTE_MAX_LENGTH,
    LEGAL_BASIS_MAX_LENGTH,
    RECEIVE_NOTE_MAX_LENGTH,
    SUPPLEMENT_NOTE_MAX_LENGTH,
    TAKEOVER_REASON_MAX_LENGTH,
)


class TimeLeftSerializer(serializers.Serializer):
    light = serializers.IntegerField(help_text="亮灯：0 绿灯，1 黄灯，2 红灯")
    light_label = serializers.CharField()
    days = serializers.IntegerField(
        allow_null=True, help_text="剩余工作日（负数为超期），暂停或已停止时为空"
    )
    paused = serializers.BooleanField()
    stopped = serializers.BooleanField()
    label = serializers.CharField(
        help_text=f"如“剩 2 个工作日”“超期 1 个工作日”；暂停计时期间如“{PAUSED_EXAMPLE}”"
        "（同任务页面）"
    )


class ClockPauseSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="暂停类型：supplement 补正，hearing 听证等")
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = ClockPause
        fields = [
            "kind",
            "kind_label",
            "reason",
            "started_on",
            "ended_on",
            "expected_days",
            "result",
        ]


class ClockSerializer(PausedClockSerializer, serializers.ModelSerializer):
    kind = serializers.CharField(help_text="promised 承诺时限，statutory 法定时限，step 环节时限")
    light = serializers.IntegerField(help_text="巡检记录的亮灯：0 绿灯，1 黄灯，2 红灯")
    kind_label = serializers.CharField(source="get_kind_display")
    department = DepartmentRefSerializer()
    task = serializers.SerializerMethodField()
    time_left = serializers.SerializerMethodField()
    pauses = ClockPauseSerializer(many=True)

    class Meta:
        model = Clock
        fields = [
            "id",
            "kind",
            "kind_label",
            "department",
            "task",
            "started_on",
            "budget_days",
            "extension_days",
            "paused_days",
            "paused_since",
            "due_date",
            "paused",
            "paused_days_left",
            "yellow_from",
            "is_open",
            "stopped_on",
            "light",
            "time_left",
            "pauses",
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def get_task(self, clock) -> int | None:
        task = getattr(clock, "task", None)
        return task.pk if task else None

    @extend_schema_field(TimeLeftSerializer)
    def get_time_left(self, clock) -> dict:
        return _time_left(clock)


def _time_left(clock) -> dict | None:
    left = time_left(clock)
    if left is None:
        return None
    return {
        "light": left.light,
        "light_label": left.light_label,
        "days": left.days,
        "paused": left.paused,
        "stopped": left.stopped,
        "label": paused_time_left(clock.paused_left) if clock.paused_left else left.label,
    }


class TaskListSerializer(PausedClockSerializer, serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id")
    case_number = serializers.CharField(source="application.case_number")
    item_name = serializers.CharField(source="application.item_version.name")
    item_code = serializers.CharField(source="application.item_version.item.code")
    applicant_name = serializers.CharField(source="application.applicant_name")
    department = DepartmentRefSerializer()
    assignee = UserRefSerializer(allow_null=True)
    status = serializers.CharField(
        help_text="open 待办，claimed 办理中，completed 已办结，cancelled 已取消"
    )
    status_label = serializers.CharField(source="get_status_display")
    decision = serializers.CharField(help_text="approve 同意，deny 不予许可；未办结时为空")
    time_left = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        source="lock_version", help_text="办理时回传，用于并发冲突检测"
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "application",
            "case_number",
            "item_name",
            "item_code",
            "applicant_name",
            "stage",
            "name",
            "department",
            "status",
            "status_label",
            "assignee",
            "claimed_at",
            "completed_at",
            "decision",
            "due_date",
            "paused",
            "paused_days_left",
            "time_left",
            "version",
        ]

    def clock_of(self, task):
        return task.clock

    @extend_schema_field(TimeLeftSerializer)
    def get_time_left(self, task) -> dict:
        return _time_left(task.clock)


class ToleratedMaterialSerializer(serializers.Serializer):
    """A 容缺 material the case still owes (the case cannot conclude until it is received)."""

    id = serializers.IntegerField(help_text="申请材料 id（登记补交时使用）")
    name = serializers.CharField()
    due_date = serializers.DateField(help_text="补交期限")
    light = serializers.IntegerField(help_text="0 绿灯，1 黄灯（临近期限），2 红灯（已逾期）")
    label = serializers.CharField(help_text="如“剩 2 个工作日”“超期 1 个工作日”")


class ToleratedReceivedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField(help_text="received 已收取")


class TaskDetailSerializer(TaskListSerializer, CaseLimitsSerializer):
    """A task with its case: the case's promised and statutory limits answer as intake's
    APIs do (null while paused, with the working days left); ``paused`` is the task's
    clock's."""

    load_paused_limits = staticmethod(paused_limit_details)
    opinion = serializers.CharField()
    case_status = serializers.CharField(source="application.status")
    case_status_label = serializers.CharField(source="application.get_status_display")
    tolerated_missing = serializers.SerializerMethodField()

    class Meta(TaskListSerializer.Meta):
        fields = [
            *TaskListSerializer.Meta.fields,
            "opinion",
            "case_status",
            "case_status_label",
            "promised_due_date",
            "promised_paused_days_left",
            "promised_time_left",
            "statutory_due_date",
            "statutory_paused_days_left",
            "statutory_time_left",
            "tolerated_missing",
        ]

    def case_of(self, task):
        return task.application

    @extend_schema_field(ToleratedMaterialSerializer(many=True))
    def get_tolerated_missing(self, task) -> list[dict]:
        return [
            {
                "id": slot.pk,
                "name": slot.material.name,
                "due_date": slot.tolerance_due_date,
                "light": left.light,
                "label": left.label,
            }
            for slot, left in tolerated_owed(task.application)
        ]


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        label="版本号",
        required=False,
        allow_null=True,
        help_text="任务的 version（列表或详情中取得）；任务已被他人更新时返回 409",
    )


class ReassignSerializer(VersionSerializer):
    assignee = serializers.IntegerField(
        label="改派对象", help_text="改派给的用户 id（须可以该部门名义审批）"
    )


class TakeOverSerializer(VersionSerializer):
    reason = serializers.CharField(
        label="接办理由",
        max_length=TAKEOVER_REASON_MAX_LENGTH,
        allow_blank=True,
        help_text="必填，如“原认领人休假”；记入办理过程（仅工作人员可见）并告知原认领人",
    )


class DecideSerializer(VersionSerializer):
    decision = serializers.ChoiceField(
        label="办理意见", choices=Decision.choices, help_text="approve 同意，deny 不予许可"
    )
    opinion = optional_text(
        "审查意见", max_length=2000, help_text=f"同意时的审查意见，{OPINION_HELP}"
    )
    reason = optional_text("不予许可理由", max_length=280, help_text="不予许可的理由（必填）")
    legal_basis = optional_text("法律依据", max_length=LEGAL_BASIS_MAX_LENGTH)


class SupplementSerializer(VersionSerializer):
    items = serializers.ListField(
        label="补正要求",
        child=serializers.CharField(allow_blank=True, max_length=200),
        help_text="需补正的材料或内容，逐项列明",
    )
    note = optional_text("补正说明", max_length=SUPPLEMENT_NOTE_MAX_LENGTH)


class SpecialStartSerializer(VersionSerializer):
    procedure_kind = serializers.ChoiceField(
        label="特别程序",
        choices=[(k.value, k.label) for k in PauseKind if k in SPECIAL_PROCEDURE_KINDS],
    )
    reason = serializers.CharField(label="原因或依据", max_length=300, allow_blank=True)
    expected_days = serializers.IntegerField(label="预计所需工作日")


class SpecialEndSerializer(VersionSerializer):
    result = serializers.CharField(label="特别程序结果", max_length=300, allow_blank=True)


class ExtensionRequestSerializer(VersionSerializer):
    days = serializers.IntegerField(
        label="延长工作日", help_text="法定上限 10 个工作日，联办 15 个，含已批准的"
    )
    reason = serializers.CharField(label="延期理由", max_length=300, allow_blank=True)


class ExtensionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text="requested 待批准，approved 已批准，rejected 未批准")
    case_number = serializers.CharField(source="application.case_number")
    status_label = serializers.CharField(source="get_status_display")
    requested_by = UserRefSerializer()
    decided_by = UserRefSerializer(allow_null=True)
    department = serializers.CharField(
        source="department.name",
        help_text="作出决定的行政机关，由其负责人批准（联办事项由区政府负责人批准）",
    )
    authority = serializers.CharField(
        help_text="批准人身份：department_head 本行政机关负责人，"
        "government_head 本级人民政府负责人（联办，行政许可法第四十二条）"
    )
    authority_label = serializers.CharField(source="get_authority_display")

    class Meta:
        model = Extension
        fields = [
            "id",
            "application",
            "case_number",
            "department",
            "authority",
            "authority_label",
            "days",
            "reason",
            "status",
            "status_label",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class ExtensionDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField(label="是否批准")
    note = optional_text("批准意见", max_length=EXTENSION_NOTE_MAX_LENGTH, help_text="不批准时必填")


class SupplementReceiveSerializer(serializers.Serializer):
    note = optional_text("收件说明", max_length=RECEIVE_NOTE_MAX_LENGTH)


class NoticeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.CharField()
    verification_code = serializers.CharField()


class TaskActionResultSerializer(serializers.Serializer):
    task = TaskDetailSerializer()
    notice = NoticeRefSerializer(allow_null=True, help_text="本次出具的文书（如有）")


class CaseClocksSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    case_number = serializers.CharField()
    status = serializers.CharField()
    promised_due_date = serializers.DateField(allow_null=True)
    statutory_due_date = serializers.DateField(allow_null=True)
    clocks = ClockSerializer(many=True)


class EscalationSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="application.case_number", allow_null=True)
    department = DepartmentRefSerializer()
    responsible_department = DepartmentRefSerializer(allow_null=True)
    warning_type = serializers.IntegerField(help_text="预警类型：1 黄灯，2 红灯")
    warning_type_label = serializers.CharField(source="get_warning_type_display")
    status = serializers.CharField(help_text="open 督办中，resolved 已办结")
    status_label = serializers.CharField(source="get_status_display")
    clock_kind = serializers.CharField(source="clock.kind")

    class Meta:
        model = Escalation
        fields = [
            "id",
            "application",
            "case_number",
            "clock",
            "clock_kind",
            "department",
            "responsible_department",
            "rule",
            "warning_type",
            "warning_type_label",
            "content",
            "issued_at",
            "status",
            "status_label",
            "result",
            "resolved_at",
        ]


class TerminateSerializer(VersionSerializer):
    reason = serializers.CharField(
        label="终止理由", max_length=300, help_text="终止理由（将告知申请人）"
    )
