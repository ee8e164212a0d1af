"""The hall's API (mounted at /api/v1/, paths under ``hall/``).

Public (no login): issuing a ticket at a kiosk (``POST hall/tickets/``; a signed-in
clerk of the hall issues as the reception desk), an appointment's check-in, a ticket's
progress by its follow token, a hall's categories and its display state. Issuing and
check-in are limited per client address (``HALL_RATE_LIMIT_ADDRESS``, 429). Both take an
optional request key (``submission``, as the 取号 page's form key): the same key sent
again issues nothing and is a 409 (``duplicate_submission``) naming the first ticket.

Clerks (IsClerk): their window (state, the ticket at it, the queue), open/pause/close,
call next; on a ticket: recall, 过号, re-queue, transfer, start (answers the workbench
URL with the applicant found), end, 绿色通道, cancel. The services re-check who may act
(the clerk seated at that window; a clerk of the hall for the desk's acts): 403 with
their Chinese message. A ticket acted on by someone else first is a 409 (``conflict``).

Citizens (IsCitizen): their appointments, booking and cancelling, and the free places
of a category's slots. System administrators and supervisors: a hall's figures (a
supervisor of some departments counts their cases' tickets); the managers' acts on
windows are pages (``hall.views_staff``), refused by the services to such a supervisor.

Every refusal is the one error shape (``jinpu_portal.api``) with the service's code.
"""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsCitizen, IsClerk
from accounts.models import Hall, Window
from approvals.api.views import call_service
from jinpu_portal.api.errors import FlatInput, SaysWhyThrottled, duplicate_conflict, valid
from jinpu_portal.api.fields import choice_label, datetime_out
from jinpu_portal.api.negotiation import JSONAnswers
from jinpu_portal.api.schema import error_responses
from jinpu_portal.submissions import DuplicateSubmission
from jinpu_portal.views import found_or_404

from .. import selectors
from ..constants import TicketSource, TicketStatus, WindowState
from ..models import Appointment, ServiceCategory, Ticket
from ..services import appointments, calling, tickets, windows
from ..services.base import clerk_hall_id, signed_in, watches_halls
from ..services.tickets import follow_path
from ..throttles import TOO_MANY, HallAddressThrottle
from .serializers import (
    AppointmentSerializer,
    BookSerializer,
    CancelSerializer,
    CategorySerializer,
    CheckInSerializer,
    DisplaySerializer,
    HallFiguresSerializer,
    IssueSerializer,
    PrioritySerializer,
    PublicTicketSerializer,
    SlotSerializer,
    StartedSerializer,
    TicketSerializer,
    TransferSerializer,
    WindowActSerializer,
    WindowStateSerializer,
)

TAGS = ["大厅取号叫号"]
ACT_ERRORS = error_responses(
    {
        400: "服务拒绝（状态不允许、没有等候的号、窗口未开放等）",
        403: "不是在该窗口入座的综窗人员",
        404: "排队号不存在",
        409: "该号已被其他窗口处理（并发冲突）",
    }
)


class WatchesHalls(BasePermission):
    """A hall's figures: system administrators and every supervisor
    (``services.base.watches_halls``; the hall's API has no manager's act)."""

    message = "仅系统管理员或督查人员可以使用此接口。"

    def has_permission(self, request, view):
        return watches_halls(request.user)


def _public_ticket(ticket: Ticket, wait) -> dict:
    """``PublicTicketSerializer``'s answer, built directly: the kiosk's issue is the hot
    path, and a serializer instance deep-copies its fields on every request (about a
    fifth of the view's time, bench/README.md)."""
    return {
        "label": ticket.label,
        "token": ticket.token,
        "follow_url": follow_path(ticket.token),
        "hall": ticket.hall.name,
        "category": ticket.category.name,
        "status": ticket.status,
        "status_label": choice_label(TicketStatus, ticket.status),
        "lane": ticket.lane,
        "window_number": ticket.window.number if ticket.window_id else None,
        "called_at": datetime_out(ticket.called_at),
        "issued_at": datetime_out(ticket.created_at),
        "ahead": wait.ahead if wait else None,
        "expected_minutes": wait.minutes if wait else None,
    }


