"""The approvals API: an approver's tasks and the acts on them, extensions, the clocks
of a case, 督办 records.

Permissions, per view (also in each docstring and ``permission_classes``):
- tasks: role approver; a task is visible only among the departments the user acts for
  (django-guardian), and every service re-checks it;
- extensions: the head of the department deciding the case decides, the district
  government's head those of joint handling (the service checks); supervisors list
  those they watch, read-only; an extension the user has no part in
  (``selectors.extension_get_for``; a joint one, for an approver) is a 404;
- case clocks: whoever may see the case (applicant, clerks, supervisors, approvers with
  a task on it); supplement received: the applicant or a clerk;
- escalations (督办): role supervisor, scoped to the departments they watch.

Service refusals are a 400 with the service's Chinese message and code; a task someone
else moved first is a 409 (code ``conflict``); acting for another department a 403.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import HasRole, IsApprover, IsSupervisor
from accounts.constants import Role
from accounts.models import User
from intake.models import Application
from jinpu_portal.api.errors import Conflict, valid
from jinpu_portal.api.schema import action_schemas, error_responses
from jinpu_portal.refusals import error_text
from jinpu_portal.views import found_or_404

from ..constants import Decision, Light
from ..forms import supplement_item_files
from ..selectors import (
    INBOX_STATUSES,
    TaskFilters,
    application_visible_to,
    case_clocks,
    escalation_list_for,
    extension_get_for,
    extension_list_decidable_by,
    extension_list_watched_by,
    task_get_for,
    task_list_for,
)
from ..services import tasks as svc
from ..services import tolerance as tolerance_svc
from .serializers import (
    CaseClocksSerializer,
    DecideSerializer,
    EscalationSerializer,
    ExtensionDecideSerializer,
    ExtensionRequestSerializer,
    ExtensionSerializer,
    ReassignSerializer,
    SpecialEndSerializer,
    SpecialStartSerializer,
    SupplementReceiveSerializer,
    SupplementSerializer,
    TakeOverSerializer,
    TaskActionResultSerializer,
    TaskDetailSerializer,
    TaskListSerializer,
    TerminateSerializer,
    ToleratedReceivedSerializer,
    VersionSerializer,
)

TAGS = ["部门审批"]
# The acts' error answers; the others (401, 415, ...) come from
# jinpu_portal.api.PortalAutoSchema.
ERRORS = error_responses(
    {
        400: "服务拒绝（状态不允许、缺少理由、超出时限等）",
        403: "无权以该部门名义办理",
        404: "任务不存在或无权查看",
        409: "任务已被他人处理或更新（并发冲突）",
    }
)
READ_ERRORS = {403: ERRORS[403], 404: ERRORS[404]}


def call_service(func, **kwargs):
    """Run a service, turning its refusals into API errors with the Chinese message: a
    refusal with code ``conflict`` (``TaskConflict``, the hall's ``HallConflict``:
    someone acted first) is a 409, any other a 400; no permission a 403."""
    try:
        return func(**kwargs)
    except DjangoValidationError as error:
        if error.code == "conflict":
            raise Conflict({"detail": error_text(error), "code": "conflict"}) from error
        raise exceptions.ValidationError(
            {"detail": error_text(error), "code": error.code or "invalid"}
        ) from error
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(
            {"detail": error_text(error), "code": "permission_denied"}
        ) from error


class IsApproverOrSupervisor(HasRole):
    roles = (Role.APPROVER, Role.SUPERVISOR)
    message = "仅审批人员或督查人员可以使用此接口。"


class MayDecideExtensions(HasRole):
    """An approver (a department head decides) or the district government's head
    (区政府负责人: the extensions of joint handling)."""

    roles = (Role.APPROVER, Role.GOVERNMENT_HEAD)
    message = "仅审批人员或区政府负责人可以使用此接口。"


class SeesExtensions(HasRole):
    roles = (Role.APPROVER, Role.GOVERNMENT_HEAD, Role.SUPERVISOR)
    message = "仅审批人员、区政府负责人或督查人员可以使用此接口。"


TASK_FILTERS = [
    OpenApiParameter(
        "status",
        str,
        enum=list(INBOX_STATUSES),
        description="open 全部待办（默认）、unclaimed 待认领、mine 我认领的、completed 已办结",
    ),
    OpenApiParameter("light", int, enum=list(Light.values), description="0 绿灯 1 黄灯 2 红灯"),
    OpenApiParameter("department", int, description="部门 id（须为可代表的部门）"),
    OpenApiParameter("item", str, description="事项名称、实施编码或办件编号"),
]


@extend_schema_view(get=extend_schema(tags=TAGS, summary="待办任务列表", parameters=TASK_FILTERS))
class TaskListApi(ListAPIView):
    """我的待办: tasks of the departments the user acts for, most urgent first (red,
    yellow, then by due date). Permission: IsApprover; scoped by guardian."""

    permission_classes = [IsApprover]
    serializer_class = TaskListSerializer
    filter_backends: list = []

    def get_queryset(self):
        return task_list_for(
            user=self.request.user, filters=TaskFilters.from_query(self.request.query_params)
        )


class TaskMixin:
    permission_classes = [IsApprover]

    def get_task(self, pk):
        return found_or_404(task_get_for(user=self.request.user, pk=pk), "任务不存在或无权查看。")

    def result(self, pk, notice=None):
        task = self.get_task(pk)
        data = {
            "task": TaskDetailSerializer(task).data,
            "notice": {
                "id": notice.pk,
                "kind": notice.kind,
                "number": notice.number,
                "verification_code": notice.verification_code,
            }
            if notice is not None
            else None,
        }
        return Response(data)

    def act(self, task, data, service, *fields, returns_notice=False, **arguments):
        """Call ``service`` on ``task`` for the signed-in user with the expected version,
        the request's ``fields`` and the other ``arguments``; answer the task as it is now
        (and the notice, when the service returns one)."""
        result = call_service(
            service,
            task=task,
            actor=self.request.user,
            expected_version=data["version"],
            **{name: data[name] for name in fields},
            **arguments,
        )
        return self.result(task.pk, result if returns_notice else None)


class TaskDetailApi(TaskMixin, APIView):
    """One task with its case's status and due dates. Permission: IsApprover; the task's
    department must be one the user acts for."""

    @extend_schema(
        tags=TAGS, summary="任务详情", responses={200: TaskDetailSerializer, **READ_ERRORS}
    )
    def get(self, request, pk):
        return Response(TaskDetailSerializer(self.get_task(pk)).data)


_action_schema = action_schemas(
    tags=TAGS, errors=ERRORS, request=VersionSerializer, response=TaskActionResultSerializer
)


class TaskClaimApi(TaskMixin, APIView):
    """认领. Permission: IsApprover acting for the task's department."""

    @_action_schema("认领任务")
    def post(self, request, pk):
        data = _valid(VersionSerializer, request)
        return self.act(self.get_task(pk), data, svc.task_claim)


