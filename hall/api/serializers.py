"""Serializers of the hall's API. The public ones (a ticket by its follow token, the
hall's display) carry no ID number and no staff name; the clerks' carry the masked ID
number only."""

from rest_framework import serializers

from jinpu_portal.api.fields import optional_text, submission_key

from ..constants import AppointmentStatus, Lane, PriorityGroup, TicketStatus, WindowState
from ..services.tickets import follow_path


class IssueSerializer(serializers.Serializer):
    category = serializers.IntegerField(label="业务类别", min_value=1, help_text="业务类别 id")
    hall = serializers.IntegerField(
        label="大厅", min_value=1, required=False, help_text="取号机所在大厅 id（可选，用于核对）"
    )
    id_number = optional_text("公民身份号码", max_length=30)
    mobile = optional_text("手机号码", max_length=20)
    priority = serializers.ChoiceField(
        label="绿色通道",
        choices=PriorityGroup.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="申请绿色通道（须由工作人员核验后确认）",
    )
    submission = submission_key("取号", named="号码")


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(label="预约码", max_length=20)
    hall = serializers.IntegerField(label="大厅", min_value=1, required=False)
    submission = submission_key("签到取号", named="号码")


class PublicTicketSerializer(serializers.Serializer):
    """A ticket as its holder sees it (the QR code's page)."""

    label = serializers.CharField(help_text="号码，如 A012")
    token = serializers.CharField(help_text="查询令牌（扫码查看排队进度）")
    follow_url = serializers.SerializerMethodField(help_text="查看排队进度的页面")
    hall = serializers.CharField(source="hall.name")
    category = serializers.CharField(source="category.name")
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    lane = serializers.ChoiceField(choices=Lane.choices)
    window_number = serializers.IntegerField(source="window.number", allow_null=True, default=None)
    called_at = serializers.DateTimeField(allow_null=True)
    issued_at = serializers.DateTimeField(source="created_at")
    ahead = serializers.IntegerField(allow_null=True, help_text="前面等候人数（等候中时）")
    expected_minutes = serializers.IntegerField(
        allow_null=True, help_text="预计等候分钟数（暂无开放窗口时为空）"
    )

    def get_follow_url(self, obj) -> str:
        return follow_path(obj.token)


class TicketSerializer(serializers.Serializer):
    """A ticket as the clerks see it."""

    id = serializers.IntegerField()
    label = serializers.CharField()
    day = serializers.DateField()
    category = serializers.IntegerField(source="category_id")
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    lane = serializers.ChoiceField(choices=Lane.choices)
    priority = serializers.CharField(help_text="绿色通道类别（申请或已确认）")
    priority_confirmed = serializers.BooleanField()
    appointment = serializers.IntegerField(source="appointment_id", allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    queued_at = serializers.DateTimeField()
    id_number = serializers.CharField(source="masked_id_number", help_text="公民身份号码（脱敏）")
    has_mobile = serializers.SerializerMethodField()
    window = serializers.IntegerField(source="window_id", allow_null=True)
    target_window = serializers.IntegerField(source="target_window_id", allow_null=True)
    call_count = serializers.IntegerField()
    called_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    requeued = serializers.BooleanField()
    application = serializers.IntegerField(source="application_id", allow_null=True)

    def get_has_mobile(self, obj) -> bool:
        return bool(obj.mobile)


class StartedSerializer(serializers.Serializer):
    ticket = TicketSerializer()
    intake_url = serializers.CharField(help_text="综窗办受理页面（已按身份证号查找申请人）")


class PrioritySerializer(serializers.Serializer):
    group = serializers.ChoiceField(label="绿色通道类别", choices=PriorityGroup.choices)


class TransferSerializer(serializers.Serializer):
    to_window = serializers.IntegerField(label="转至窗口", min_value=1, required=False)
    to_category = serializers.IntegerField(label="转至业务类别", min_value=1, required=False)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(label="原因", max_length=200, required=False, allow_blank=True)


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    letter = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    appointment_limit = serializers.IntegerField()


class WindowStateSerializer(serializers.Serializer):
    window = serializers.IntegerField(source="seat.window_id")
    hall = serializers.IntegerField(source="seat.hall_id")
    number = serializers.IntegerField(source="seat.window.number")
    state = serializers.ChoiceField(source="seat.state", choices=WindowState.choices)
    state_label = serializers.CharField(source="seat.get_state_display")
    categories = CategorySerializer(many=True)
    current = TicketSerializer(allow_null=True)
    queue = TicketSerializer(many=True, help_text="本窗口可叫的等候号，按叫号顺序（前 20 个）")
    waiting = serializers.IntegerField(help_text="本窗口可叫的等候人数")


class WindowActSerializer(serializers.Serializer):
    state = serializers.ChoiceField(label="窗口状态", choices=WindowState.choices)


class CallSerializer(serializers.Serializer):
    label = serializers.CharField()
    window_number = serializers.IntegerField()
    called_at = serializers.DateTimeField()
    call_count = serializers.IntegerField()


class WaitingSerializer(serializers.Serializer):
    letter = serializers.CharField()
    name = serializers.CharField()
    waiting = serializers.IntegerField()


class DisplaySerializer(serializers.Serializer):
    marker = serializers.IntegerField(help_text="变更标记：不变则大厅状态未变")
    calls = CallSerializer(many=True, help_text="最近叫号，最新在前")
    categories = WaitingSerializer(many=True)


class SlotSerializer(serializers.Serializer):
    start = serializers.TimeField(format="%H:%M")
    limit = serializers.IntegerField()
    booked = serializers.IntegerField()
    free = serializers.IntegerField()
    past = serializers.BooleanField()


class BookSerializer(serializers.Serializer):
    category = serializers.IntegerField(label="业务类别", min_value=1)
    day = serializers.DateField(label="预约日期")
    slot = serializers.TimeField(label="预约时段", help_text="半小时时段的开始，如 09:00")
    mobile = optional_text("手机号码", max_length=20)


class AppointmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="预约码：到大厅自助取号机签到")
    hall = serializers.CharField(source="hall.name")
    category = serializers.CharField(source="category.name")
    day = serializers.DateField()
    slot = serializers.TimeField(format="%H:%M")
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    name = serializers.CharField()
    id_number = serializers.CharField(source="masked_id_number")


class HallFiguresRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    issued = serializers.IntegerField(help_text="取号数")
    waiting = serializers.IntegerField(help_text="当前等候")
    served = serializers.IntegerField(help_text="已办结")
    no_show = serializers.IntegerField(help_text="过号")
    expired = serializers.IntegerField(help_text="已失效（日终清号时当天未办理的号）")
    average_wait_minutes = serializers.FloatField(allow_null=True, help_text="平均等候（分钟）")
    average_service_minutes = serializers.FloatField(allow_null=True, help_text="平均办理（分钟）")
    long_waits = serializers.IntegerField(help_text="等候超过 30 分钟")


class HallFiguresSerializer(serializers.Serializer):
    day = serializers.DateField()
    hall = HallFiguresRowSerializer()
    categories = HallFiguresRowSerializer(many=True)
    windows = HallFiguresRowSerializer(many=True)
    linked_only = serializers.BooleanField(
        help_text="只统计已关联到本人督查部门办件的排队号（按部门督查的督查人员）"
    )
