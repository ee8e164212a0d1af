"""The staff side of the 好差评 API: figures, the ratings in scope, the export.

- ``GET /api/v1/feedback/figures/``: the figures (feedback.figures) of a period, per
  grouping; supervisors see the district (or the departments they watch) whatever other
  role they hold, as on the supervision pages; approvers their departments, clerks
  their hall.
- ``GET /api/v1/feedback/ratings/``: the ratings in the same scope, newest first; the
  rater's identity only to supervisors and to the unit owning a 差评's order.
- ``GET /api/v1/feedback/ratings/export.csv`` and ``export.json``: supervisors only,
  the ratings of a period in the fields of the provincial 好差评 interface with each
  rating's push status (feedback.export), streamed.

Permission, per view: ``IsFeedbackStaff`` (supervisor, approver or clerk), the export
``MayExportRatings``; each with the scope of ``feedback.selectors.staff_scope_for`` (a
supervisor's own: ``supervisor_scope``, the departments they watch, as the supervision
pages count).
"""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import HasRole
from accounts.constants import Role
from jinpu_portal.api.errors import valid

from ..constants import (
    BAD_LEVELS,
    FEEDBACK_STAFF,
    Level,
    PushStatus,
    RatingChannel,
    Reason,
    Stage,
)
from ..export import EXPORT_FIELDS, csv_stream, export_rows, json_stream
from ..figures import FIGURES, Grouping, figure_table
from ..selectors import StaffScope, rater_name, rating_list_for, staff_scope_for

TAGS = ["好差评"]


class IsFeedbackStaff(HasRole):
    """A signed-in supervisor, approver or clerk (each sees their own scope)."""

    roles = FEEDBACK_STAFF
    message = "仅督查人员、审批人员和综窗人员可以查看评价数据。"


class MayExportRatings(HasRole):
    """A signed-in supervisor (the export holds raters' names and telephones)."""

    roles = (Role.SUPERVISOR,)
    message = "仅督查人员可以导出评价数据。"


# --- Parameters -----------------------------------------------------------------------


class PeriodQuerySerializer(serializers.Serializer):
    start = serializers.DateField(
        label="开始日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="评价时间的起始日（含），YYYY-MM-DD；不填为不限",
    )
    end = serializers.DateField(
        label="结束日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="评价时间的截止日（含），YYYY-MM-DD；不填为不限",
    )

    def validate(self, attrs):
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and start > end:
            raise serializers.ValidationError({"end": "结束日期不能早于开始日期。"})
        return attrs


class FigureQuerySerializer(PeriodQuerySerializer):
    group = serializers.ChoiceField(
        label="分组",
        choices=Grouping.choices,
        required=False,
        default=Grouping.TOTAL,
        help_text="total 合计、month 按月、item 事项、department 部门、hall 大厅、window 窗口、"
        "staff 工作人员、channel 评价渠道、stage 服务环节（一事一评）",
    )


class RatingQuerySerializer(PeriodQuerySerializer):
    level = serializers.ChoiceField(
        label="评价等级",
        choices=Level.choices,
        required=False,
        help_text="1 非常满意 … 5 非常不满意",
    )
    bad = serializers.BooleanField(
        label="仅差评", required=False, default=False, help_text="true：只列不满意、非常不满意"
    )
    stage = serializers.ChoiceField(label="服务环节", choices=Stage.choices, required=False)
    channel = serializers.ChoiceField(
        label="评价渠道", choices=RatingChannel.choices, required=False
    )


# --- Answers --------------------------------------------------------------------------


def _figure_field(figure):
    unit = "百分数，两位小数" if figure.unit == "%" else f"{figure.unit}，一位小数"
    return serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=f"{figure.label}（{unit}；分母为 0 时为 null）",
    )


class CountsSerializer(serializers.Serializer):
    rated = serializers.IntegerField(help_text="计入统计的评价数（含默认评价，不含申诉核减）")
    good = serializers.IntegerField(help_text="好评数：非常满意、满意、基本满意（含默认评价）")
    active = serializers.IntegerField(help_text="主动评价数（不含默认评价）")
    active_good = serializers.IntegerField(help_text="主动评价中的好评数")
    bad = serializers.IntegerField(help_text="差评数：不满意、非常不满意")
    defaulted = serializers.IntegerField(help_text="默认评价数（逾期未评，记为基本满意）")
    rectified = serializers.IntegerField(help_text="已整改并答复的差评数")
    visited = serializers.IntegerField(help_text="已回访的差评数")
    replied = serializers.IntegerField(help_text="计算平均整改工作日的已答复整改单数")
    rectify_days = serializers.IntegerField(help_text="这些整改单的整改工作日之和")