class TaskReleaseApi(TaskMixin, APIView):
    """退回部门待办. Permission: the assignee or a department head."""

    @_action_schema("退回待办")
    def post(self, request, pk):
        data = _valid(VersionSerializer, request)
        return self.act(self.get_task(pk), data, svc.task_release)


class TaskReassignApi(TaskMixin, APIView):
    """改派 within the department. Permission: acting for the department; someone else's
    task needs a department head; the new assignee must act for the department."""

    @_action_schema("改派任务", ReassignSerializer)
    def post(self, request, pk):
        data = _valid(ReassignSerializer, request)
        task = self.get_task(pk)
        assignee = User.objects.filter(pk=data["assignee"]).first()
        if assignee is None:
            raise exceptions.ValidationError({"detail": "改派对象不存在。", "code": "assignee"})
        return self.act(task, data, svc.task_reassign, assignee=assignee)


class TaskTakeOverApi(TaskMixin, APIView):
    """接办: a department head takes over a task another approver of the department
    claimed, with a reason (kept in the record for staff; the previous assignee is told).
    Permission: the head of the task's department (403 for anyone else); an unclaimed
    task or one's own is a 400 (claim it), a closed one or one moved meanwhile a 409."""

    @_action_schema("部门负责人接办任务", TakeOverSerializer)
    def post(self, request, pk):
        data = _valid(TakeOverSerializer, request)
        return self.act(self.get_task(pk), data, svc.task_take_over, "reason")


