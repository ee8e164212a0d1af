"""The API of 差评整改: the orders in a staff member's scope and their actions, the
appeals a supervisor rules on.

Permissions, per view (also in each docstring and ``permission_classes``):
- orders: clerks, approvers and supervisors (IsStaff); an order is found only in the
  user's scope (the owning unit's, or a supervisor's departments), else 404; the
  actions are the owning unit's, the ruling a supervisor's, re-checked by the service
  (403 with its Chinese message);
- appeals: supervisors, in the departments they watch.

Refusals of the services are a 400 with their Chinese message and code (``transition``
for a move the order's state does not allow), in the one error shape.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsSupervisor
from approvals.api.views import call_service
from jinpu_portal.api.errors import valid
from jinpu_portal.api.schema import action_schemas, error_responses
from jinpu_portal.views import found_or_404

from ..constants import AppealStatus, OrderStatus
from ..order_selectors import appeal_get_for, appeal_list_for, order_get_for, order_list_for
from ..services import orders as svc
from .figures import IsFeedbackStaff
from .order_serializers import (
    AppealDecideSerializer,
    AppealFileSerializer,
    AppealSerializer,
    CallBackSerializer,
    OrderDetailSerializer,
    OrderSerializer,
    ReplySerializer,
    RuleSerializer,
    VisitSerializer,
)

TAGS = ["差评整改"]
ERRORS = error_responses(
    {
        400: "服务拒绝（状态不允许、缺少内容、文件不符等）",
        403: "不是整改单位或督查人员",
        404: "整改单不存在或不在您的范围内",
    }
)
STATUSES = ["open", *OrderStatus.values]


class IsStaff(IsFeedbackStaff):
    """A signed-in clerk, approver or supervisor (IsFeedbackStaff's roles), told what
    this API is for."""

    message = "仅窗口人员、审批人员或督查人员可以使用此接口。"


def _status_param(request, allowed, *, default: str) -> str:
    """The list's ``status`` filter (``default`` when not given); a value not ``allowed``
    is a 400."""
    status = request.query_params.get("status", default)
    if status not in allowed:
        raise exceptions.ValidationError(
            {"detail": "状态：不是有效的选项。", "code": "invalid", "errors": {}}
        )
    return status


class OrderListApi(ListAPIView):
    """差评整改单: those of the user's unit (a hall's clerks: its intake orders; a
    department's approvers: its conclusion orders), and a supervisor's departments';
    newest first. Permission: IsStaff. The rater's name and telephone are in each row:
    only the owning unit and supervisors reach it."""

    permission_classes = [IsStaff]
    serializer_class = OrderSerializer
    filter_backends: list = []

    def get_queryset(self):
        status = _status_param(self.request, ["", *STATUSES], default="")
        return order_list_for(user=self.request.user, status=status)

    @extend_schema(
        tags=TAGS,
        summary="差评整改单列表",
        parameters=[
            OpenApiParameter(
                "status", str, enum=STATUSES, description="open 未办结，或某一状态；不填为全部"
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrderMixin:
    permission_classes = [IsStaff]

    def get_order(self, pk):
        return found_or_404(
            order_get_for(user=self.request.user, pk=pk), "整改单不存在或不在您的范围内。"
        )

    def result(self, pk):
        order = order_get_for(user=self.request.user, pk=pk)
        return Response(OrderDetailSerializer(order).data)

    def act(self, request, pk, serializer_class, service):
        """Call ``service`` on the order for the signed-in user with the request's fields
        (validated by ``serializer_class``); answer the order as it is now."""
        order = self.get_order(pk)
        data = valid(serializer_class(data=request.data))
        call_service(service, order=order, actor=request.user, **data)
        return self.result(pk)


_action_schema = action_schemas(tags=TAGS, errors=ERRORS, response=OrderDetailSerializer)


class OrderDetailApi(OrderMixin, APIView):
    """一张整改单：差评、评价人、时限、回访评价、申诉和办理记录. Permission: IsStaff, in scope."""

    @extend_schema(
        tags=TAGS,
        summary="差评整改单",
        responses={200: OrderDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk):
        return Response(OrderDetailSerializer(self.get_order(pk)).data)


class OrderCallBackApi(OrderMixin, APIView):
    """回访核实: the unit has called the citizen and verified; the rectification clock
    starts. Permission: the owning unit."""

    @_action_schema("登记回访核实", CallBackSerializer)
    def post(self, request, pk):
        return self.act(request, pk, CallBackSerializer, svc.order_call_back)


class OrderReplyApi(OrderMixin, APIView):
    """整改答复: tells the citizen (in-portal and SMS); the order waits for the return
    visit. Permission: the owning unit."""

    @_action_schema("整改答复群众", ReplySerializer)
    def post(self, request, pk):
        return self.act(request, pk, ReplySerializer, svc.order_reply)


class OrderReturnVisitApi(OrderMixin, APIView):
    """回访评价 recorded by the unit after a telephone return visit: 满意/基本满意 closes
    the order; the first 不满意 reopens it once; a second sends it to a supervisor.
    Permission: the owning unit."""

    @_action_schema("登记电话回访评价", VisitSerializer)
    def post(self, request, pk):
        return self.act(request, pk, VisitSerializer, svc.order_visit)


class OrderAppealApi(OrderMixin, APIView):
    """申诉复核: the unit asks a supervisor to rule the 差评 mistaken or malicious
    (multipart: kind, reason, evidence as PDF, JPEG or PNG). One per order.
    Permission: the owning unit."""

    parser_classes = [MultiPartParser, FormParser]

    @_action_schema(
        "提出差评申诉",
        {"multipart/form-data": AppealFileSerializer},
        AppealSerializer,
        status=201,
    )
    def post(self, request, pk):
        order = self.get_order(pk)
        data = valid(AppealFileSerializer(data=request.data))
        appeal = call_service(
            svc.appeal_file,
            order=order,
            actor=request.user,
            kind=data["kind"],
            reason=data["reason"],
            evidence=data["evidence"],
        )
        return Response(AppealSerializer(appeal).data, status=201)


class OrderRuleApi(OrderMixin, APIView):
    """督查裁定 of an order unsatisfied twice. Permission: a supervisor of its department."""

    @_action_schema("督查裁定", RuleSerializer)
    def post(self, request, pk):
        return self.act(request, pk, RuleSerializer, svc.order_rule)


class AppealListApi(ListAPIView):
    """The appeals of the departments the supervisor watches, oldest first.
    Permission: IsSupervisor."""

    permission_classes = [IsSupervisor]
    serializer_class = AppealSerializer
    filter_backends: list = []

    def get_queryset(self):
        status = _status_param(self.request, AppealStatus.values, default=AppealStatus.PENDING)
        return appeal_list_for(user=self.request.user, status=status)

    @extend_schema(
        tags=TAGS,
        summary="差评申诉列表",
        parameters=[OpenApiParameter("status", str, enum=AppealStatus.values)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AppealDecideApi(APIView):
    """复核申诉: accepted, the rating leaves the figures (kept in the record) and the order
    closes; rejected, the order goes on. Permission: a supervisor of the order's
    department."""

    permission_classes = [IsSupervisor]

    @_action_schema("复核差评申诉", AppealDecideSerializer, AppealSerializer)
    def post(self, request, pk):
        appeal = found_or_404(
            appeal_get_for(user=request.user, pk=pk), "申诉不存在或不在您的范围内。"
        )
        data = valid(AppealDecideSerializer(data=request.data))
        appeal = call_service(
            svc.appeal_decide,
            appeal=appeal,
            actor=request.user,
            accept=data["accept"],
            reason=data["reason"],
        )
        return Response(AppealSerializer(appeal).data)
