"""The approvals app (部门审批); ``ready`` connects its receivers and registers its event
codes and home actions."""

from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "部门审批"

    def ready(self):
        from intake.services.cases import case_accepted, case_concluded

        from . import events

        # Approvals' event codes in intake's case record (see approvals.events).
        events.register()
        from intake.signals import notice_downloaded, notice_rendered

        from .receivers import (
            deliver_on_the_spot,
            record_electronic_delivery,
            route_accepted_case,
            tell_result_ready,
        )

        case_accepted.connect(route_accepted_case, dispatch_uid="approvals.route_accepted_case")
        case_concluded.connect(deliver_on_the_spot, dispatch_uid="approvals.deliver_on_the_spot")
        notice_downloaded.connect(
            record_electronic_delivery, dispatch_uid="approvals.record_electronic_delivery"
        )
        notice_rendered.connect(tell_result_ready, dispatch_uid="approvals.tell_result_ready")
        self._connect_calendar_edits()
        self._register_home_actions()
        self._register_page_hooks()

    @staticmethod
    def _register_page_hooks():
        """On the applicant's page of a case: 补正 (what a department asked to supplement
        and where to hand it in) while it waits for that, 办理结果 (the outcome, the
        result document, its delivery) once concluded. On intake's pages showing a
        case's promised or statutory due date, and in its APIs: the working days left while
        it is paused."""
        from intake.page_hooks import register_applicant_case_panel, register_paused_limits

        from .selectors import paused_limit_details
        from .views import applicant_result_panel, applicant_supplement_panel

        register_applicant_case_panel(applicant_supplement_panel)
        register_applicant_case_panel(applicant_result_panel)
        register_paused_limits(paused_limit_details)

    @staticmethod
    def _connect_calendar_edits():
        """A calendar edit (catalog) queues the re-derivation of open clocks' due dates."""
        from catalog.signals import calendar_edited

        from .receivers import rederive_on_calendar_edit

        calendar_edited.connect(
            rederive_on_calendar_edit, dispatch_uid="approvals.rederive_on_calendar_edit"
        )

    @staticmethod
    def _register_home_actions():
        from accounts.constants import Role
        from accounts.navigation import HomeAction, register_action, register_alerts

        from .selectors import extension_alerts, head_extension_alerts

        register_action(
            Role.APPROVER,
            HomeAction(
                "我的待办", "本部门待审批的办件，按紧急程度排序", "approvals:inbox", "bi-inbox", 10
            ),
        )
        register_action(
            Role.APPROVER,
            HomeAction(
                "延期审批", "部门负责人批准延长办理期限", "approvals:extensions", "bi-hourglass", 30
            ),
        )
        register_action(
            Role.GOVERNMENT_HEAD,
            HomeAction(
                "联办延期审批",
                "批准联办事项延长办理期限（《行政许可法》第四十二条）",
                "approvals:extensions",
                "bi-hourglass",
                10,
            ),
        )
        register_alerts(Role.GOVERNMENT_HEAD, extension_alerts)
        register_alerts(Role.APPROVER, head_extension_alerts)
        register_action(
            Role.CLERK,
            HomeAction(
                "出件登记",
                "办结件窗口领取、邮寄登记，审批补正与容缺材料收件",
                "approvals:counter",
                "bi-box-seam",
                40,
            ),
        )
        register_action(
            Role.SUPERVISOR,
            HomeAction("督办记录", "超期办件的督办记录", "approvals:escalations", "bi-flag", 20),
        )
        register_action(
            Role.SUPERVISOR,
            HomeAction(
                "延期审批",
                "查看待批准的延期申请（由负责人批准，督查人员可督办）",
                "approvals:extensions",
                "bi-hourglass",
                30,
            ),
        )
