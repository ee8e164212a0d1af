"""The demo data of 好差评 (feedback.demo): the history's ratings, the story's 差评 in
every state of their life through the services, the figures they give, and a second
run that adds nothing."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from accounts.demo import seeders
from accounts.models import Department, User
from catalog.calendar import current_calendar, working_days_between
from feedback import demo
from feedback.constants import AppealStatus, InstanceState, OrderOutcome, OrderStatus, Stage
from feedback.figures import figure_table, rectify_days
from feedback.models import Appeal, Rating, RectificationOrder, ServiceInstance
from feedback.order_selectors import order_list_for
from intake.models import Application
from tests.factories import ItemVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    """The demo organisation and accounts, and a few items of the demo departments (the
    whole demo catalog takes minutes): promised ones for the history and the story's
    decisions (市场监管局, 住建局, 行政审批局, 民政局), 即办件 of 市场监管局 and 住建局 for
    the story's services at the windows."""
    for seeder in seeders():
        if seeder.name in ("organisation", "accounts"):
            seeder.func()
    scj, zjj = Department.objects.get(code="SCJ"), Department.objects.get(code="ZJJ")
    spj, mzj = Department.objects.get(code="SPJ"), Department.objects.get(code="MZJ")
    for n, department in enumerate((scj, zjj, scj, spj, mzj)):
        ItemVersionFactory(name=f"演示承诺件{n}", department=department)
    for department in (scj, zjj):
        ItemVersionFactory(
            name=f"{department.short_name}即办件", department=department, immediate=True
        )


def mean(days: list[int]) -> Decimal:
    """The average of working days as the figure rounds it (one decimal, half up)."""
    return (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def test_the_story_reaches_every_state_and_the_figures_count_it(organisation, monkeypatch):
    monkeypatch.setattr(demo, "HISTORY_CASES", 60)
    demo.seed_feedback()

    orders = RectificationOrder.objects.all()
    # One order per 差评 of the story, in the state the story names.
    assert orders.count() == len(demo.STORY) == 10
    statuses = sorted(orders.values_list("status", flat=True))
    assert statuses.count(OrderStatus.CALLBACK) == 2  # opened; the appeal pending
    assert statuses.count(OrderStatus.RECTIFYING) == 2  # called back (overdue), reopened
    assert statuses.count(OrderStatus.VISIT) == 2  # replied; replied after a rejected appeal
    assert statuses.count(OrderStatus.RULING) == 1  # unsatisfied twice
    assert sorted(orders.exclude(outcome="").values_list("outcome", flat=True)) == sorted(
        [OrderOutcome.SATISFIED, OrderOutcome.RULED, OrderOutcome.EXCLUDED]
    )
    assert orders.filter(reopened=True).count() == 3  # reopened, ruling, ruled
    assert sorted(Appeal.objects.values_list("status", flat=True)) == sorted(
        [AppealStatus.PENDING, AppealStatus.ACCEPTED, AppealStatus.REJECTED]
    )
    # The 差评 of the conclusions decided in the back office are the departments' to
    # rectify (no hall; the case decided before its 差评, a day per stage), each demo approver
    # and department head finding those of their departments; the others the halls'.
    decided = orders.filter(hall__isnull=True)
    assert sorted(decided.values_list("department__code", flat=True)) == [
        "MZJ",
        "SCJ",
        "SPJ",
        "ZJJ",
    ]
    assert sorted(decided.values_list("status", flat=True)) == sorted(
        [OrderStatus.RECTIFYING, OrderStatus.RULING, OrderStatus.CALLBACK, OrderStatus.VISIT]
    )
    today = timezone.localdate()
    for order in decided.select_related("application", "rating"):
        assert timezone.localdate(order.application.concluded_at) < today
        assert timezone.localdate(order.application.concluded_at) < timezone.localdate(
            order.rating.rated_at
        )
    for username, codes in {
        "approver": {"SCJ", "SPJ"},
        "approver2": {"ZJJ"},
        "approver3": {"MZJ"},
        "head": {"SPJ"},
        "head2": {"SCJ"},
    }.items():
        own = order_list_for(user=User.objects.get(username=username)).filter(hall__isnull=True)
        assert set(own.values_list("department__code", flat=True)) == codes, username
    assert orders.filter(hall__isnull=False).count() == 6
    # The accepted appeal's 差评 stays in the record, out of the figures.
    assert Rating.objects.filter(excluded=True).count() == 1
    total = figure_table().total.counts
    assert total.bad == 9
    assert total.rectified == 5  # replied, satisfied, ruling, ruled, appeal rejected
    assert total.visited == 4  # satisfied, reopened, ruling, ruled
    # The orders have a history: each opened on its 差评's day (most of them before
    # today), replied to 1 to 5 working days later; the average the figures give is the
    # recount of those working days, per department too.
    calendar = current_calendar()
    assert orders.exclude(created_at__date__gte=today).count() >= 7
    replied = orders.filter(replied_at__isnull=False, rating__excluded=False)
    days = {}
    for order in replied.select_related("rating"):
        opened = timezone.localdate(order.created_at)
        assert opened == timezone.localdate(order.rating.rated_at)
        n = working_days_between(opened, timezone.localdate(order.replied_at), calendar)
        assert 1 <= n <= 5, order.status
        days.setdefault(order.department_id, []).append(n)
    every = [n for group in days.values() for n in group]
    assert len(every) == 6
    assert rectify_days(total) > 0
    assert rectify_days(total) == mean(every)
    by_department = {row.key: row.counts for row in figure_table(grouping="department").rows}
    for department_id, group in days.items():
        assert rectify_days(by_department[department_id]) == mean(group)
    # Open orders: one past its rectification period, the others within their time.
    today_open = orders.filter(clock__is_open=True)
    overdue = today_open.filter(clock__due_date__lt=today)
    assert list(overdue.values_list("status", flat=True)) == [OrderStatus.RECTIFYING]
    assert today_open.filter(clock__due_date__gte=today).count() >= 3
    # The history: every case's two services rated or defaulted, none of them a 差评.
    history = Rating.objects.filter(instance__application__outcome_note=demo.HISTORY_NOTE)
    assert history.filter(level__gte=4).count() == 0
    assert history.filter(is_default=True).exists()
    assert total.rated == Rating.objects.filter(excluded=False).count()

    # The demo citizen has a service to rate online and one already rated.
    own = {
        i.stage: i.state
        for i in ServiceInstance.objects.filter(application__applicant__user__username="citizen")
    }
    assert own == {Stage.INTAKE: InstanceState.RATED, Stage.CONCLUSION: InstanceState.OPEN}

    # A second run adds nothing.
    cases, ratings = Application.objects.count(), Rating.objects.count()
    demo.seed_feedback()
    assert (Application.objects.count(), Rating.objects.count()) == (cases, ratings)
