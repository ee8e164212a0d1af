"""The clerks' API (综窗人员): counter drafts, receiving materials, the three intake
outcomes (accept, one-time correction, refusal), the pre-review queue and the case
detail with its events.

Permission of every view: a signed-in clerk who sits at a window
(``IsClerkAtWindow``). An application the clerk may not see is a 404; acting on
another window's open intake is a 403 with the service's Chinese message; any other
refusal of a service is a 400 with its message and code.

The three outcomes of a review (accept, correction, refuse) take ``visit``, the review
page's 本次叫号群众办理: the id of the ticket the window is serving, whose person the
application's applicant is. It goes to the same services as the page's box (the
outcome's signal carries it; ``hall.receivers`` links that ticket), after the same
check (``page_hooks.visit_refusal``): a 400 when that ticket ended (``visit_gone``) or
another is in service (``visit_changed``), or for a counter intake, which a service
links without a mark (``visit_not_offered``), with nothing done. The same 400 when the
ticket ends between that check and the service: the hall refuses the link inside the
outcome's transaction, which rolls the whole outcome back. Left out, nothing is
linked and the request reads nothing more.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Enterprise
from accounts.selectors import citizen_by_id_number
from catalog.calendar import current_calendar
from catalog.models import ItemVersion
from jinpu_portal.api.errors import valid
from jinpu_portal.api.schema import error_responses
from jinpu_portal.db import PreparedQuery, remember_related

from ..constants import Channel
from ..errors import IntakePermissionDenied
from ..models import Application, Notice
from ..page_hooks import VisitRefused, visit_offered, visit_refusal, workbench_visit
from ..selectors import application_list_for, prereview_queue, workbench_window
from ..services.cases import (
    application_create,
    clerk_profile,
    clerk_window,
    counter_receive,
    intake_accept,
    intake_refuse,
    intake_request_correction,
)
from ..services.counter import counter_intake
from ..services.prereview import prereview_clock
from .clerk_serializers import (
    ClerkAcceptSerializer,
    ClerkApplicationCreateSerializer,
    ClerkApplicationDetailSerializer,
    ClerkCorrectionSerializer,
    ClerkCounterIntakeSerializer,
    ClerkOutcomeSerializer,
    ClerkPrereviewSerializer,
    ClerkReceiveSerializer,
    ClerkRefuseSerializer,
)
from .common import NOT_FOUND, PausedLimitsListMixin, ServiceCallMixin

TAGS = ["综窗人员：受理"]
ERRORS = error_responses(
    {
        400: "服务拒绝（状态不允许、材料不全等）",
        403: "不是窗口综窗人员，或申请正在其他窗口办理",
        404: "申请不存在或无权查看",
    }
)


class IsClerkAtWindow(BasePermission):
    """A signed-in clerk (Role.CLERK) with a window (StaffProfile.window)."""

    message = "只有在综合窗口工作的综窗人员可以办理受理。"

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        try:
            request.clerk_window = clerk_window(user)
        except IntakePermissionDenied:
            return False
        return True


# Every intake action answers with the application's notices (compiled once).
_NOTICES = PreparedQuery(
    lambda pk: Notice.objects.filter(application_id=pk).order_by("issued_at", "id")
)


def _action_schema(summary: str, request):
    """The schema of an action on an application: ``request`` in, the outcome out."""
    return extend_schema(
        tags=TAGS,
        summary=summary,
        request=request,
        responses={200: ClerkOutcomeSerializer, **ERRORS},
    )


def _verdicts(data) -> list[dict]:
    return [dict(v) for v in data.get("verdicts") or []]


VISIT_NOT_OFFERED = (
    "该申请不能标记本次叫号群众办理：只有网上或自助终端提交、未在其他窗口办理的申请可以"
    "标记；窗口收件在叫号办理期间收取的，自动记入正在办理的号。"
)


class ClerkApiMixin(ServiceCallMixin):
    permission_classes = [IsAuthenticated, IsClerkAtWindow]

    def validated(self, serializer_class) -> dict:
        """The request's data through ``serializer_class`` (a 400 when invalid)."""
        return valid(serializer_class(data=self.request.data))

    def outcome(self, pk: int, application: Application | None = None) -> Response:
        """What an action answers: the application and its notices (the full detail,
        events included, is one GET away). ``application`` is the instance the service
        returned, already loaded with most of what is shown."""
        if application is None:
            application = (
                application_list_for(user=self.request.user)
                .filter(pk=pk)
                .select_related("window__hall")
                .get()
            )
        remember_related(application, "notices", _NOTICES(application.pk))
        # An intake action comes before the case's limits run or starts them (受理): none
        # of them is paused yet, so the answer asks no clock (the accept hot path).
        context = {"paused_limits": {application.pk: {}}}
        return Response(ClerkOutcomeSerializer(application, context=context).data)

    def marked_visit(self, pk: int, key: str) -> str:
        """``key`` (the request's ``visit``) for the outcome's service once it names the
        visit in progress at the clerk's window, as the review page checks its box; ""
        when not marked. A 400 on the field otherwise, before anything is done. Reads
        the application and the window's visit (two statements) only when marked."""
        if not key:
            return ""
        application = (
            application_list_for(user=self.request.user)
            .select_related(None)
            .only("channel", "window_id")
            .filter(pk=pk)
            .first()
        )
        if application is None:
            raise exceptions.NotFound(NOT_FOUND)
        window = workbench_window(clerk_profile(self.request.user))
        if visit_offered(application, window):
            refusal = visit_refusal(workbench_visit(window), key)
        else:
            refusal = VisitRefused(VISIT_NOT_OFFERED, code="visit_not_offered")
        if refusal is None:
            return key
        raise self.refused(refusal)

    def refused(self, error) -> exceptions.ValidationError:
        """A refusal of the marked visit (``VisitRefused``: by the check above, or by
        the hall when the ticket ended between that check and the service, which rolled
        the outcome back) is a 400 on ``visit``; any other as ``ServiceCallMixin``'s."""
        if not isinstance(error, VisitRefused):
            return super().refused(error)
        return exceptions.ValidationError(
            {
                "detail": f"本次叫号群众办理：{error.message}",
                "code": error.code,
                "errors": {"visit": [error.message]},
            }
        )

    def detail(self, pk: int, status_code=status.HTTP_200_OK) -> Response:
        context = {"window_id": self.request.clerk_window.pk}
        return Response(
            ClerkApplicationDetailSerializer(self.detailed(pk), context=context).data,
            status=status_code,
        )


