"""The overview's hall figures (取号叫号) against a hand-computed handful of tickets, read
from the hall rollups in one statement whatever their number; the rollups equal hall's
direct count (``hall.selectors.period_figures``) after a refresh."""

import datetime
import zoneinfo

import pytest
from django.db.models import Q
from django.urls import reverse

from hall.constants import TicketAction, TicketStatus
from hall.models import ServiceCategory, Ticket, TicketEvent
from hall.selectors import period_figures
from supervision import refresh
from supervision.hall_figures import hall_figures, period_row
from supervision.rollups import Filter
from tests.factories import HallFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
WEEK = "start=2026-11-02&end=2026-11-06"


def _at(day, hour, minute):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


def _ticket(category, day, number, issued, called=None, started=None, ended=None, status=None):
    """A ticket written as it ends up (no TicketEvent); ``day``: a date, or the day of
    November 2026."""
    ticket = Ticket.objects.create(
        hall=category.hall,
        category=category,
        day=day if isinstance(day, datetime.date) else datetime.date(2026, 11, day),
        number=number,
        label=f"{category.letter}{number:03d}",
        token=f"t{category.pk}-{day}-{number}",
        queued_at=issued,
        first_called_at=called,
        called_at=called,
        started_at=started,
        ended_at=ended,
        status=status or TicketStatus.DONE,
    )
    Ticket.objects.filter(pk=ticket.pk).update(created_at=issued)
    return ticket


@pytest.fixture
def tickets():
    """金普厅, Mon 2 Nov: T1 issued 9:00, called 9:10 (10 min), served 9:11-9:21; T2
    issued 9:05, called 9:50 (45 min: a long wait), served 9:50-10:10; T3 issued 9:20,
    called 9:30 (10 min), 过号. 金州厅, Tue 3 Nov: T4 issued 10:00, called 10:20 (20
    min), served 10:20-10:30. 金普厅, Mon 9 Nov (after the week): T5 issued 9:00, called
    10:00, served.

    The week, every hall: issued 4, served 3, 过号 1, average wait (10 + 45 + 10 + 20) / 4
    = 21.25 → 21.3 min, one wait over 30 min, average service (10 + 20 + 10) / 3 = 13.3.
    The 金普厅 alone: issued 3, served 2, average wait 65 / 3 = 21.7, one long wait,
    average service 15.0."""
    jp = HallFactory(code="JP", name="金普厅")
    jz = HallFactory(code="JZ", name="金州厅")
    a = ServiceCategoryFactory(hall=jp, letter="A", name="企业登记")
    b = ServiceCategoryFactory(hall=jz, letter="B", name="工程建设")
    _ticket(a, 2, 1, _at(2, 9, 0), _at(2, 9, 10), _at(2, 9, 11), _at(2, 9, 21))
    _ticket(a, 2, 2, _at(2, 9, 5), _at(2, 9, 50), _at(2, 9, 50), _at(2, 10, 10))
    _ticket(a, 2, 3, _at(2, 9, 20), _at(2, 9, 30), status=TicketStatus.NO_SHOW)
    _ticket(b, 3, 1, _at(3, 10, 0), _at(3, 10, 20), _at(3, 10, 20), _at(3, 10, 30))
    _ticket(a, 9, 1, _at(9, 9, 0), _at(9, 10, 0), _at(9, 10, 0), _at(9, 10, 5))
    refresh.refresh()  # the first refresh builds every rollup
    return jp, jz


def _link(ticket, application):
    """What hall.receivers.link_application does: the case on the ticket, and an event."""
    Ticket.objects.filter(pk=ticket.pk).update(application=application)
    TicketEvent.objects.create(
        hall_id=ticket.hall_id,
        ticket=ticket,
        action=TicketAction.APPLICATION,
        at=ticket.created_at,
        details={"application": application.pk},
    )


def _district_supervisor():
    from tests.factories import make_supervisor

    return make_supervisor(username="hall-supervisor")


