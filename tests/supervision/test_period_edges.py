"""Figures at the edge of a period (Asia/Shanghai days): a conclusion a moment before
midnight belongs to that day, one at midnight to the next; the figure, the cases it lists
and the case's own clock agree on which, whatever the moments the act's own work takes."""

import datetime
import itertools
import zoneinfo

import pytest
from django.utils import timezone

from approvals.constants import ClockKind, Light
from approvals.models import Clock
from catalog.constants import CaseType
from intake.constants import CaseAction
from intake.models import CaseEvent
from supervision import refresh, rollups
from supervision.rollups import Filter
from tests import factories
from tests.feedback.orders_support import conclude

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
NOVEMBER = Filter(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
DECEMBER = Filter(datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
EDGE = Filter(datetime.date(2026, 11, 30), datetime.date(2026, 12, 1))


def _refreshed():
    refresh.refresh(now=timezone.now() + refresh.LAG + datetime.timedelta(seconds=1))


def _counts(f: Filter) -> dict:
    figures = rollups.case_figures(f)
    return {
        code: (getattr(figures, code), rollups.cases(code, f).count())
        for code in ("concluded", "on_time", "overdue")
    }


def _one_day(application) -> set:
    """The local days the conclusion's event, the case's concluded_at and its promised
    clock's stop name (one, when they agree)."""
    event = CaseEvent.objects.get(
        application=application,
        action__in=(CaseAction.CONCLUDE, CaseAction.CONCLUDE_IMMEDIATELY),
    )
    days = {timezone.localtime(moment).date() for moment in (event.at, application.concluded_at)}
    clock = Clock.objects.filter(application=application, kind=ClockKind.PROMISED).first()
    if clock is not None:
        days.add(clock.stopped_on)
    return days


@pytest.fixture
def office(at):
    at(2026, 11, 2, 9)
    spj = factories.department("SPJ", "金普新区行政审批局")
    version = factories.make_version(department=spj, steps=[(1, "审查", spj, 2)], promised=2)
    return {
        "version": version,
        "clerk": factories.make_clerk("JP", 1),
        "approver": factories.make_approver(spj),
        "citizen": factories.make_citizen("张明"),
    }


def test_a_conclusion_just_before_midnight_and_one_at_midnight(office, at):
    """Accepted Thu 26 Nov (promised 2 working days: due Mon 30 Nov): A concluded at
    23:59:59.999999 on the 30th is on time in November, B at 00:00 on 1 December is
    overdue in December; the monthly rows, the daily rows and the case lists agree."""
    at(2026, 11, 26, 10)
    a = factories.accept_case(office["version"], clerk=office["clerk"], applicant=office["citizen"])
    b = factories.accept_case(office["version"], clerk=office["clerk"], applicant=office["citizen"])
    assert a.promised_due_date == b.promised_due_date == datetime.date(2026, 11, 30)
    at(2026, 11, 30, 23, 59, 59, 999999)
    a = conclude(a, office["approver"])
    at(2026, 12, 1, 0, 0, 0)
    b = conclude(b, office["approver"])
    _refreshed()

    assert _one_day(a) == {datetime.date(2026, 11, 30)}
    assert _one_day(b) == {datetime.date(2026, 12, 1)}
    assert _counts(NOVEMBER) == {"concluded": (1, 1), "on_time": (1, 1), "overdue": (0, 0)}
    assert _counts(DECEMBER) == {"concluded": (1, 1), "on_time": (0, 0), "overdue": (1, 1)}
    assert _counts(EDGE) == {"concluded": (2, 2), "on_time": (1, 1), "overdue": (1, 1)}
    lights = dict(
        Clock.objects.filter(kind=ClockKind.PROMISED).values_list("application_id", "light")
    )
    assert (lights[a.pk], lights[b.pk]) == (Light.GREEN, Light.RED)


@pytest.fixture
def ticking(monkeypatch):
    """``ticking(start)``: from then on every call of timezone.now() is a day later than
    the one before, so any two moments one act takes fall on different days."""

    def start(*moment):
        first = datetime.datetime(*moment, tzinfo=ZONE).astimezone(datetime.UTC)
        days = itertools.count()
        monkeypatch.setattr(timezone, "now", lambda: first + datetime.timedelta(days=next(days)))

    return start


def test_a_decision_is_one_moment_for_its_clock_its_case_and_its_event(office, at, ticking):
    """However long the decision's transaction takes (here: a day between any two reads
    of the time), its clock stops, the case concludes and its event is recorded on one
    day, so the 按时/超期 figure, the cases it lists and the light say the same."""
    at(2026, 11, 2, 10)
    case = factories.accept_case(
        office["version"], clerk=office["clerk"], applicant=office["citizen"]
    )
    ticking(2026, 11, 3, 16, 0)
    case = conclude(case, office["approver"])
    at(2027, 3, 1, 12)
    _refreshed()

    assert len(_one_day(case)) == 1
    (day,) = _one_day(case)
    everything = Filter()
    counts = _counts(everything)
    assert counts["concluded"] == (1, 1)
    light = Clock.objects.get(application=case, kind=ClockKind.PROMISED).light
    overdue = day > case.promised_due_date
    assert light == (Light.RED if overdue else Light.GREEN)
    assert counts["overdue"] == ((1, 1) if overdue else (0, 0))
    assert counts["on_time"] == ((0, 0) if overdue else (1, 1))


def test_an_on_the_spot_conclusion_is_one_moment_for_its_case_and_its_event(at, ticking):
    """即办件 concluded at the counter: the case's concluded_at and its event fall on one
    day, so the figure and the cases it lists agree."""
    from intake.services.cases import counter_receive, intake_accept

    at(2026, 11, 2, 9)
    spj = factories.department("SPJ", "金普新区行政审批局")
    version = factories.make_version(
        department=spj, steps=[], case_type=CaseType.IMMEDIATE, promised=0
    )
    clerk = factories.make_clerk("JP", 1)
    application = factories.counter_draft(clerk, factories.make_citizen("张明"), version)
    counter_receive(application=application, actor=clerk)
    ticking(2026, 11, 3, 16, 0)
    application = intake_accept(
        application=application,
        actor=clerk,
        verdicts=factories.verdicts_all_received(application),
        conclude_immediately=True,
    )
    application.refresh_from_db()
    at(2027, 3, 1, 12)
    _refreshed()

    assert len(_one_day(application)) == 1
    figures = rollups.case_figures(Filter())
    assert (figures.immediate, rollups.cases("immediate", Filter()).count()) == (1, 1)
    (day,) = _one_day(application)
    overdue = day > application.promised_due_date
    assert (figures.overdue, rollups.cases("overdue", Filter()).count()) == (overdue, overdue)
    assert (figures.on_time, rollups.cases("on_time", Filter()).count()) == (
        not overdue,
        not overdue,
    )