@extend_schema_view(
    get=extend_schema(
        tags=TAGS, summary="待预审的网上申请", responses={200: ClerkPrereviewSerializer}
    )
)
class ClerkPrereviewListApi(PausedLimitsListMixin, ClerkApiMixin, generics.ListAPIView):
    """Online submissions waiting for pre-review (网上预审), green channel first, then the
    oldest; each with its working days waited, the warning flag (from the 3rd working
    day) and the day after which it counts as accepted. Permission: IsClerkAtWindow."""

    serializer_class = ClerkPrereviewSerializer

    def get_queryset(self):
        return prereview_queue()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["clocks"] = getattr(self, "_clocks", {})
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        today, calendar = timezone.localdate(), current_calendar()
        self._clocks = {
            a.pk: prereview_clock(a, today=today, calendar=calendar) for a in page or []
        }
        return page


class ClerkApplicationCreateApi(ClerkApiMixin, APIView):
    """A counter application (草稿) at the clerk's window for a registered person (and
    enterprise). Then ``receive`` it and choose the outcome. Permission: IsClerkAtWindow."""

    @extend_schema(
        tags=TAGS,
        summary="窗口创建申请（草稿）",
        request=ClerkApplicationCreateSerializer,
        responses={201: ClerkApplicationDetailSerializer, **ERRORS},
    )
    def post(self, request):
        data = self.validated(ClerkApplicationCreateSerializer)
        application = self.call(
            application_create,
            **_counter_parties(data),
            agent=_registered("agent", data["agent_id_number"], "代办人"),
            actor=request.user,
            channel=Channel.COUNTER,
            green_channel=data["green_channel"],
            assisted=data["assisted"],
            contact_phone=data["contact_phone"],
            delivery_method=data["delivery_method"],
            delivery_address=data["delivery_address"],
        )
        return self.detail(application.pk, status.HTTP_201_CREATED)


def _registered(code: str, id_number: str, who: str):
    """The person registered under ``id_number`` (None for none given); a 400 when
    nobody is: people are registered at the workbench, with their documents."""
    if not id_number:
        return None
    person = citizen_by_id_number(id_number)
    if person is None:
        raise exceptions.ValidationError(
            {"detail": f"{who}尚未登记，请先在综窗工作台登记。", "code": code}
        )
    return person


