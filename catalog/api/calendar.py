"""The working-day calendar API, public and read-only, for integrators and the guide.

``GET /api/v1/calendar/{year}/``: the days of a year that differ from Monday-Friday.
``GET /api/v1/calendar/add/?start=YYYY-MM-DD&days=N``: the N-th working day after start
(start itself never counts: a time limit runs from the day after acceptance).

Both answer from the process's cached calendar (``catalog.calendar.current_calendar``,
reloaded when an administrator edits the table), so a request costs no query most of
the time. Responses carry an ETag made of the calendar's version, so a client or proxy
revalidates cheaply (304), and may be reused for CALENDAR_API_MAX_AGE seconds.
"""

from django.utils import timezone
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from jinpu_portal.api.errors import valid

from ..calendar import (
    CALENDAR,
    YEARS_AHEAD,
    add_working_days,
    current_calendar,
    year_exceptions,
)
from ..constants import CalendarDayKind

# Years the API answers: the table starts in 2004 (chinesecalendar's first year); the
# statutory rule is computed for years ahead, but not for any year at all.
MIN_YEAR = 2004
# Statutory limits, extensions and special procedures together stay far below a year.
MAX_DAYS = 365
CALENDAR_API_MAX_AGE = 600


def max_year() -> int:
    return timezone.localdate().year + YEARS_AHEAD


def _year_error(year: int) -> str | None:
    if MIN_YEAR <= year <= max_year():
        return None
    return f"年份须在 {MIN_YEAR} 年至 {max_year()} 年之间。"


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="日期")
    kind = serializers.ChoiceField(
        choices=CalendarDayKind.choices, help_text="holiday：工作日放假；workday：周末调休上班"
    )
    kind_label = serializers.CharField(help_text="类型的中文名称")
    name = serializers.CharField(help_text="节日名称（中文），如“春节”“国庆节”", allow_blank=True)
    provisional = serializers.BooleanField(
        help_text="true：国务院尚未公布该年安排，按《全国年节及纪念日放假办法》推算（暂定）"
    )


class CalendarYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    published = serializers.BooleanField(help_text="已录入国务院公布的当年安排")
    days = CalendarDaySerializer(many=True)


class WorkingDaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField(
        label="起算日",
        input_formats=["%Y-%m-%d"],
        help_text="起算日（YYYY-MM-DD），当日不计入",
        error_messages={
            "required": "请提供起算日 start（YYYY-MM-DD）。",
            "invalid": "起算日 start 不是有效日期，格式为 YYYY-MM-DD。",
            "null": "请提供起算日 start（YYYY-MM-DD）。",
        },
    )
    days = serializers.IntegerField(
        label="工作日数",
        min_value=0,
        max_value=MAX_DAYS,
        help_text=f"工作日数，0 至 {MAX_DAYS}",
        error_messages={
            "required": "请提供工作日数 days。",
            "invalid": "工作日数 days 须为整数。",
            "min_value": "工作日数 days 不能为负数。",
            "max_value": f"工作日数 days 不能超过 {MAX_DAYS}。",
            "max_string_length": "工作日数 days 须为整数。",
        },
    )

    def validate_start(self, value):
        error = _year_error(value.year)
        if error:
            raise serializers.ValidationError(f"起算日的{error}")
        return value


class WorkingDaysResultSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    date = serializers.DateField(help_text="第 days 个工作日")
    provisional = serializers.BooleanField(
        help_text="true：所跨年份中有尚未公布安排的年份，结果按法定节假日推算，可能变化"
    )


def _cached(response: Response, request, *, vary: str) -> Response:
    """ETag (the calendar's version and the request) and Cache-Control; 304 when the
    client holds the current answer."""
    etag = f'"cal-{CALENDAR.generation() or 0}-{vary}"'
    if request.headers.get("If-None-Match") == etag:
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CALENDAR_API_MAX_AGE)
    return response


YEAR_EXAMPLE = {
    "year": 2027,
    "published": False,
    "days": [
        {
            "date": "2027-01-01",
            "kind": "holiday",
            "kind_label": "法定节假日（休息）",
            "name": "元旦",
            "provisional": True,
        },
        {
            "date": "2027-02-05",
            "kind": "holiday",
            "kind_label": "法定节假日（休息）",
            "name": "春节",
            "provisional": True,
        },
    ],
}


class PublicApi(APIView):
    """Public and read-only: no authentication is even attempted."""

    permission_classes = [AllowAny]
    authentication_classes = []


class CalendarYearApi(PublicApi):
    """The days of a year that differ from Monday-Friday. Permission: AllowAny."""

    @extend_schema(
        summary="工作日历：某年的节假日与调休",
        description=(
            "列出该年与“周一至周五上班”不同的每一天：工作日放假（holiday）与周末调休上班"
            "（workday），含中文节日名称。国务院尚未公布的年份按《全国年节及纪念日放假办法》"
            "（2025 年修订）推算法定节假日及补假，标记 provisional（暂定），不推算调休。"
            f"年份范围 {MIN_YEAR} 年至今后 {YEARS_AHEAD} 年。"
        ),
        parameters=[OpenApiParameter("year", int, OpenApiParameter.PATH, description="年份")],
        responses={200: CalendarYearSerializer},
        examples=[OpenApiExample("2027 年（暂定）", value=YEAR_EXAMPLE, response_only=True)],
    )
    def get(self, request, year: int):
        error = _year_error(year)
        if error:
            raise exceptions.ValidationError({"detail": error, "code": "year"})
        calendar = current_calendar()
        labels = dict(CalendarDayKind.choices)
        days = [
            {
                "date": day.date,
                "kind": day.kind,
                "kind_label": str(labels[day.kind]),
                "name": day.name,
                "provisional": day.provisional,
            }
            for day in year_exceptions(year, calendar)
        ]
        body = {"year": year, "published": not calendar.is_provisional(year), "days": days}
        return _cached(Response(CalendarYearSerializer(body).data), request, vary=str(year))


class WorkingDaysAddApi(PublicApi):
    """The date N working days after a start date. Permission: AllowAny."""

    @extend_schema(
        summary="工作日历：N 个工作日后的日期",
        description=(
            "返回起算日之后第 N 个工作日（起算日当日不计入，与办理时限的计算相同；"
            "N 为 0 时返回起算日）。法定节假日不计入，周末调休上班日计入。"
            f"起算日年份 {MIN_YEAR} 年至今后 {YEARS_AHEAD} 年，N 为 0 至 {MAX_DAYS}；"
            "参数有误时返回 400 及中文说明。"
        ),
        parameters=[WorkingDaysQuerySerializer],
        responses={200: WorkingDaysResultSerializer},
        examples=[
            OpenApiExample(
                "2026-12-04 起 20 个工作日（跨 2027 年元旦，暂定）",
                value={
                    "start": "2026-12-04",
                    "days": 20,
                    "date": "2027-01-04",
                    "provisional": True,
                },
                response_only=True,
            ),
            OpenApiExample(
                "参数有误",
                value={
                    "detail": "工作日数：工作日数 days 不能为负数。",
                    "code": "invalid",
                    "errors": {"days": ["工作日数 days 不能为负数。"]},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def get(self, request):
        data = valid(WorkingDaysQuerySerializer(data=request.query_params))
        start, days = data["start"], data["days"]
        calendar = current_calendar()
        end = add_working_days(start, days, calendar)
        provisional = any(calendar.is_provisional(year) for year in range(start.year, end.year + 1))
        body = {"start": start, "days": days, "date": end, "provisional": provisional}
        return _cached(
            Response(WorkingDaysResultSerializer(body).data), request, vary=f"{start}+{days}"
        )
