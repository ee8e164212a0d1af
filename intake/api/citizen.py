"""The applicant's API (网上办): their applications — list, create, update the draft,
upload materials and the power of attorney, submit, withdraw, resubmit after a
correction notice — and the detail of any application with its events.

Every view names its permission in its docstring and in ``permission_classes``.
Visibility goes through ``intake.selectors.application_list_for``: an application
the user may not see is a 404, one they may see but not change (another
representative's enterprise application) a 403. Service refusals are a 400 with the
service's Chinese message and its code.

A change answers with the application's state (``ApplicationStateSerializer``: status,
dates, materials, what is still missing), serialized from the instance the service
locked and changed; the timeline, notices and correction notices are the detail's
(GET), so an upload does not reload every event of the case.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import IsCitizen
from accounts.selectors import citizen_for_user, enterprise_list_for
from catalog.version_cache import published_version_get
from jinpu_portal.api.errors import valid
from jinpu_portal.api.schema import error_responses

from ..citizen_selectors import my_application_flat_list
from ..models import Application
from ..selectors import application_get_for
from ..services.cases import (
    NOT_REPRESENTATIVE,
    application_resubmit,
    application_withdraw,
    material_upload,
)
from ..services.online import (
    application_start_online,
    application_submit_online,
    application_update_online,
    power_of_attorney_upload,
)
from ..services.slots import slots_of
from .citizen_serializers import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationListSerializer,
    ApplicationStateSerializer,
    ApplicationWriteSerializer,
    FileUploadSerializer,
    MaterialUploadSerializer,
    WithdrawSerializer,
)
from .common import PausedLimitsListMixin, ServiceCallMixin

TAGS = ["申请人：我的申请"]
# The other error answers (401, 415, ...) come from jinpu_portal.api.PortalAutoSchema.
ERRORS = error_responses(
    {
        400: "服务拒绝（状态不允许、缺少材料、文件不合格等）",
        403: "无权操作",
        404: "申请不存在或无权查看",
    }
)


def _change_schema(summary: str, request=None, status_code: int = status.HTTP_200_OK):
    """The schema of a change of the application: ``request`` in, its state out."""
    return extend_schema(
        tags=TAGS,
        summary=summary,
        request=request,
        responses={status_code: ApplicationStateSerializer, **ERRORS},
    )


class CitizenApiMixin(ServiceCallMixin):
    def detail(self, pk: int) -> Response:
        application = self.detailed(pk)
        context = {"viewer": self.request.user}
        return Response(ApplicationDetailSerializer(application, context=context).data)

    def state(self, application: Application, status_code: int = status.HTTP_200_OK) -> Response:
        """The answer to a change: ``application`` as the service left it (its slots
        loaded by the service's lock, or here)."""
        slots_of(application)
        return Response(ApplicationStateSerializer(application).data, status=status_code)


def _service_fields(data: dict) -> dict:
    """Serializer data → keyword arguments of ``application_update_online``."""
    kwargs = {
        name: data[name]
        for name in ("contact_phone", "delivery_method", "delivery_address", "note")
        if name in data
    }
    if "agent" in data:
        if data["agent"] is None:
            kwargs["clear_agent"] = True
        else:
            kwargs["agent"] = dict(data["agent"])
    return kwargs


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="我的申请列表", responses={200: ApplicationListSerializer})
)
class ApplicationListCreateApi(PausedLimitsListMixin, CitizenApiMixin, generics.ListCreateAPIView):
    """GET: the user's own applications and those of enterprises they represent,
    newest first, paginated. POST: start an online application (a draft).
    Permission: citizen role (IsCitizen)."""

    permission_classes = [IsAuthenticated, IsCitizen]
    serializer_class = ApplicationListSerializer
    filter_backends: list = []

    def get_queryset(self):
        return my_application_flat_list(user=self.request.user)

    @extend_schema(
        tags=TAGS,
        summary="网上申请：创建草稿",
        request=ApplicationCreateSerializer,
        responses={
            status.HTTP_201_CREATED: ApplicationStateSerializer,
            **ERRORS,
            **error_responses({409: "该请求标识已创建过草稿（重复提交），未重复创建"}),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = ApplicationCreateSerializer(data=request.data)
        data = valid(serializer)
        citizen = citizen_for_user(user=request.user)
        if citizen is None:
            raise exceptions.PermissionDenied("请先完成实名认证，再网上申请。")
        version = published_version_get(data["item_code"])
        if version is None:
            raise exceptions.ValidationError(
                {"detail": "未找到该事项，或该事项已停止办理。", "code": "unknown_item"}
            )
        enterprise = None
        if data.get("enterprise_id") is not None:
            enterprise = (
                enterprise_list_for(user=request.user, item=version.item_id)
                .filter(pk=data["enterprise_id"])
                .first()
            )
            if enterprise is None:
                raise exceptions.PermissionDenied(NOT_REPRESENTATIVE)
        application = self.call(
            application_start_online,
            item_version=version,
            applicant=citizen,
            actor=request.user,
            enterprise=enterprise,
            fields=_service_fields(data),
            submission=data["submission"],
        )
        return self.state(application, status.HTTP_201_CREATED)


class ApplicationDetailApi(CitizenApiMixin, APIView):
    """GET: one application with its materials, events (the timeline), notices and
    correction notices. Permission: any signed-in user who may see it
    (application_list_for: a citizen their own, a clerk those that reached a window,
    a supervisor their departments'). PATCH: update an online draft (or an application
    waiting for corrections); permission: its applicant (citizen role)."""

    def get_permissions(self):
        if self.request.method == "GET":
            return [IsAuthenticated()]
        return [IsAuthenticated(), IsCitizen()]

    @extend_schema(
        tags=TAGS,
        summary="申请详情（含办理过程）",
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    def get(self, request, pk: int):
        return self.detail(pk)

    @_change_schema("修改草稿", ApplicationWriteSerializer)
    def patch(self, request, pk: int):
        data = valid(ApplicationWriteSerializer(data=request.data, partial=True))
        return self.state(self.act(application_update_online, pk, **_service_fields(data)))


class ApplicationMaterialUploadApi(CitizenApiMixin, APIView):
    """Upload one material's file (multipart: material_id, file). The file's content
    must be PDF, JPEG or PNG within the size limit. Permission: the applicant
    (citizen role), while the application is a draft or waiting for corrections."""

    permission_classes = [IsAuthenticated, IsCitizen]
    parser_classes = [MultiPartParser, FormParser]

    @_change_schema("上传申请材料", {"multipart/form-data": MaterialUploadSerializer})
    def post(self, request, pk: int):
        data = valid(MaterialUploadSerializer(data=request.data))
        slot = self.act(
            material_upload, pk, material=data["material_id"], uploaded_file=data["file"]
        )
        return self.state(slot.application)


class ApplicationPowerOfAttorneyApi(CitizenApiMixin, APIView):
    """Upload the 授权委托书 for the agent named on the draft (multipart: file).
    Permission: the applicant (citizen role)."""

    permission_classes = [IsAuthenticated, IsCitizen]
    parser_classes = [MultiPartParser, FormParser]

    @_change_schema("上传授权委托书（委托代办时）", {"multipart/form-data": FileUploadSerializer})
    def post(self, request, pk: int):
        data = valid(FileUploadSerializer(data=request.data))
        self.act(power_of_attorney_upload, pk, uploaded_file=data["file"])
        return self.state(application_get_for(user=request.user, pk=pk))


class ApplicationSubmitApi(CitizenApiMixin, APIView):
    """Submit the draft for pre-review (网上预审): every required material uploaded
    (and the power of attorney when an agent is named). Permission: the applicant."""

    permission_classes = [IsAuthenticated, IsCitizen]

    @_change_schema("提交申请")
    def post(self, request, pk: int):
        return self.state(self.act(application_submit_online, pk))


class ApplicationWithdrawApi(CitizenApiMixin, APIView):
    """Withdraw while not yet accepted (draft, waiting for pre-review, or waiting for
    corrections). Permission: the applicant."""

    permission_classes = [IsAuthenticated, IsCitizen]

    @_change_schema("撤回申请", WithdrawSerializer)
    def post(self, request, pk: int):
        data = valid(WithdrawSerializer(data=request.data))
        reason = data.get("reason", "").strip()
        return self.state(self.act(application_withdraw, pk, reason=reason))


class ApplicationResubmitApi(CitizenApiMixin, APIView):
    """After a correction notice: resubmit once every named material has been uploaded
    again. Permission: the applicant."""

    permission_classes = [IsAuthenticated, IsCitizen]

    @_change_schema("补正后重新提交")
    def post(self, request, pk: int):
        return self.state(self.act(application_resubmit, pk))