def _counter_parties(data: dict) -> dict:
    """The item version, the applicant and the enterprise a counter request names."""
    version = ItemVersion.objects.filter(pk=data["item_version"]).first()
    if version is None:
        raise exceptions.ValidationError({"detail": "事项版本不存在。", "code": "version"})
    enterprise = None
    if data["enterprise_credit_code"]:
        enterprise = Enterprise.objects.filter(credit_code=data["enterprise_credit_code"]).first()
        if enterprise is None:
            raise exceptions.ValidationError(
                {"detail": "企业尚未登记，请先在综窗工作台登记。", "code": "enterprise"}
            )
    return {
        "item_version": version,
        "applicant": _registered("applicant", data["applicant_id_number"], "申请人"),
        "enterprise": enterprise,
    }


class ClerkCounterIntakeApi(ClerkApiMixin, APIView):
    """窗口一次办理: create the application, receive the materials and conclude
    (accept, correction notice or refusal) in one transaction, as the workbench's
    counter form does (``intake.services.counter.counter_intake``); a refused outcome
    leaves nothing behind. Permission: IsClerkAtWindow."""

    @extend_schema(
        tags=TAGS,
        summary="窗口一次办理（创建、收件、受理结论）",
        request=ClerkCounterIntakeSerializer,
        responses={
            201: ClerkApplicationDetailSerializer,
            **ERRORS,
            **error_responses({409: "该请求标识已办理过（重复提交），未重复办理"}),
        },
    )
    def post(self, request):
        data = self.validated(ClerkCounterIntakeSerializer)
        application = self.call(
            counter_intake,
            **_counter_parties(data),
            actor=request.user,
            particulars={
                **data,
                "by_agent": bool(data["agent_id_number"]),
                "agent_name": "",
            },
            verdicts=_verdicts(data),
            outcome=data,
            submission=data["submission"],
        )
        return self.detail(application.pk, status.HTTP_201_CREATED)


class ClerkApplicationDetailApi(ClerkApiMixin, APIView):
    """An application with its materials, verdicts, notices and every event (with the
    staff member's name: clerks see who did what). Permission: IsClerkAtWindow."""

    @extend_schema(
        tags=TAGS,
        summary="申请（办件）详情与办理过程",
        responses={200: ClerkApplicationDetailSerializer, **ERRORS},
    )
    def get(self, request, pk: int):
        return self.detail(pk)


class ClerkReceiveApi(ClerkApiMixin, APIView):
    """窗口收件: a counter draft becomes an open intake at this window; the verdicts
    (optional) record what was handed over for the 收件凭证. Permission: IsClerkAtWindow."""

    @_action_schema("窗口收件", ClerkReceiveSerializer)
    def post(self, request, pk: int):
        data = self.validated(ClerkReceiveSerializer)
        self.act(counter_receive, pk, verdicts=_verdicts(data))
        return self.outcome(pk)


class ClerkAcceptApi(ClerkApiMixin, APIView):
    """受理: a case number, due dates, the 受理通知书 (rendered after commit) and the
    hand-off to approvals; a 即办件 may be concluded at once. Permission: IsClerkAtWindow."""

    @_action_schema("受理", ClerkAcceptSerializer)
    def post(self, request, pk: int):
        data = self.validated(ClerkAcceptSerializer)
        application = self.act(
            intake_accept,
            pk,
            verdicts=_verdicts(data),
            conclude_immediately=data["conclude_immediately"],
            note=data["note"],
            visit=self.marked_visit(pk, data["visit"]),
        )
        return self.outcome(pk, application)


class ClerkCorrectionApi(ClerkApiMixin, APIView):
    """一次性告知补正: the verdicts name every missing or defective material; a later
    notice may not name a material passed before. Permission: IsClerkAtWindow."""

    @_action_schema("一次性告知补正", ClerkCorrectionSerializer)
    def post(self, request, pk: int):
        data = self.validated(ClerkCorrectionSerializer)
        self.act(
            intake_request_correction,
            pk,
            verdicts=_verdicts(data),
            note=data["note"],
            visit=self.marked_visit(pk, data["visit"]),
        )
        return self.outcome(pk)


class ClerkRefuseApi(ClerkApiMixin, APIView):
    """不予受理, with the kind, the reason and (outside the agency's powers) where to
    apply instead. Permission: IsClerkAtWindow."""

    @_action_schema("不予受理", ClerkRefuseSerializer)
    def post(self, request, pk: int):
        data = self.validated(ClerkRefuseSerializer)
        self.act(
            intake_refuse,
            pk,
            kind=data["kind"],
            reason=data["reason"],
            redirect_to=data["redirect_to"],
            visit=self.marked_visit(pk, data["visit"]),
        )
        return self.outcome(pk)
