"""Serializers of the rectification orders' API: the order with its rater (staff in
scope only), clock, return visits, appeal and record; the actions' bodies."""

from rest_framework import serializers

from accounts.api.serializers import DepartmentRefSerializer
from approvals.selectors import time_left
from jinpu_portal.api.fields import (
    PAUSED_EXAMPLE,
    paused_days_left_field,
    paused_due_date_field,
    paused_field,
    paused_limit_out,
    paused_time_left,
)

from ..constants import AppealKind, Finding, VisitLevel
from ..models import Appeal, OrderEvent, RectificationOrder, ReturnVisit
from ..order_selectors import rater_of


class OrderClockSerializer(serializers.Serializer):
    """The order's clock. While it is paused its due date moves by the working days the
    pause lasts, so it is not known: ``due_date`` is null and ``paused_days_left`` says
    what the order's page says (剩余 N 个工作日，恢复后顺延)."""

    id = serializers.IntegerField()
    started_on = serializers.DateField()
    budget_days = serializers.IntegerField(help_text="时限（工作日）")
    due_date = paused_due_date_field()
    is_open = serializers.BooleanField(help_text="是否计时中")
    paused = paused_field()
    paused_days_left = paused_days_left_field()
    light = serializers.IntegerField(help_text="亮灯：0 绿灯，1 黄灯，2 红灯（按当日计算）")
    time_left = serializers.CharField(
        help_text="如“剩 2 个工作日”“超期 1 个工作日”“已办结”；暂停计时期间如"
        f"“{PAUSED_EXAMPLE}”（同整改单页面）"
    )

    def to_representation(self, clock):
        left = time_left(clock)
        limit = paused_limit_out(clock.due_date, clock.paused_days_left)
        return {
            "id": clock.pk,
            "started_on": clock.started_on.isoformat(),
            "budget_days": clock.budget_days,
            "due_date": limit["due_date"],
            "is_open": clock.is_open,
            "paused": limit["paused"],
            "paused_days_left": limit["paused_days_left"],
            "light": int(left.light),
            "time_left": paused_time_left(clock.paused_left) if limit["paused"] else left.label,
        }


class RaterSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="评价人（群众）姓名")
    phone = serializers.CharField(help_text="回访电话")
    has_account = serializers.BooleanField(help_text="有平台账号（可网上评价整改结果）")


class OrderSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="application.case_number", allow_null=True)
    item_name = serializers.CharField(source="application.item_version.name")
    stage = serializers.CharField(help_text="intake 受理服务，conclusion 办结服务")
    stage_label = serializers.CharField(source="get_stage_display")
    status = serializers.CharField(
        help_text="callback 待回访核实，rectifying 整改中，visit 待回访评价，ruling 待督查裁定，"
        "closed 已办结"
    )
    status_label = serializers.CharField(source="get_status_display")
    outcome_label = serializers.CharField(source="get_outcome_display")
    owner = serializers.CharField(source="owner_name", help_text="整改单位：大厅或部门")
    department = DepartmentRefSerializer()
    hall = serializers.CharField(source="hall.name", allow_null=True, default=None)
    level = serializers.IntegerField(
        source="rating.level", help_text="差评等级：4 不满意，5 非常不满意"
    )
    level_label = serializers.CharField(source="rating.get_level_display")
    reasons = serializers.ListField(source="rating.reasons", child=serializers.CharField())
    text = serializers.CharField(source="rating.text")
    rated_at = serializers.DateTimeField(source="rating.rated_at")
    excluded = serializers.BooleanField(source="rating.excluded", help_text="申诉成立，不计入统计")
    rater = serializers.SerializerMethodField()
    clock = serializers.SerializerMethodField()

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "application",
            "case_number",
            "item_name",
            "stage",
            "stage_label",
            "status",
            "status_label",
            "outcome",
            "outcome_label",
            "owner",
            "department",
            "hall",
            "level",
            "level_label",
            "reasons",
            "text",
            "rated_at",
            "excluded",
            "rater",
            "clock",
            "reopened",
            "finding",
            "callback_note",
            "called_back_at",
            "reply",
            "replied_at",
            "ruling",
            "created_at",
            "closed_at",
        ]

    def get_rater(self, order) -> RaterSerializer:
        return RaterSerializer(rater_of(order)).data

    def get_clock(self, order) -> OrderClockSerializer(allow_null=True):
        return OrderClockSerializer(order.clock).data if order.clock_id else None


class ReturnVisitSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display")
    channel_label = serializers.CharField(source="get_channel_display")

    class Meta:
        model = ReturnVisit
        fields = ["round", "level", "level_label", "channel", "channel_label", "note", "at"]


class AppealSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = [
            "id",
            "order",
            "kind",
            "kind_label",
            "reason",
            "evidence_name",
            "evidence_url",
            "status",
            "status_label",
            "decision_reason",
            "created_at",
            "decided_at",
        ]

    def get_evidence_url(self, appeal) -> str:
        from django.urls import reverse

        return reverse("feedback:appeal_evidence", args=[appeal.pk])


class OrderEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField()

    class Meta:
        model = OrderEvent
        fields = ["at", "action", "label", "from_status", "to_status", "actor_role", "message"]


class OrderDetailSerializer(OrderSerializer):
    visits = ReturnVisitSerializer(many=True)
    appeal = serializers.SerializerMethodField()
    events = OrderEventSerializer(many=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "visits", "appeal", "events"]

    def get_appeal(self, order) -> AppealSerializer(allow_null=True):
        appeal = Appeal.objects.filter(order=order).first()
        return AppealSerializer(appeal).data if appeal else None


# --- the actions' bodies -----------------------------------------------------------------


class CallBackSerializer(serializers.Serializer):
    finding = serializers.ChoiceField(label="核实结论", choices=Finding.choices)
    note = serializers.CharField(label="回访核实情况", max_length=500)


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(label="整改情况和答复", max_length=500)


class VisitSerializer(serializers.Serializer):
    level = serializers.ChoiceField(label="对整改结果的评价", choices=VisitLevel.choices)
    note = serializers.CharField(label="回访记录", max_length=500, required=False, allow_blank=True)


class AppealFileSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(label="申诉类型", choices=AppealKind.choices)
    reason = serializers.CharField(label="申诉理由", max_length=500)
    evidence = serializers.FileField(label="证明材料")


class RuleSerializer(serializers.Serializer):
    text = serializers.CharField(label="裁定意见", max_length=500)


class AppealDecideSerializer(serializers.Serializer):
    accept = serializers.BooleanField(label="申诉成立")
    reason = serializers.CharField(label="复核意见", max_length=500)
