"""What the applicant's and the clerks' APIs share: running a service on an
application and turning its refusals into API errors, finding one for its detail."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers

from jinpu_portal.api.errors import duplicate_conflict
from jinpu_portal.api.fields import load_case_limits
from jinpu_portal.db import fastpath_off
from jinpu_portal.submissions import DuplicateSubmission

from ..models import Application, CaseEvent, Notice
from ..page_hooks import paused_limit_details
from ..selectors import application_detail_for, application_list_for

NOT_FOUND = "未找到该申请，或您无权查看。"


class ServiceCallMixin:
    """Runs a service call; its refusals become a 400 (with the service's Chinese
    message and code) or a 403; a request key sent again (``DuplicateSubmission``) a
    409 naming the application the first request made.

    The services lock the application and check the actor themselves (its applicant,
    or a clerk at its window), so a call that succeeds acted on an application the user
    may see. Visibility (``application_list_for``) is therefore asked only when a call
    fails: an application the user may not see is a 404 whatever the service said, so
    a refusal never tells that it exists. That saves every change a query."""

    def call(self, service, **kwargs):
        try:
            return service(**kwargs)
        except Application.DoesNotExist:
            raise exceptions.NotFound(NOT_FOUND) from None
        except DuplicateSubmission as error:
            made = error.made
            first = f"首次办理的申请 id：{made.pk}。" if isinstance(made, Application) else ""
            raise duplicate_conflict(error, first) from None
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            target = kwargs.get("application")
            if target is not None and not self.may_see(target.pk):
                raise exceptions.NotFound(NOT_FOUND) from None
            if isinstance(error, DjangoPermissionDenied):
                raise exceptions.PermissionDenied(str(error) or None) from None
            raise self.refused(error) from None

    def refused(self, error: DjangoValidationError) -> exceptions.ValidationError:
        """The 400 of a service's refusal ``error``: its message and code."""
        return exceptions.ValidationError(
            {"detail": "；".join(error.messages), "code": error.code or "invalid"}
        )

    def act(self, service, pk: int, **arguments):
        """``call`` ``service`` on application ``pk`` for the signed-in user."""
        return self.call(
            service, application=self.visible(pk), actor=self.request.user, **arguments
        )

    def detailed(self, pk: int) -> Application:
        """Application ``pk`` loaded for its detail (``application_detail_for``); a 404
        when the user may not see it."""
        application = application_detail_for(user=self.request.user, pk=pk)
        if application is None:
            raise exceptions.NotFound(NOT_FOUND)
        return application

    def may_see(self, pk: int) -> bool:
        return application_list_for(user=self.request.user).filter(pk=pk).exists()

    def visible(self, pk: int) -> Application:
        """The application to hand to a service: a stand-in carrying the id (the
        service locks and loads the row; ``call`` answers 404 for one the user may not
        see)."""
        return Application(pk=pk)


class PausedLimitsListMixin:
    """A list view of applications answering their paused limits (``paused``,
    ``promised_paused_days_left``...; ``jinpu_portal.api.fields.PromisedLimitSerializer``):
    those of the page are loaded in one query (intake's page hook), whatever its size."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._paused_limits = load_case_limits(paused_limit_details, page or [])
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "_paused_limits"):
            context["paused_limits"] = self._paused_limits
        return context


class WrittenOutMixin:
    """For a serializer of the intake path's answers whose output is written out by hand
    in ``written_representation``: DRF builds every declared field object on each
    instance before it writes a value, which costs more than the rest of an upload. The
    declared fields stay the OpenAPI schema; ``declared_representation`` is what they
    would give, and tests/intake/test_api_representations.py checks the two agree."""

    def to_representation(self, instance):
        if fastpath_off("written_out"):
            return self.declared_representation(instance)
        return self.written_representation(instance)

    def written_representation(self, instance):
        raise NotImplementedError

    def declared_representation(self, instance):
        return super().to_representation(instance)


# A notice as the applicant's and the clerks' APIs list it; each side says where its PDF
# is downloaded (``get_download_url``). No docstring: the schema would show it as the
# description of both sides' components.
class NoticeBaseSerializer(serializers.ModelSerializer):
    # Plain strings, not enums: "kind" and "status" name other choice sets elsewhere in
    # the schema, and drf-spectacular cannot name colliding enums well.
    kind = serializers.CharField(help_text="文书类型，见 kind_label")
    kind_label = serializers.CharField(source="title")
    status = serializers.CharField(help_text="pending 生成中 / ready 已生成 / failed 生成失败")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "kind_label",
            "number",
            "issued_at",
            "status",
            "sha256",
            "verification_code",
            "download_url",
        ]


class CaseEventSerializer(serializers.ModelSerializer):
    """One timeline entry: when, what, where, by whom (role and department only, never a
    staff name: an internal act's message is empty, see intake.events). The clerks'
    ClerkEventSerializer adds the actor and the full message."""

    from_status = serializers.CharField(help_text="原状态（不改变状态的事件为空）")
    to_status = serializers.CharField(help_text="新状态（不改变状态的事件为空）")
    action_label = serializers.CharField(source="label")
    channel_label = serializers.CharField(source="get_channel_display")
    hall = serializers.SerializerMethodField()
    window = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField(help_text="办理部门")
    message = serializers.CharField(
        source="public_message", help_text="说明（内部办理环节不显示，不含工作人员姓名）"
    )

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "at",
            "action",
            "action_label",
            "from_status",
            "to_status",
            "actor_role",
            "channel",
            "channel_label",
            "hall",
            "window",
            "department",
            "message",
        ]

    def get_hall(self, event) -> str:
        return event.hall.name if event.hall_id else ""

    def get_window(self, event) -> str:
        return str(event.window) if event.window_id else ""

    def get_department(self, event) -> str:
        return event.department.name if event.department_id else ""