# --- public -------------------------------------------------------------------------------


#: The kiosk's body checked with IssueSerializer's fields, bound once (the hot path).
_ISSUE_INPUT = FlatInput(IssueSerializer)


def _ticket_schema(summary: str, request, invalid: str):
    """The schema of a public way to a ticket (取号, 签到): the body ``request``, the
    ticket answered (201), a 400 described as ``invalid`` and the key's 409."""
    return extend_schema(
        tags=TAGS,
        summary=summary,
        request=request,
        responses={
            201: PublicTicketSerializer,
            **error_responses({400: invalid, 409: "该请求标识已取过号（重复提交），未重复取号"}),
        },
    )


def _kiosk_issue(*, service, **arguments):
    """``service`` (取号 or 签到) with ``arguments``: the request's key sent again
    (``DuplicateSubmission``) is a 409 naming the first request's ticket by its number
    when the same client sent it (nobody signed in, or the same clerk), as the 取号 page
    shows it."""
    try:
        return service(**arguments)
    except DuplicateSubmission as error:
        made = error.made
        first = f"首次取到的是 {made.label} 号。" if isinstance(made, Ticket) else ""
        raise duplicate_conflict(error, first) from None


def _ticket_answer(service, data, **arguments) -> Response:
    """``service`` (取号 or 签到) with ``arguments`` and the body's hall and request key,
    run through ``_kiosk_issue`` and ``call_service`` (which answers its other refusals):
    the ticket issued, with the people ahead and the expected wait (201)."""
    issued = call_service(
        _kiosk_issue,
        service=service,
        hall_id=data.get("hall"),
        submission=data["submission"],
        **arguments,
    )
    return Response(_public_ticket(issued.ticket, issued.wait), status=status.HTTP_201_CREATED)


class PublicThrottled(SaysWhyThrottled):
    throttle_classes = [HallAddressThrottle]
    too_many = TOO_MANY


class IssueApi(JSONAnswers, PublicThrottled, APIView):
    """取号: the next number of a category today, with the people ahead, the expected
    wait and the follow token (the QR code). Anyone (a kiosk has no account); a signed-in
    clerk of the category's hall issues as the reception desk; the optional request key
    (``submission``) makes a retried request one ticket (409 naming it). Without the key
    the issue is the one statement without the key's claim (the benchmark's path).
    Permission: AllowAny, limited per client address."""

    permission_classes = [AllowAny]

    @_ticket_schema("取号", IssueSerializer, "业务类别无效等")
    def post(self, request):
        data = _ISSUE_INPUT(request.data)
        user = signed_in(request.user)
        desk = user is not None and clerk_hall_id(user) is not None
        return _ticket_answer(
            tickets.ticket_issue,
            data,
            actor=user,
            category_id=data["category"],
            source=TicketSource.DESK if desk else TicketSource.KIOSK,
            id_number=data["id_number"],
            mobile=data["mobile"],
            priority=data["priority"],
        )


class CheckInApi(PublicThrottled, APIView):
    """预约签到: the appointment's code at the kiosk on its day gives a ticket (in the
    appointment lane; a normal ticket when later than the grace period); the optional
    request key as for 取号. Permission: AllowAny, limited per client address."""

    permission_classes = [AllowAny]

    @_ticket_schema("预约签到取号", CheckInSerializer, "预约码无效等")
    def post(self, request):
        data = valid(CheckInSerializer(data=request.data))
        return _ticket_answer(
            appointments.appointment_check_in,
            data,
            actor=signed_in(request.user),
            code=data["code"],
        )