class TaskDecideApi(TaskMixin, APIView):
    """同意 (with an opinion) or 不予许可 (with a legal reason; the case concludes).
    Permission: acting for the department; the task unclaimed or the user's."""

    @_action_schema("办理：同意或不予许可", DecideSerializer)
    def post(self, request, pk):
        data = _valid(DecideSerializer, request)
        task = self.get_task(pk)
        if data["decision"] == Decision.APPROVE:
            return self.act(task, data, svc.task_approve, "opinion")
        return self.act(task, data, svc.task_deny, "reason", "legal_basis", returns_notice=True)


class TaskSupplementApi(TaskMixin, APIView):
    """要求补正: the clocks pause until the supplement arrives; the applicant gets the
    审查补正告知书. Permission: acting for the department."""

    @_action_schema("要求申请人补正", SupplementSerializer)
    def post(self, request, pk):
        data = _valid(SupplementSerializer, request)
        return self.act(
            self.get_task(pk),
            data,
            svc.task_request_supplement,
            "items",
            "note",
            returns_notice=True,
        )


class TaskSpecialStartApi(TaskMixin, APIView):
    """启动特别程序 (art. 45): the clocks pause; the applicant is told in writing how long.
    Permission: acting for the department."""

    @_action_schema("启动特别程序", SpecialStartSerializer)
    def post(self, request, pk):
        data = _valid(SpecialStartSerializer, request)
        return self.act(
            self.get_task(pk),
            data,
            svc.special_procedure_start,
            "reason",
            "expected_days",
            kind=data["procedure_kind"],
            returns_notice=True,
        )


class TaskSpecialEndApi(TaskMixin, APIView):
    """结束特别程序: the clocks count again. Permission: acting for the department."""

    @_action_schema("结束特别程序", SpecialEndSerializer)
    def post(self, request, pk):
        data = _valid(SpecialEndSerializer, request)
        return self.act(self.get_task(pk), data, svc.special_procedure_end, "result")


class TaskExtensionApi(TaskMixin, APIView):
    """申请延期 (art. 42). Permission: acting for the department."""

    @_action_schema("申请延期", ExtensionRequestSerializer, ExtensionSerializer, status=201)
    def post(self, request, pk):
        data = _valid(ExtensionRequestSerializer, request)
        extension = call_service(
            svc.extension_request,
            task=self.get_task(pk),
            actor=request.user,
            days=data["days"],
            reason=data["reason"],
            expected_version=data["version"],
        )
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)


class TaskTerminateApi(TaskMixin, APIView):
    """终止办理 with the reasons (e.g. a 容缺 pledge not kept): open tasks are cancelled,
    the clocks stop, the applicant is told. Permission: acting for the department; the
    task unclaimed or the user's."""

    @_action_schema("终止办理", TerminateSerializer)
    def post(self, request, pk):
        data = _valid(TerminateSerializer, request)
        task = self.get_task(pk)
        call_service(
            tolerance_svc.case_terminate,
            task=task,
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        )
        task.refresh_from_db()
        return Response(TaskActionResultSerializer({"task": task, "notice": None}).data)


@extend_schema_view(get=extend_schema(tags=TAGS, summary="待批准的延期申请"))
class ExtensionListApi(ListAPIView):
    """Pending extensions. Permission: SeesExtensions; a department head sees those they
    may decide (not joint handling), the district government's head the joint ones
    (联办), a supervisor those of the departments they watch (read-only: supervisors do
    not decide extensions)."""

    permission_classes = [SeesExtensions]
    serializer_class = ExtensionSerializer
    filter_backends: list = []

    def get_queryset(self):
        if self.request.user.has_role(Role.SUPERVISOR):
            return extension_list_watched_by(user=self.request.user)
        return extension_list_decidable_by(user=self.request.user)


