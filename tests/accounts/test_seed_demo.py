"""`manage.py seed_demo` (what `make demo` runs) is idempotent and gives every demo
account its role and scope."""

import io
import tempfile

from django.apps import apps
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import User
from accounts.selectors import user_scope
from supervision.models import CaseItemDay, RollupState
from supervision.refresh import refresh


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


class SeededDemo(TestCase):
    """The demo seeded once for the class (``setUpTestData``, in a transaction rolled back
    after the class; each test in a savepoint of it): a seed costs 30-55 s on
    PostgreSQL."""

    @classmethod
    def setUpClass(cls):
        # What the suite's autouse fixtures set for each test, set for the class's seed
        # (they run after it): fast password hashing and a media folder of its own.
        media = cls.enterClassContext(tempfile.TemporaryDirectory())
        cls.enterClassContext(
            override_settings(
                MEDIA_ROOT=media,
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            )
        )
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=io.StringIO())

    def test_second_run_adds_nothing(self):
        # The overview shows the demo's figures from the first page view: the supervision
        # rollups are current, nothing is left for the worker's first refresh.
        assert RollupState.objects.get().built
        assert CaseItemDay.objects.exists()
        assert refresh().days == []
        first = row_counts()
        call_command("seed_demo", stdout=io.StringIO())
        assert row_counts() == first
        # The accounts one can sign in with are exactly the demo's; the 好差评 history
        # adds the clerks who served its past cases, without a usable password.
        can_sign_in = [u.username for u in User.objects.all() if u.has_usable_password()]
        assert sorted(can_sign_in) == sorted(account.username for account in DEMO_ACCOUNTS)

    def test_the_demo_timelines_name_roles_in_chinese(self):
        # The applicant's timeline shows the actor's role as recorded: a label, never a
        # role's code ("clerk").
        from accounts.constants import Role
        from intake.models import CaseEvent

        roles = set(CaseEvent.objects.values_list("actor_role", flat=True).distinct())
        assert str(Role.CLERK.label) in roles
        assert roles.isdisjoint(Role.values)

    def test_the_demo_citizens_newest_case_comes_first(self):
        # The imported history is dated when it was submitted, so 我的申请 (newest first)
        # opens on the case 张明 brought to the counter today, with its service to rate.
        from intake.citizen_selectors import my_application_list

        citizen = User.objects.get(username="citizen")
        listed = list(my_application_list(user=citizen))
        assert len(listed) > 1
        assert listed[0].submitted_at == max(a.submitted_at for a in listed)
        assert listed[0].service_instances.filter(state="open").exists()

    def test_the_demo_numbers_its_notices_in_date_order(self):
        # Each type of document has one yearly sequence (金普SL〔2026〕000001号): a notice
        # dated earlier never has a higher number than one dated later. Before, the
        # 差评's cases (back-dated, some weeks ago) were numbered after the first of them
        # (today's) and the lights' walk-ins (back-dated) after today's cases of the back
        # office.
        import re
        from collections import defaultdict

        from intake.models import Notice

        series = defaultdict(list)
        for number, issued_at in Notice.objects.values_list("number", "issued_at"):
            code, year, sequence = re.fullmatch(r"金普(.+)〔(\d{4})〕(\d{6})号", number).groups()
            series[code, year].append((issued_at, int(sequence)))
        assert sum(len(notices) for notices in series.values()) > 20
        back_dated = Notice.objects.filter(issued_at__date__lt=timezone.localdate()).count()
        assert back_dated > 10
        for key, notices in series.items():
            by_number = [issued_at for issued_at, _ in sorted(notices, key=lambda n: n[1])]
            assert by_number == sorted(by_number), key

    def test_every_demo_account_can_log_in_with_its_role(self):
        for account in DEMO_ACCOUNTS:
            user = User.objects.get(username=account.username)
            assert user.check_password(DEMO_PASSWORD)
            assert user.role_names == {account.role.value}

    def test_demo_scopes(self):
        def scope(username):
            return user_scope(user=User.objects.get(username=username))

        assert str(scope("clerk")["window"]) == "金普厅 1 号窗口"
        assert str(scope("clerk2")["window"]) == "金州厅 2 号窗口"
        assert {d.code for d in scope("approver")["acting_for"]} == {"SCJ", "SPJ"}
        assert {d.code for d in scope("approver2")["acting_for"]} == {"ZJJ", "SWU", "RQG"}
        assert {d.code for d in scope("approver3")["acting_for"]} == {"GAJ", "ZRJ", "MZJ"}
        assert {d.code for d in scope("head")["acting_for"]} == {"SPJ"}
        assert User.objects.get(username="head").staff_profile.head_of.code == "SPJ"
        assert {d.code for d in scope("head2")["acting_for"]} == {"SCJ"}
        assert User.objects.get(username="head2").staff_profile.head_of.code == "SCJ"
        assert scope("supervisor")["district_wide"] is True
        citizen = scope("citizen")
        assert citizen["citizen"].name == "张明"
        assert [e.name for e in citizen["enterprises"]] == ["大连金普示范科技有限公司"]
        admin = User.objects.get(username="admin")
        assert admin.is_superuser

    def test_demo_accounts_command_prints_one_account_per_role(self):
        out = io.StringIO()
        call_command("demo_accounts", stdout=out)
        assert DEMO_PASSWORD in out.getvalue()
        for account in DEMO_ACCOUNTS:
            assert account.username in out.getvalue()

    def test_the_back_office_has_work_to_show(self):
        # approvals.demo: cases routed today, one claimed, and an extension waiting for
        # each head: the departments' (``head``: 行政审批局, ``head2``: 市场监管局) and the
        # district government's (``govhead``, a 联办 case).
        from approvals.constants import ExtensionAuthority, TaskStatus
        from approvals.models import Task
        from approvals.selectors import extension_list_decidable_by

        approver = User.objects.get(username="approver")
        open_tasks = Task.objects.exclude(status__in=[TaskStatus.COMPLETED, TaskStatus.CANCELLED])
        assert open_tasks.count() >= 3
        assert open_tasks.filter(assignee=approver).exists()
        for username, code in [("head", "SPJ"), ("head2", "SCJ")]:
            waiting = list(extension_list_decidable_by(user=User.objects.get(username=username)))
            assert [(e.authority, e.department.code) for e in waiting] == [
                (ExtensionAuthority.DEPARTMENT_HEAD, code)
            ], username
        govhead = list(extension_list_decidable_by(user=User.objects.get(username="govhead")))
        assert [e.authority for e in govhead] == [ExtensionAuthority.GOVERNMENT_HEAD]

    def test_the_market_regulation_heads_work_list_shows_its_extension(self):
        # 延期审批 (/approvals/extensions/) of ``head2``, the head of 市场监管局: the
        # extension its approver asked for, with the form to decide it.
        from django.urls import reverse

        from approvals.constants import ExtensionAuthority
        from approvals.models import Extension

        extension = Extension.objects.get(
            department__code="SCJ", authority=ExtensionAuthority.DEPARTMENT_HEAD
        )
        self.client.force_login(User.objects.get(username="head2"))
        page = self.client.get(reverse("approvals:extensions")).content.decode()
        assert extension.application.case_number in page
        assert reverse("approvals:extension_decide", args=[extension.pk]) in page

    def test_the_joint_case_is_walked_to_its_conclusion_by_the_printed_accounts(self):
        # 联办: the item of the demo's joint extension, taken again at the counter by
        # ``clerk``; every task, the parallel checks included, is claimed and approved by
        # a printed demo account acting for its department, and the case concludes.
        from accounts.constants import Role
        from accounts.selectors import department_list_acting_for
        from approvals.constants import OPEN_TASK_STATUSES, ExtensionAuthority
        from approvals.demo import accept_at_the_counter
        from approvals.models import Extension, Task
        from approvals.services.tasks import task_approve, task_claim
        from intake.constants import CaseStatus

        joint = Extension.objects.get(authority=ExtensionAuthority.GOVERNMENT_HEAD).application
        version = joint.item_version
        assert version.co_departments.exists()
        printed = [
            User.objects.get(username=account.username)
            for account in DEMO_ACCOUNTS
            if account.role == Role.APPROVER
        ]
        case = accept_at_the_counter(version, User.objects.get(username="clerk"), joint.applicant)
        most_at_once = 0
        for _stage in range(10):
            tasks = list(
                Task.objects.filter(application=case, status__in=OPEN_TASK_STATUSES)
                .select_related("department")
                .order_by("pk")
            )
            if not tasks:
                break
            most_at_once = max(most_at_once, len(tasks))
            for task in tasks:
                actor = next(
                    (
                        user
                        for user in printed
                        if department_list_acting_for(user=user)
                        .filter(pk=task.department_id)
                        .exists()
                    ),
                    None,
                )
                assert actor is not None, f"no demo account acts for {task.department.name}"
                task_claim(task=task, actor=actor)
                task_approve(task=task, actor=actor, opinion="经核查，符合条件。")
        case.refresh_from_db()
        assert case.status == CaseStatus.CONCLUDED
        assert most_at_once > 1  # a stage of parallel tasks (并联办理) was walked

    def test_the_demo_citizen_sees_a_result_in_every_state(self):
        # approvals.demo and feedback.demo: 张明's concluded cases show the 办理结果 card
        # waiting at the windows, collected, posted with its tracking number, to
        # download, and a 即办件 handed over at the window on the spot; each with its
        # verdict, never a staff name.
        from approvals.selectors import case_result
        from intake.constants import CaseStatus
        from intake.models import Application

        cases = Application.objects.filter(
            applicant__user__username="citizen", status=CaseStatus.CONCLUDED
        )
        results = [r for r in map(case_result, cases) if r.method]
        states = {(r.method, r.status_label, r.on_the_spot) for r in results}
        assert states >= {
            ("window", "待领取", False),
            ("window", "已领取", False),
            ("post", "已送达", False),
            ("electronic", "待送达", False),
            ("window", "当场领取", True),
        }
        assert all(r.verdict for r in results)
        posted = next(r for r in results if r.method == "post")
        assert posted.tracking_number
        assert "*" in posted.address
        spot = next(r for r in results if r.on_the_spot)
        assert spot.window == "金普厅 1 号窗口"
        collected = next(r for r in results if r.status_label == "已领取")
        assert collected.recipient == "张明"

    def test_the_live_cases_show_every_light_and_the_sweeps_escalations(self):
        # approvals.demo's lights: live cases worked on earlier days, some overdue (红灯),
        # some with time to spare (绿灯), beside the yellow first steps; the minute
        # sweep's rule opened the 督办 of the overdue step and case clocks.
        import re

        from django.urls import reverse

        from approvals.constants import OPEN_TASK_STATUSES, ClockKind, Light
        from approvals.models import Clock, Escalation, Task
        from approvals.services.sweep import STEP_RULE, case_rule
        from intake.constants import CaseStatus

        live = Task.objects.filter(status__in=OPEN_TASK_STATUSES)
        assert set(live.values_list("clock__light", flat=True)) == {
            Light.GREEN,
            Light.YELLOW,
            Light.RED,
        }
        late_case = Clock.objects.filter(
            kind=ClockKind.PROMISED,
            is_open=True,
            light=Light.RED,
            application__status=CaseStatus.IN_APPROVAL,
        )
        assert late_case.exists()
        by_the_sweep = Escalation.objects.filter(
            application__status=CaseStatus.IN_APPROVAL, clock__light=Light.RED
        )
        assert {STEP_RULE, case_rule(ClockKind.PROMISED)} <= set(
            by_the_sweep.values_list("rule", flat=True)
        )
        assert by_the_sweep.filter(clock__in=late_case).exists()
        # The supervisor's board: both buttons count lit clocks, red ones first.
        self.client.force_login(User.objects.get(username="supervisor"))
        board = self.client.get(reverse("supervision:lights")).content.decode()
        for label in ("红灯", "黄灯"):
            assert int(re.search(rf"{label} (\d+)</a>", board)[1]) > 0, label
        assert "督办中 1" in board  # the late rows carry the sweep's 督办 (the first page)
        # Each demo approver's inbox opens on a red case; two show a green one too.
        greens = 0
        for username in ("approver", "approver2", "approver3"):
            self.client.force_login(User.objects.get(username=username))
            inbox = self.client.get(reverse("approvals:inbox")).content.decode()
            lights = re.findall(r'class="light light-(\w+)"', inbox)
            assert lights[0] == "red", (username, lights)
            greens += "green" in lights
        assert greens == 2

    def test_the_department_approvers_and_heads_have_rectification_orders_of_their_own(self):
        # feedback.demo: 差评 of conclusions decided in the back office are the deciding
        # department's to rectify (no hall), in different states, and each demo approver
        # and department head finds those of their departments.
        from accounts.selectors import department_list_acting_for
        from feedback.models import RectificationOrder
        from feedback.order_selectors import order_list_for

        of_departments = RectificationOrder.objects.filter(hall__isnull=True)
        assert of_departments.values("status").distinct().count() >= 3
        assert RectificationOrder.objects.filter(hall__isnull=False).exists()
        for username in ("approver", "approver2", "approver3", "head", "head2"):
            user = User.objects.get(username=username)
            own = order_list_for(user=user).filter(hall__isnull=True)
            assert own.exists(), username
            acting = set(department_list_acting_for(user=user).values_list("pk", flat=True))
            assert {order.department_id for order in own} <= acting, username

    def test_every_case_concluded_on_the_spot_records_its_hand_over(self):
        # The 即办件 of the demo, those taken through the services and those imported as
        # last year's (supervision.demo_annual), each have their result handed over at
        # the window on the spot, as after migration approvals 0009.
        from approvals.constants import ApprovalEvent
        from intake.constants import CaseAction
        from intake.models import Application

        on_the_spot = Application.objects.filter(events__action=CaseAction.CONCLUDE_IMMEDIATELY)
        assert on_the_spot.count() > 20
        assert not on_the_spot.filter(delivery__isnull=True).exists()
        assert (
            on_the_spot.filter(events__action=ApprovalEvent.DELIVERED).distinct().count()
            == on_the_spot.distinct().count()
        )

    def test_the_rectification_orders_have_a_history(self):
        # feedback.demo: the 差评 were given over the last weeks and their orders worked on
        # the days a centre would, so 平均整改工作日 is the recount of the replied orders'
        # working days from opening to reply (overall and per department, as the
        # supervisor's 好差评统计 shows them), the rates differ, and the one order past its
        # rectification period is red on the orders page.
        import re
        from decimal import ROUND_HALF_UP, Decimal

        from django.urls import reverse
        from django.utils import timezone

        from approvals.constants import Light
        from catalog.calendar import current_calendar, working_days_between
        from feedback.figures import figure_table, rectified_rate, rectify_days, visited_rate
        from feedback.models import RectificationOrder

        def mean(days):
            return (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP)

        calendar = current_calendar()
        days = {}
        replied = RectificationOrder.objects.filter(
            replied_at__isnull=False, rating__excluded=False
        )
        for order in replied:
            n = working_days_between(
                timezone.localdate(order.created_at), timezone.localdate(order.replied_at), calendar
            )
            days.setdefault(order.department_id, []).append(n)
        every = [n for group in days.values() for n in group]
        total = figure_table().total.counts
        assert rectify_days(total) > 0
        assert rectify_days(total) == mean(every)
        rows = {row.key: row.counts for row in figure_table(grouping="department").rows}
        for department_id, group in days.items():
            assert rectify_days(rows[department_id]) == mean(group) > 0
        assert rectified_rate(total) != visited_rate(total)
        # The supervisor's page shows the average.
        self.client.force_login(User.objects.get(username="supervisor"))
        page = self.client.get(reverse("supervision:feedback")).content.decode()
        assert f"{rectify_days(total)}" in page
        # Open orders: one red (overdue), the others yellow or green.
        open_orders = RectificationOrder.objects.filter(clock__is_open=True)
        lights = list(open_orders.values_list("clock__light", flat=True))
        assert lights.count(Light.RED) == 1
        assert Light.GREEN in lights
        orders_page = self.client.get(reverse("feedback:orders")).content.decode()
        assert re.findall(r'class="light light-(\w+)"', orders_page).count("red") == 1