class FollowApi(APIView):
    """排队进度: a ticket by its follow token (the QR code): state, window when called,
    people ahead and expected wait while waiting. No ID number, no staff name.
    Permission: AllowAny (the token is the secret)."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="排队进度（扫码查询）",
        responses={200: PublicTicketSerializer, **error_responses({404: "查询令牌无效"})},
    )
    def get(self, request, token: str):
        progress = found_or_404(selectors.ticket_progress(token), "未找到该排队号。")
        return Response(_public_ticket(progress.ticket, progress.wait))


class CategoriesApi(APIView):
    """一个大厅的业务类别（取号机的按钮）. Permission: AllowAny."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS, summary="大厅业务类别", responses={200: CategorySerializer(many=True)}
    )
    def get(self, request, hall_id: int):
        get_object_or_404(Hall, pk=hall_id)
        return Response(CategorySerializer(selectors.categories(hall_id), many=True).data)


class DisplayApi(APIView):
    """大厅显示屏: the recent calls (newest first) and the waiting count per category,
    with the change marker. Permission: AllowAny (what the hall's screen shows)."""

    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, summary="大厅叫号显示", responses={200: DisplaySerializer})
    def get(self, request, hall_id: int):
        get_object_or_404(Hall, pk=hall_id)
        return Response(DisplaySerializer(selectors.display_state(hall_id)).data)


# --- clerks -------------------------------------------------------------------------------


def _seat_window(request) -> Window:
    seat = selectors.seat_of(request.user)
    if seat is None:
        raise exceptions.PermissionDenied(
            {"detail": "您没有在任何窗口入座，请先开放您的窗口。", "code": "not_seated"}
        )
    return seat.window


def _clerk_window(request) -> Window:
    """The window the clerk sits at, else the one they are assigned to."""
    seat = selectors.seat_of(request.user)
    if seat is not None:
        return seat.window
    profile = getattr(request.user, "staff_profile", None)
    if profile is None or profile.window_id is None:
        raise exceptions.PermissionDenied(
            {"detail": "您没有分配窗口。", "code": "permission_denied"}
        )
    return profile.window


def _panel(window: Window) -> dict:
    return WindowStateSerializer(selectors.window_panel(window)).data


class WindowApi(APIView):
    """本窗口: state, categories, the ticket at the window and the queue it would call
    (GET); open, pause or close it (POST ``state``). Permission: IsClerk; the window is
    the one the clerk sits at or is assigned to."""

    permission_classes = [IsClerk]

    @extend_schema(tags=TAGS, summary="本窗口叫号状态", responses={200: WindowStateSerializer})
    def get(self, request):
        return Response(_panel(_clerk_window(request)))

    @extend_schema(
        tags=TAGS,
        summary="开放、暂停或关闭本窗口",
        request=WindowActSerializer,
        responses={200: WindowStateSerializer, **ACT_ERRORS},
    )
    def post(self, request):
        data = valid(WindowActSerializer(data=request.data))
        window = _clerk_window(request)
        act = {
            WindowState.OPEN: windows.window_open,
            WindowState.PAUSED: windows.window_pause,
            WindowState.CLOSED: windows.window_close,
        }[data["state"]]
        call_service(act, window=window, actor=request.user)
        return Response(_panel(window))


class CallNextApi(APIView):
    """叫号: the next ticket for the clerk's window (绿色通道, appointments due, first
    come). Permission: IsClerk, seated at an open window."""

    permission_classes = [IsClerk]

    @extend_schema(
        tags=TAGS,
        summary="叫下一个号",
        request=None,
        responses={200: TicketSerializer, **ACT_ERRORS},
    )
    def post(self, request):
        window = _seat_window(request)
        ticket = call_service(calling.call_next, window=window, actor=request.user)
        return Response(TicketSerializer(ticket).data)