# One field per figure of feedback.figures (defined there, once).
FiguresSerializer = type(
    "FiguresSerializer",
    (serializers.Serializer,),
    {code: _figure_field(f) for code, f in FIGURES.items()},
)


class FigureRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True, help_text="分组键：对象 id、渠道或环节代码、月份（YYYY-MM）；合计为 null"
    )
    label = serializers.CharField(help_text="分组名称")
    counts = CountsSerializer()
    figures = FiguresSerializer()

    def to_representation(self, row):
        key = row.key
        if hasattr(key, "strftime"):
            key = key.strftime("%Y-%m")
        return {
            "key": None if key is None else str(key),
            "label": row.label,
            "counts": CountsSerializer(row.counts).data,
            "figures": {code: value for code, value in row.figures.items()},
        }


class FigureDefinitionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    standard = serializers.CharField(help_text="出处（标准或文件）")
    definition = serializers.CharField(help_text="口径")
    unit = serializers.CharField(help_text="单位：% 或 个工作日")


class FigureTableSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=Grouping.choices)
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    total = FigureRowSerializer()
    rows = FigureRowSerializer(many=True)
    definitions = FigureDefinitionSerializer(many=True)


#: Whose ratings each staff member sees (feedback.selectors.staff_scope_for), in the
#: schema's descriptions of the figures and the ratings list.
SCOPE_DESCRIPTION = (
    "范围：督查人员为全区（全区督查）或所督查的部门，兼任审批人员、综窗人员的也只计督查范围，"
    "与综合监管、好差评统计页面相同；审批人员（含部门负责人）为其审批的部门；综窗人员为所在大厅。"
)


class FiguresApi(APIView):
    """好差评 figures of a period per grouping (一事一评). Permission: IsFeedbackStaff,
    scoped: supervisors the district (or their departments) whatever other role they
    hold, approvers their departments, clerks their hall."""

    permission_classes = [IsFeedbackStaff]

    @extend_schema(
        tags=TAGS,
        summary="好差评统计",
        description=(
            "好评率、主动评价好评率、差评率、不评率（GB/T 39735-2020），差评整改率、回访率与平均"
            "整改工作日（国办发〔2019〕51号），按评价时间的期间与"
            "分组（月份、事项、部门、大厅、窗口、工作人员、渠道、环节）统计；申诉复核认定为误评、"
            "恶意评价的不计入。口径见 definitions。" + SCOPE_DESCRIPTION
        ),
        parameters=[FigureQuerySerializer],
        responses={200: FigureTableSerializer},
    )
    def get(self, request):
        query = valid(FigureQuerySerializer(data=request.query_params))
        scope = staff_scope_for(user=request.user)
        table = figure_table(
            grouping=query["group"],
            start=query.get("start"),
            end=query.get("end"),
            scope=scope.rating_filter(),
        )
        return Response(
            {
                "group": table.grouping,
                "start": table.start,
                "end": table.end,
                "total": FigureRowSerializer(table.total).data,
                "rows": FigureRowSerializer(table.rows, many=True).data,
                "definitions": [
                    {
                        "code": f.code,
                        "label": f.label,
                        "standard": f.standard,
                        "definition": f.definition,
                        "unit": f.unit,
                    }
                    for f in FIGURES.values()
                ],
            }
        )


# --- The ratings in scope ------------------------------------------------------------------


class StaffRatingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_number = serializers.CharField(allow_null=True, help_text="办件编号")
    stage = serializers.ChoiceField(choices=Stage.choices, help_text="服务环节")
    item_code = serializers.CharField(help_text="事项实施编码")
    item_name = serializers.CharField(help_text="事项名称")
    department = serializers.CharField(allow_null=True, help_text="责任部门")
    window = serializers.CharField(allow_null=True, help_text="窗口")
    staff = serializers.CharField(allow_null=True, help_text="被评价人")
    level = serializers.ChoiceField(choices=Level.choices, help_text="评价等级")
    level_label = serializers.CharField()
    stars = serializers.IntegerField(help_text="星级，5 为非常满意")
    is_bad = serializers.BooleanField(help_text="差评")
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=Reason.choices), help_text="差评原因代码"
    )
    text = serializers.CharField(allow_blank=True)
    channel = serializers.ChoiceField(choices=RatingChannel.choices)
    is_default = serializers.BooleanField(help_text="默认评价（逾期未评）")
    rated_at = serializers.DateTimeField()
    follow_up_level = serializers.IntegerField(allow_null=True, help_text="追评等级")
    follow_up_text = serializers.CharField(allow_blank=True)
    excluded = serializers.BooleanField(help_text="经申诉复核不计入统计")
    push_status = serializers.ChoiceField(choices=PushStatus.choices, help_text="推送状态")
    rater = serializers.CharField(
        allow_null=True,
        help_text="评价人：仅督查人员与该差评整改单的整改单位可见，其他情况为 null",
    )

    def to_representation(self, rating):
        instance = rating.instance
        version = instance.item.current_version or instance.application.item_version
        scope = self.context["scope"]
        return {
            "id": rating.pk,
            "case_number": instance.application.case_number,
            "stage": instance.stage,
            "item_code": instance.item.code,
            "item_name": version.name,
            "department": instance.department.name if instance.department_id else None,
            "window": str(instance.window) if instance.window_id else None,
            "staff": str(instance.staff) if instance.staff_id else None,
            "level": rating.level,
            "level_label": rating.get_level_display(),
            "stars": rating.stars,
            "is_bad": rating.level in BAD_LEVELS,
            "reasons": list(rating.reasons),
            "text": rating.text,
            "channel": rating.channel,
            "is_default": rating.is_default,
            "rated_at": serializers.DateTimeField().to_representation(rating.rated_at),
            "follow_up_level": rating.follow_up_level,
            "follow_up_text": rating.follow_up_text,
            "excluded": rating.excluded,
            "push_status": rating.push_status,
            "rater": (rater_name(rating) or None) if scope.sees_rater(rating) else None,
        }


class RatingListApi(ListAPIView):
    """Ratings within the staff member's scope, newest first. Permission:
    IsFeedbackStaff, scoped like the figures; the rater only to supervisors and to the
    unit owning a 差评's rectification order."""

    permission_classes = [IsFeedbackStaff]
    serializer_class = StaffRatingSerializer
    filter_backends: list = []

    def get_serializer_context(self):
        # The schema generator asks for a serializer without a request: an empty scope.
        return super().get_serializer_context() | {"scope": getattr(self, "scope", StaffScope())}

    def get_queryset(self):
        query = valid(RatingQuerySerializer(data=self.request.query_params))
        self.scope = staff_scope_for(user=self.request.user)
        return rating_list_for(scope=self.scope, **query)

    @extend_schema(
        tags=TAGS,
        summary="评价列表（本人权限范围）",
        description=(
            "本人权限范围内的评价，按评价时间倒序；申诉复核核减的也列出（excluded 为 true）。"
            + SCOPE_DESCRIPTION
            + "评价人（rater）仅督查人员与该差评整改单的整改单位（窗口服务为该大厅的综窗人员，"
            "后台办结为作出决定部门的审批人员）可见，其他情况为 null。"
        ),
        parameters=[RatingQuerySerializer],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- The export -----------------------------------------------------------------------------


EXPORT_DESCRIPTION = (
    "按省级好差评接口字段导出期间内的评价（办件编号、事项编码与版本、部门编码、办理状态、"
    "行政区划代码、评价渠道、评价人、被评价人、评价等级、评价时间、评价内容）及每条评价的推送"
    "状态；流式输出。字段：" + "、".join(f"{name}（{label}）" for name, label in EXPORT_FIELDS)
)


class _ExportApi(APIView):
    permission_classes = [MayExportRatings]
    media_type = ""

    def rows(self, request):
        query = valid(PeriodQuerySerializer(data=request.query_params))
        # A supervisor's own scope, as on the 好差评 page that links here.
        scope = staff_scope_for(user=request.user)
        return export_rows(scope=scope, start=query.get("start"), end=query.get("end"))


class RatingExportCsvApi(_ExportApi):
    """The ratings of a period as CSV (UTF-8 with BOM, so Excel opens the Chinese).
    Permission: MayExportRatings, scoped to the departments watched."""

    @extend_schema(
        tags=TAGS,
        summary="评价导出（CSV）",
        description=EXPORT_DESCRIPTION + "。CSV 为 UTF-8（带 BOM，Excel 可直接打开）。",
        parameters=[PeriodQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV 文件"),
        },
    )
    def get(self, request):
        response = StreamingHttpResponse(
            csv_stream(self.rows(request)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="ratings.csv"'
        return response


class RatingExportJsonApi(_ExportApi):
    """The ratings of a period as a JSON array. Permission: MayExportRatings, scoped."""

    @extend_schema(
        tags=TAGS,
        summary="评价导出（JSON）",
        description=EXPORT_DESCRIPTION + "。JSON 为对象数组。",
        parameters=[PeriodQuerySerializer],
        responses={(200, "application/json"): OpenApiResponse(OpenApiTypes.ANY)},
    )
    def get(self, request):
        response = StreamingHttpResponse(
            json_stream(self.rows(request)), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="ratings.json"'
        return response
