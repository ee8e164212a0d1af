"""The feedback app (好差评): ratings of the services a case receives, the
rectification of every 差评, and the counter pads (评价器) at the windows."""

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "好差评"

    def ready(self):
        self._connect_instances()
        self._register_page_hooks()
        self._connect_orders()
        self._register_pad_pages()

    @staticmethod
    def _connect_instances():
        """Each rateable act opens its service instance in its own transaction
        (feedback.receivers)."""
        from approvals.signals import case_decided
        from intake.services.cases import case_accepted, case_concluded, case_refused

        from .receivers import (
            open_conclusion_instance,
            open_immediate_conclusion_instance,
            open_intake_instance,
        )

        case_accepted.connect(open_intake_instance, dispatch_uid="feedback.intake_accepted")
        case_refused.connect(open_intake_instance, dispatch_uid="feedback.intake_refused")
        case_decided.connect(open_conclusion_instance, dispatch_uid="feedback.case_decided")
        case_concluded.connect(
            open_immediate_conclusion_instance, dispatch_uid="feedback.case_concluded"
        )

    @staticmethod
    def _register_page_hooks():
        """The rating links on intake's public pages of a case (the notice check the QR
        code opens, the progress query) and the rating card on the applicant's page."""
        from intake.page_hooks import register_applicant_case_panel, register_public_case_links

        from .views.rate import applicant_rating_panel, public_rating_links

        register_public_case_links(public_rating_links)
        register_applicant_case_panel(applicant_rating_panel)

    @staticmethod
    def _connect_orders():
        """差评整改: each 差评 opens its order in the rating's transaction; approvals' sweep
        names the owners of the orders' clocks through our hook; the units' and the
        supervisors' pages on the home page."""
        from accounts.constants import Role
        from accounts.navigation import HomeAction, register_action
        from approvals import clock_owners
        from approvals.constants import ClockKind

        from .constants import FEEDBACK_STAFF
        from .services.orders import clock_owners_for, open_order_on_bad_rating
        from .signals import bad_rating_recorded

        bad_rating_recorded.connect(
            open_order_on_bad_rating, dispatch_uid="feedback.open_order_on_bad_rating"
        )
        clock_owners.register(ClockKind.RECTIFICATION, clock_owners_for)
        for role in FEEDBACK_STAFF:
            register_action(
                role,
                HomeAction(
                    "差评整改",
                    "差评回访核实、整改答复、回访评价",
                    "feedback:orders",
                    "bi-chat-square-heart",
                    50,
                ),
            )
        register_action(
            Role.SUPERVISOR,
            HomeAction(
                "差评申诉复核", "认定误评、恶意评价", "feedback:appeals", "bi-shield-check", 55
            ),
        )
        register_action(
            Role.SUPERVISOR,
            HomeAction("回头看", "不满意办件的回头看", "feedback:reviews", "bi-arrow-repeat", 60),
        )

    @staticmethod
    def _register_pad_pages():
        """The clerk's page of the pads of their window (评价器)."""
        from accounts.constants import Role
        from accounts.navigation import HomeAction, register_action

        register_action(
            Role.CLERK,
            HomeAction(
                "评价器", "登记、停用本窗口面向群众的评价器", "feedback:pads", "bi-tablet", 60
            ),
        )