class TicketActApi(APIView):
    """An act on a ticket at the clerk's window. Permission: IsClerk (re-checked by the
    service: seated at the ticket's window). ``act``: the service of a plain act, which
    takes the ticket, the clerk's window and the clerk (``post``)."""

    permission_classes = [IsClerk]
    act = None

    def get_ticket(self, pk: int) -> Ticket:
        ticket = Ticket.objects.filter(pk=pk).first()
        if ticket is None or clerk_hall_id(self.request.user) != ticket.hall_id:
            raise exceptions.NotFound({"detail": "未找到该排队号。", "code": "not_found"})
        return ticket

    def acted(self, service, ticket: Ticket, **arguments) -> Response:
        """Runs ``service`` on ``ticket`` for the signed-in clerk and answers the ticket as
        it then stands."""
        ticket = call_service(service, ticket=ticket, actor=self.request.user, **arguments)
        return Response(TicketSerializer(ticket).data)

    def post(self, request, pk: int):
        ticket = self.get_ticket(pk)
        return self.acted(type(self).act, ticket, window=_seat_window(request))


def _act_schema(summary: str, request=None, response=TicketSerializer):
    return extend_schema(
        tags=TAGS, summary=summary, request=request, responses={200: response, **ACT_ERRORS}
    )


@extend_schema_view(post=_act_schema("重呼"))
class RecallApi(TicketActApi):
    """重呼."""

    act = staticmethod(calling.recall)


@extend_schema_view(post=_act_schema("过号"))
class NoShowApi(TicketActApi):
    """过号 (after three calls)."""

    act = staticmethod(calling.no_show)


@extend_schema_view(post=_act_schema("办理结束"))
class EndApi(TicketActApi):
    """办理结束: recorded; the window's counter pad then offers the rating of the intake
    linked to the ticket."""

    act = staticmethod(calling.service_end)


class StartApi(TicketActApi):
    """开始办理: recorded; answers the workbench URL with the applicant found by the
    ticket's ID number."""

    @_act_schema("开始办理", response=StartedSerializer)
    def post(self, request, pk: int):
        ticket = self.get_ticket(pk)
        window = _seat_window(request)
        ticket = call_service(
            calling.service_start, ticket=ticket, window=window, actor=request.user
        )
        return Response(
            StartedSerializer({"ticket": ticket, "intake_url": calling.intake_url(ticket)}).data
        )


class TransferApi(TicketActApi):
    """转移 to another window of the hall and/or another category."""

    @_act_schema("转移", request=TransferSerializer)
    def post(self, request, pk: int):
        data = valid(TransferSerializer(data=request.data))
        ticket = self.get_ticket(pk)
        window = _seat_window(request)
        to_window = to_category = None
        if data.get("to_window"):
            to_window = Window.objects.filter(pk=data["to_window"]).first()
            if to_window is None:
                raise exceptions.ValidationError(
                    {"detail": "转至窗口：不存在。", "code": "invalid"}
                )
        if data.get("to_category"):
            to_category = ServiceCategory.objects.filter(pk=data["to_category"]).first()
            if to_category is None:
                raise exceptions.ValidationError(
                    {"detail": "转至业务类别：不存在。", "code": "invalid"}
                )
        return self.acted(
            calling.transfer, ticket, window=window, to_window=to_window, to_category=to_category
        )


class RequeueApi(TicketActApi):
    """过号重排 (once): a clerk of the hall."""

    @_act_schema("过号重新排队")
    def post(self, request, pk: int):
        return self.acted(calling.requeue, self.get_ticket(pk))


class PriorityApi(TicketActApi):
    """确认绿色通道: a clerk of the hall has seen the proof."""

    @_act_schema("确认绿色通道", request=PrioritySerializer)
    def post(self, request, pk: int):
        data = valid(PrioritySerializer(data=request.data))
        return self.acted(tickets.priority_confirm, self.get_ticket(pk), group=data["group"])