def test_the_weeks_hall_figures(tickets):
    jp, _jz = tickets
    week = Filter(start=datetime.date(2026, 11, 2), end=datetime.date(2026, 11, 6))
    figures = hall_figures(week)
    assert figures.available
    assert (figures.tickets, figures.served, figures.no_show, figures.long_waits) == (4, 3, 1, 1)
    assert str(figures.average_wait_minutes) == "21.3"
    assert str(figures.average_service_minutes) == "13.3"
    assert not figures.linked_only

    one = hall_figures(Filter(start=week.start, end=week.end, hall=jp.pk))
    assert (one.tickets, one.served, one.long_waits) == (3, 2, 1)
    assert (str(one.average_wait_minutes), str(one.average_service_minutes)) == ("21.7", "15.0")

    everything = hall_figures(Filter())
    assert (everything.tickets, everything.long_waits) == (5, 2)
    assert hall_figures(Filter(department=1)).linked_only
    assert hall_figures(Filter(department=1)).tickets == 0  # none linked to its cases


def test_one_statement_whatever_the_tickets(tickets, django_assert_num_queries):
    with django_assert_num_queries(1):
        hall_figures(Filter())
    with django_assert_num_queries(2):  # the whole months, and the days of a partial one
        hall_figures(Filter(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 11, 6)))
    category = ServiceCategory.objects.get(letter="A")
    for number in range(10, 40):
        _ticket(category, 4, number, _at(4, 9, 0), _at(4, 9, 40), _at(4, 9, 41), _at(4, 9, 50))
    refresh.rebuild()
    with django_assert_num_queries(1):
        assert hall_figures(Filter()).tickets == 35


def _same(f: Filter, now=None):
    """The rollup's row and the direct count of the filter agree in every figure."""
    direct = period_figures(
        f.start,
        f.end,
        f.hall,
        cases=Filter(**{**f.__dict__, "hall": None}).applications()
        if f.scope is not None or f.department or f.item or f.channel or f.unit
        else None,
        now=now,
    )
    rolled = period_row(f)
    fields = ("issued", "waiting", "served", "no_show", "expired", "long_waits")
    assert [getattr(rolled, n) for n in fields] == [getattr(direct, n) for n in fields]
    assert rolled.average_wait == direct.average_wait
    assert rolled.average_service == direct.average_service
    return rolled


def test_the_rollup_equals_the_direct_count(week, tickets):
    """Every filter the overview passes, after the refresh that follows the acts: a
    ticket linked to a case (by its event), a ticket issued and still waiting past 30
    minutes (a long wait without an act), a ticket of another month."""
    jp, _jz = tickets
    t2 = Ticket.objects.get(label="A002", day=datetime.date(2026, 11, 2))
    t4 = Ticket.objects.get(label="B001")
    _link(t2, week.a)
    _link(t4, week.e)
    category = ServiceCategory.objects.get(letter="A")
    waiting = _ticket(category, 5, 7, _at(5, 9, 0), status=TicketStatus.WAITING)
    TicketEvent.objects.create(
        hall_id=jp.pk, ticket=waiting, action=TicketAction.ISSUED, at=_at(5, 9, 0)
    )
    _ticket(category, 1, 1, _at(1, 9, 0), _at(1, 9, 45), _at(1, 9, 45), _at(1, 10, 0))
    now = _at(5, 9, 40)
    refresh.refresh(now=now)
    refresh.rebuild_hall_days(Q(day=datetime.date(2026, 11, 1)), now)  # no event: rebuilt
    nov = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    filters = [
        Filter(),
        Filter(start=nov[0], end=nov[1]),
        Filter(start=datetime.date(2026, 10, 15), end=datetime.date(2026, 11, 5)),
        Filter(start=datetime.date(2026, 11, 2), end=datetime.date(2026, 11, 6), hall=jp.pk),
        Filter(scope=frozenset({week.spj.pk})),
        Filter(scope=frozenset({week.spj.pk, week.scj.pk}), start=nov[0], end=nov[1]),
        Filter(department=week.scj.pk),
        Filter(department=week.spj.pk, hall=jp.pk),
        Filter(item=week.a.item_version.item_id),
        Filter(channel=week.a.channel),
        Filter(scope=frozenset()),
    ]
    for f in filters:
        _same(f, now=now)
    whole = _same(Filter(), now=now)
    assert (whole.issued, whole.waiting, whole.long_waits) == (7, 1, 4)
    assert _same(Filter(scope=frozenset({week.spj.pk})), now=now).issued == 1
    assert _same(Filter(department=week.scj.pk), now=now).issued == 1


