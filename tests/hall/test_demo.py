"""The hall's demo data (hall.demo): categories A/B/C of both halls with the items of
their departments, the windows' categories, the demo clerks seated at open windows, a
previous working day and today of tickets (gap-free numbers, events, day counters) so
the supervisors' figures are not empty, people waiting now; a second run adds nothing."""

import pytest
from django.db.models import Count, Max

from accounts.demo import seeders
from accounts.models import Department, Hall, User
from hall import demo, selectors
from hall.constants import TicketStatus, WindowState
from hall.models import DayCounter, ServiceCategory, Ticket, TicketEvent, WindowSeat
from hall.services import calling
from tests.factories import ItemVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(at):
    """The demo organisation and accounts, a few items (the whole demo catalog takes
    minutes), on Tuesday 3 November 2026 at 11:00."""
    at(2026, 11, 3, 11)
    for seeder in seeders():
        if seeder.name in ("organisation", "accounts"):
            seeder.func()
    for code in ("SCJ", "ZJJ", "MZJ"):
        ItemVersionFactory(name=f"{code}演示事项", department=Department.objects.get(code=code))


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (ServiceCategory, WindowSeat, Ticket, TicketEvent, DayCounter)
    }


def test_the_demo_hall(organisation):
    demo.seed_hall()
    first = counts()
    demo.seed_hall()
    assert counts() == first  # idempotent
    for code in ("JP", "JZ"):
        hall = Hall.objects.get(code=code)
        categories = {c.letter: c for c in ServiceCategory.objects.filter(hall=hall)}
        assert sorted(categories) == ["A", "B", "C"]
        assert categories["A"].name == "企业登记"
        assert categories["A"].items.get().current_version.name == "SCJ演示事项"
        assert categories["B"].items.get().current_version.name == "ZJJ演示事项"
        assert categories["C"].items.get().current_version.name == "MZJ演示事项"
        figures = selectors.hall_figures(hall.pk)
        assert figures.hall.issued > 20
        assert figures.hall.served > 0
        assert figures.hall.waiting == 4 * 3
        assert figures.hall.average_wait is not None
        assert figures.hall.average_service is not None
        assert figures.windows
    # numbers run from 1 without a gap per category and day, each counter at its last
    for row in Ticket.objects.values("category", "day").annotate(n=Count("id"), last=Max("number")):
        assert row["n"] == row["last"]
        counter = DayCounter.objects.get(category_id=row["category"], day=row["day"])
        assert counter.last == row["last"]
    assert Ticket.objects.values("day").distinct().count() == 2  # Monday and today
    # the demo clerk is seated at an open window serving every category, and can call
    clerk = User.objects.get(username="clerk")
    seat = WindowSeat.objects.get(clerk=clerk)
    assert seat.state == WindowState.OPEN
    assert seat.categories.count() == 3
    ticket = calling.call_next(window=seat.window, actor=clerk)
    assert ticket.status == TicketStatus.CALLED
    assert ticket.label.endswith(f"{ticket.number:03d}")