class ExtensionDecideApi(APIView):
    """批准或不批准延期: the case clocks extend and the applicant gets the written notice.
    Permission: MayDecideExtensions, and the head of the department deciding the case
    or, for joint handling (联办), the district government's head (checked by the
    service; a joint extension is a 404 to an approver); never the requester, never a
    supervisor (行政许可法 art. 42)."""

    permission_classes = [MayDecideExtensions]

    @_action_schema("批准延期", ExtensionDecideSerializer, ExtensionSerializer)
    def post(self, request, pk):
        extension = found_or_404(
            extension_get_for(user=request.user, pk=pk), "延期申请不存在或无权查看。"
        )
        data = _valid(ExtensionDecideSerializer, request)
        extension = call_service(
            svc.extension_decide,
            extension=extension,
            actor=request.user,
            approve=data["approve"],
            note=data["note"],
        )
        return Response(ExtensionSerializer(extension).data)


def _visible_case(request, pk) -> Application:
    application = Application.objects.filter(pk=pk).first()
    if application is None or not application_visible_to(
        user=request.user, application=application
    ):
        raise exceptions.NotFound({"detail": "办件不存在或无权查看。", "code": "not_found"})
    return application


def _clocks_answer(application: Application) -> Response:
    return Response(
        CaseClocksSerializer(
            {
                "application": application.pk,
                "case_number": application.case_number or "",
                "status": application.status,
                "promised_due_date": application.promised_due_date,
                "statutory_due_date": application.statutory_due_date,
                "clocks": case_clocks(application),
            }
        ).data
    )


class CaseClocksApi(APIView):
    """The clocks of a case: promised and statutory, each step's, with pauses, lights and
    time left. Permission: IsAuthenticated and allowed to see the case (applicant,
    clerks, supervisors, approvers with a task on it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="办件时限",
        responses={200: CaseClocksSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk):
        return _clocks_answer(_visible_case(request, pk))


class CaseSupplementReceiveApi(APIView):
    """补正材料已提交: the files are kept with the case and the clocks resume.
    Permission: the applicant (or an enterprise representative) or a clerk; checked by
    the service. The files come in a multipart body, ``item_<n>`` (one or more parts
    each) for the notice's item n, from 1: every item needs one from the applicant, a
    clerk's are optional; any refused file refuses the whole supplement (400)."""

    permission_classes = [IsAuthenticated]

    @_action_schema("提交（收取）补正材料", SupplementReceiveSerializer, CaseClocksSerializer)
    def post(self, request, pk):
        data = _valid(SupplementReceiveSerializer, request)
        application = _visible_case(request, pk)
        call_service(
            svc.supplement_receive,
            application=application,
            actor=request.user,
            note=data["note"],
            files=supplement_item_files(request.FILES),
        )
        application.refresh_from_db()
        return _clocks_answer(application)


class CaseToleratedReceiveApi(APIView):
    """容缺材料已补交: a clerk, or an approver acting for a department on the case, registers
    the material; the case may then conclude."""

    permission_classes = [IsAuthenticated]

    @_action_schema("登记容缺材料补交", None, ToleratedReceivedSerializer)
    def post(self, request, pk, material):
        application = _visible_case(request, pk)
        slot = call_service(
            tolerance_svc.tolerated_material_receive,
            application=application,
            slot=material,
            actor=request.user,
        )
        return Response(
            ToleratedReceivedSerializer(
                {"id": slot.pk, "name": slot.material.name, "status": slot.status}
            ).data
        )


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="督办记录",
        parameters=[OpenApiParameter("status", str, enum=["open", "resolved"])],
    )
)
class EscalationListApi(ListAPIView):
    """督办 records of the departments the supervisor watches (district-wide: all).
    Permission: IsSupervisor."""

    permission_classes = [IsSupervisor]
    serializer_class = EscalationSerializer
    filter_backends: list = []

    def get_queryset(self):
        return escalation_list_for(
            user=self.request.user, status=self.request.query_params.get("status", "")
        )


def _valid(serializer_class, request) -> dict:
    data = dict(valid(serializer_class(data=request.data)))
    data.setdefault("version", None)
    return data