class CancelApi(TicketActApi):
    """取消: the person left."""

    @_act_schema("取消排队号", request=CancelSerializer)
    def post(self, request, pk: int):
        data = valid(CancelSerializer(data=request.data))
        return self.acted(tickets.ticket_cancel, self.get_ticket(pk), reason=data.get("reason", ""))


# --- appointments (citizens) ---------------------------------------------------------------


class AppointmentsApi(APIView):
    """我的预约 (GET, newest first, the last 50) and booking one (POST). Permission:
    IsCitizen; booking needs a verified identity."""

    permission_classes = [IsCitizen]

    @extend_schema(tags=TAGS, summary="我的预约", responses={200: AppointmentSerializer(many=True)})
    def get(self, request):
        rows = selectors.citizen_appointments(request.user)[:50]
        return Response(AppointmentSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="预约",
        request=BookSerializer,
        responses={201: AppointmentSerializer, **error_responses({400: "时段已满、非工作日等"})},
    )
    def post(self, request):
        data = valid(BookSerializer(data=request.data))
        appointment = call_service(
            appointments.appointment_book,
            category_id=data["category"],
            day=data["day"],
            slot=data["slot"],
            actor=request.user,
            mobile=data["mobile"],
        )
        appointment = Appointment.objects.select_related("hall", "category").get(pk=appointment.pk)
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class AppointmentCancelApi(APIView):
    """取消预约 before its slot begins. Permission: IsCitizen (their own)."""

    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAGS,
        summary="取消预约",
        request=None,
        responses={200: AppointmentSerializer, **ACT_ERRORS},
    )
    def post(self, request, pk: int):
        appointment = found_or_404(
            selectors.citizen_appointments(request.user).filter(pk=pk).first(), "未找到该预约。"
        )
        appointment = call_service(
            appointments.appointment_cancel, appointment=appointment, actor=request.user
        )
        appointment = Appointment.objects.select_related("hall", "category").get(pk=appointment.pk)
        return Response(AppointmentSerializer(appointment).data)


def _day_param(request, *, required: bool) -> datetime.date | None:
    """The ``day`` query parameter (None when it may be and is left out); not a date in
    YYYY-MM-DD, a 400."""
    raw = request.query_params.get("day", "")
    if not raw and not required:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise exceptions.ValidationError(
            {"detail": "日期：请使用 YYYY-MM-DD 格式。", "code": "invalid"}
        ) from None


class SlotsApi(APIView):
    """一个业务类别某日的预约时段与余量. Permission: AllowAny."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="预约时段余量",
        parameters=[OpenApiParameter("day", datetime.date, required=True, description="日期")],
        responses={200: SlotSerializer(many=True)},
    )
    def get(self, request, category_id: int):
        category = get_object_or_404(ServiceCategory, pk=category_id, is_active=True)
        day = _day_param(request, required=True)
        if day not in appointments.bookable_days(timezone.localdate()):
            return Response([])
        return Response(SlotSerializer(selectors.slots(category, day), many=True).data)


# --- managers -----------------------------------------------------------------------------


class FiguresApi(APIView):
    """大厅运行指标 of a day (default today): issued, waiting now, served, 过号, 已失效,
    average wait and service time, waits over 30 minutes, per category and per window.
    Permission: WatchesHalls (system administrators and supervisors). A supervisor of some
    departments counts, as on supervision's pages, only the tickets linked to a case of
    their departments (``selectors.figures_cases``; ``linked_only`` says so)."""

    permission_classes = [WatchesHalls]

    @extend_schema(
        tags=TAGS,
        summary="大厅运行指标",
        parameters=[OpenApiParameter("day", datetime.date, description="日期，默认今天")],
        responses={200: HallFiguresSerializer},
    )
    def get(self, request, hall_id: int):
        get_object_or_404(Hall, pk=hall_id)
        day = _day_param(request, required=False)
        figures = selectors.hall_figures(hall_id, day, cases=selectors.figures_cases(request.user))
        return Response(HallFiguresSerializer(figures).data)