def test_the_overview_shows_them(client, tickets):
    client.force_login(_district_supervisor())
    response = client.get(f"{reverse('supervision:overview')}?{WEEK}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "取号叫号系统尚未接入" not in page
    assert 'data-figure="average_wait"' in page
    assert "21.3 分钟" in page
    assert response.context["hall"].tickets == 4


def _expired_on_wednesday(jp):
    """金普厅, Wed 4 Nov: a ticket issued at 16:50 and closed as 已失效 at the day's end
    (never called: a long wait too)."""
    category = ServiceCategory.objects.get(hall=jp, letter="A")
    _ticket(category, 4, 1, _at(4, 16, 50), status=TicketStatus.EXPIRED)
    refresh.rebuild_hall_days(Q(day=datetime.date(2026, 11, 4)))


def test_the_overview_and_its_export_show_the_expired_tickets(client, tickets):
    import io

    from openpyxl import load_workbook

    jp, _jz = tickets
    _expired_on_wednesday(jp)
    client.force_login(_district_supervisor())
    response = client.get(f"{reverse('supervision:overview')}?{WEEK}")
    hall = response.context["hall"]
    assert (hall.tickets, hall.no_show, hall.expired, hall.long_waits) == (5, 1, 1, 2)
    page = response.content.decode()
    assert '过号 <span data-testid="hall-no-show">1</span>' in page
    assert '已失效 <span data-testid="hall-expired">1</span>' in page
    export = client.get(f"{reverse('supervision:export', args=['overview'])}?{WEEK}")
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert (summary["过号（大厅排队）"], summary["已失效（大厅排队）"]) == (1, 1)
    assert summary["取号（大厅排队）"] == 5


def test_the_overview_export_carries_them(client, tickets):
    import io

    from openpyxl import load_workbook

    client.force_login(_district_supervisor())
    response = client.get(f"{reverse('supervision:export', args=['overview'])}?{WEEK}")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert (summary["取号（大厅排队）"], summary["平均等候（分钟）"]) == (4, 21.3)
    assert summary["等候超 30 分钟"] == 1


def test_the_scope_counts_the_tickets_of_its_cases(week, tickets, client):
    """T1 (10 min) served case A of the 审批局, T4 (20 min) case E of the 市场监管局: the
    审批局's supervisor counts T1 alone, a filter by the 市场监管局 T4 alone."""
    t1 = Ticket.objects.get(label="A001", day=datetime.date(2026, 11, 2))
    t4 = Ticket.objects.get(label="B001")
    _link(t1, week.a)
    _link(t4, week.e)
    refresh.refresh()
    mine = hall_figures(Filter(start=datetime.date(2026, 11, 2), scope=frozenset({week.spj.pk})))
    assert (mine.linked_only, mine.tickets, str(mine.average_wait_minutes)) == (True, 1, "10.0")
    market = hall_figures(Filter(department=week.scj.pk))
    assert (market.tickets, str(market.average_wait_minutes)) == (1, "20.0")
    assert hall_figures(Filter(scope=frozenset())).tickets == 0
    client.force_login(week.watcher)
    response = client.get(f"{reverse('supervision:overview')}?{WEEK}")
    assert response.context["hall"].tickets == 1
    assert "只统计已关联到相应办件的排队号" in response.content.decode()


def _plain(day, now) -> dict:
    """The day's figures counted ticket by ticket in Python from docs/domain.md's
    definitions (a long wait: first called over 30 minutes after issue; never called
    and still waiting 30 minutes at ``now``, or closed as 已失效 at the day's end)."""
    rows = list(Ticket.objects.filter(day=day))
    long_wait = datetime.timedelta(minutes=30)
    waits = [t.first_called_at - t.created_at for t in rows if t.first_called_at]
    services = [
        t.ended_at - t.started_at
        for t in rows
        if t.status == TicketStatus.DONE and t.started_at and t.ended_at
    ]
    return {
        "issued": len(rows),
        "waiting": sum(t.status == TicketStatus.WAITING for t in rows),
        "served": sum(t.status == TicketStatus.DONE for t in rows),
        "no_show": sum(t.status == TicketStatus.NO_SHOW for t in rows),
        "expired": sum(t.status == TicketStatus.EXPIRED for t in rows),
        "long_waits": sum(
            (t.first_called_at is not None and t.first_called_at - t.created_at > long_wait)
            or (
                t.first_called_at is None
                and (
                    (t.status == TicketStatus.WAITING and t.created_at < now - long_wait)
                    or t.status == TicketStatus.EXPIRED
                )
            )
            for t in rows
        ),
        "average_wait": sum(waits, datetime.timedelta()) / len(waits) if waits else None,
        "average_service": sum(services, datetime.timedelta()) / len(services)
        if services
        else None,
    }


def _rolled(day) -> dict:
    row = period_row(Filter(start=day, end=day))
    return {
        name: getattr(row, name)
        for name in (
            "issued",
            "waiting",
            "served",
            "no_show",
            "expired",
            "long_waits",
            "average_wait",
            "average_service",
        )
    }


def test_a_day_closed_by_the_days_close_stays_exact(at):
    """A Monday left with tickets waiting (one since 16:00, one issued at 16:50), one
    called and one in service: its figures equal the plain count before the close and after
    it (rebuilt by the refresh that reads the close's events): nothing waits any more,
    the service left open counts as served with no service time, and no wait changes."""
    from hall.services import calling
    from hall.services.dayclose import day_close
    from tests.factories import HallWindowFactory, ServiceCategoryFactory, TicketFactory

    monday = datetime.date(2026, 11, 2)
    at(2026, 11, 2, 16, 0)
    category = ServiceCategoryFactory()
    w1 = HallWindowFactory(categories=[category])
    w2 = HallWindowFactory(categories=[category])
    for _ in range(4):
        TicketFactory(category=category)
    at(2026, 11, 2, 16, 5)
    served = calling.call_next(window=w1.window, actor=w1.clerk)
    calling.service_start(ticket=served, window=w1.window, actor=w1.clerk)
    at(2026, 11, 2, 16, 15)
    calling.service_end(ticket=served, window=w1.window, actor=w1.clerk)
    at(2026, 11, 2, 16, 40)
    serving = calling.call_next(window=w1.window, actor=w1.clerk)
    calling.service_start(ticket=serving, window=w1.window, actor=w1.clerk)
    calling.call_next(window=w2.window, actor=w2.clerk)  # called, never started
    at(2026, 11, 2, 16, 50)
    TicketFactory(category=category)  # issued ten minutes before the hall closes
    evening = at(2026, 11, 2, 17, 5)
    refresh.refresh(now=evening)
    before = _rolled(monday)
    assert before == _plain(monday, evening)
    assert (before["waiting"], before["served"], before["expired"]) == (2, 1, 0)

    night = at(2026, 11, 3, 0, 5)
    run = day_close()
    assert (run.expired, run.done) == (3, 1)
    refresh.refresh(now=night)
    after = _rolled(monday)
    assert after == _plain(monday, night)
    assert after["waiting"] == 0
    assert after["expired"] == 3  # the called one and the two left waiting
    assert after["served"] == 2  # the service left open counts as served …
    assert after["average_service"] == before["average_service"]  # … with no time made up
    assert after["long_waits"] == before["long_waits"] + 1  # the 16:50 ticket never called
    assert after["average_wait"] == before["average_wait"]
    _same(Filter(start=monday, end=monday), now=night)


def test_the_hall_figures_api_counts_as_the_supervision_pages(week, tickets, client):
    """The 金普厅's Monday: T1 (case A of the 审批局), T2 (case E of the 市场监管局), T3 (过号,
    no case). The 审批局's supervisor gets from the hall's figures API what the overview
    of that day and hall shows them (T1 alone, said to be linked only); the district's
    supervisor, every ticket, as their overview does."""
    from rest_framework.test import APIClient

    from accounts.selectors import supervision_scope

    jp, _jz = tickets
    monday = datetime.date(2026, 11, 2)
    _link(Ticket.objects.get(label="A001", day=monday), week.a)
    _link(Ticket.objects.get(label="A002", day=monday), week.e)
    refresh.refresh()
    api = APIClient()
    for user, issued in ((week.watcher, 1), (week.district, 3)):
        api.force_authenticate(user)
        answer = api.get(f"/api/v1/hall/halls/{jp.pk}/figures/", {"day": "2026-11-02"})
        assert answer.status_code == 200, answer.content
        row = answer.json()["hall"]
        client.force_login(user)
        page = client.get(
            reverse("supervision:overview"),
            {"start": "2026-11-02", "end": "2026-11-02", "hall": jp.pk},
        )
        shown = page.context["hall"]
        assert page.context["f"] == Filter(
            start=monday, end=monday, hall=jp.pk, scope=supervision_scope(user=user)
        )
        assert answer.json()["linked_only"] is shown.linked_only is (user == week.watcher)
        assert row["issued"] == shown.tickets == issued
        assert (row["served"], row["no_show"], row["expired"], row["long_waits"]) == (
            shown.served,
            shown.no_show,
            shown.expired,
            shown.long_waits,
        )
        for name in ("average_wait_minutes", "average_service_minutes"):
            assert row[name] == float(getattr(shown, name)), name
    assert api.get(f"/api/v1/hall/halls/{jp.pk}/figures/", {"day": "2026-11-02"}).json()["hall"][
        "average_wait_minutes"
    ] == pytest.approx(21.7)


def test_an_average_on_a_half_tenth_reads_the_same_on_every_page(client):
    """Two waits of 2:00 and 2:30 (and two services as long) average 2.25 minutes: 2.3,
    rounded half up like every figure, on the hall view, its API, the overview, its
    export and the annual report alike (the hall view and its API said 2.2)."""
    import io
    from decimal import Decimal

    from openpyxl import load_workbook
    from rest_framework.test import APIClient

    from hall.selectors import hall_figures as hall_view_figures
    from supervision.templatetags.annual_tags import minutes

    jp = HallFactory(code="JP", name="金普厅")
    a = ServiceCategoryFactory(hall=jp, letter="A", name="企业登记")
    for number, waited in ((1, 120), (2, 150)):
        issued = _at(2, 9, 0)
        called = issued + datetime.timedelta(seconds=waited)
        ended = called + datetime.timedelta(seconds=waited)
        _ticket(a, 2, number, issued, called, called, ended)
    refresh.refresh()
    monday = datetime.date(2026, 11, 2)
    now = _at(2, 18, 0)

    hall_view = hall_view_figures(jp.pk, monday, now=now).hall
    assert (hall_view.average_wait_minutes, hall_view.average_service_minutes) == (2.3, 2.3)
    assert period_figures(monday, monday, jp.pk, now=now).average_wait_minutes == 2.3
    overview = hall_figures(Filter(start=monday, end=monday))
    assert overview.average_wait_minutes == Decimal("2.3")
    assert overview.average_service_minutes == Decimal("2.3")
    assert minutes(period_row(Filter(start=monday, end=monday)).average_wait) == "2.3 分钟"

    supervisor = _district_supervisor()
    api = APIClient()
    api.force_authenticate(supervisor)
    row = api.get(f"/api/v1/hall/halls/{jp.pk}/figures/", {"day": "2026-11-02"}).json()["hall"]
    assert (row["average_wait_minutes"], row["average_service_minutes"]) == (2.3, 2.3)
    client.force_login(supervisor)
    query = "start=2026-11-02&end=2026-11-02"
    page = client.get(f"{reverse('supervision:overview')}?{query}")
    assert page.context["hall"].average_wait_minutes == Decimal("2.3")
    response = client.get(f"{reverse('supervision:export', args=['overview'])}?{query}")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert summary["平均等候（分钟）"] == 2.3
