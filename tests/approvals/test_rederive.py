"""Calendar edits move due dates: an edit through the ORM reaches approvals through
catalog's ``calendar_edited`` signal and the re-derivation task (eager here); the set-based
re-derivation gives exactly what ``clock_derive`` gives, clock by clock."""

import datetime
import logging
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kombu.exceptions import OperationalError

from approvals.constants import ClockKind, Light, PauseKind
from approvals.models import Clock, ClockPause
from approvals.services import rederive
from approvals.services.clocks import (
    clock_derive,
    clock_extend,
    clock_pause,
    clock_resume,
    clock_stop,
)
from approvals.services.rederive import WorkingDayIndex, calendar_fingerprint, clocks_rederive
from approvals.services.sweep import clock_sweep
from approvals.tasks import clock_sweep as clock_sweep_task
from catalog.calendar import load_calendar
from catalog.constants import CalendarDayKind
from catalog.models import CalendarDay, CalendarYear
from tests.approvals.sweep_checks import lights, messages_to
from tests.factories import start_clock

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def holiday(day: D, name: str = "临时调整") -> CalendarDay:
    return CalendarDay.objects.create(date=day, kind=CalendarDayKind.HOLIDAY, name=name)


def test_a_new_holiday_moves_the_due_dates_of_open_clocks(
    at, spj, django_capture_on_commit_callbacks
):
    at(2026, 10, 12, 9)
    open_clock = start_clock(spj, D(2026, 10, 12), 10)
    paused = start_clock(spj, D(2026, 10, 12), 10, kind=ClockKind.STEP)
    clock_pause(clock=paused, kind=PauseKind.SUPPLEMENT, reason="补正", on=D(2026, 10, 13))
    closed = start_clock(spj, D(2026, 10, 12), 10)
    clock_stop(clock=closed, on=D(2026, 10, 13))
    closed_before = Clock.objects.values().get(pk=closed.pk)
    # 10/13-10/16, 10/19-10/23, 10/26: due Monday 10/26, yellow (2 left) from 10/22.
    assert (open_clock.due_date, open_clock.yellow_from) == (D(2026, 10, 26), D(2026, 10, 22))

    with django_capture_on_commit_callbacks(execute=True):
        holiday(D(2026, 10, 20))

    open_clock.refresh_from_db()
    paused.refresh_from_db()
    assert (open_clock.due_date, open_clock.yellow_from) == (D(2026, 10, 27), D(2026, 10, 23))
    assert (paused.due_date, paused.is_paused) == (D(2026, 10, 27), True)
    assert Clock.objects.values().get(pk=closed.pk) == closed_before

    # Removing it again moves them back.
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.filter(date=D(2026, 10, 20)).delete()
    open_clock.refresh_from_db()
    assert open_clock.due_date == D(2026, 10, 26)


def test_a_pause_over_the_new_holiday_counts_one_day_less(at, spj):
    at(2026, 10, 12, 9)
    clock = start_clock(spj, D(2026, 10, 12), 10)
    clock_pause(clock=clock, kind=PauseKind.HEARING, reason="听证", on=D(2026, 10, 16))
    clock_resume(clock=clock, on=D(2026, 10, 21))
    clock.refresh_from_db()
    assert (clock.paused_days, clock.due_date) == (3, D(2026, 10, 29))  # 10/19, 10/20, 10/21

    holiday(D(2026, 10, 20))
    clocks_rederive()

    clock.refresh_from_db()
    # The paused days shrink to two, the limit itself skips the holiday too: one day net.
    assert (clock.paused_days, clock.due_date) == (2, D(2026, 10, 29))
    assert clock_derive(clock, today=D(2026, 10, 12)).due_date == D(2026, 10, 29)


def test_lights_are_lowered_not_raised_and_nothing_is_warned_twice(
    at, spj, spj_approver, django_capture_on_commit_callbacks
):
    at(2026, 10, 12, 9)
    clock = start_clock(spj, D(2026, 10, 12), 10)  # due 10/26, yellow from 10/22
    at(2026, 10, 22, 9)
    assert clock_sweep(today=D(2026, 10, 22)).warned == 1
    assert lights(clock) == [(Light.YELLOW, Light.YELLOW)]

    # Two days entered late as holidays: the due date moves to 10/28, yellow to 10/26.
    with django_capture_on_commit_callbacks(execute=True):
        holiday(D(2026, 10, 15))
        holiday(D(2026, 10, 16))

    clock.refresh_from_db()
    assert (clock.due_date, clock.yellow_from) == (D(2026, 10, 28), D(2026, 10, 26))
    assert lights(clock) == [(Light.GREEN, Light.YELLOW)]  # lowered; warned level kept

    # Yellow again on 10/26, but that level was announced already.
    result = clock_sweep(today=D(2026, 10, 26))
    assert (result.turned_yellow, result.warned) == (1, 0)
    assert len(messages_to(spj_approver)) == 1

    # A rise is never made by the re-derivation: removing the holidays again leaves the
    # light for the sweep, which warns (red is a new level).
    at(2026, 10, 27, 9)
    CalendarDay.objects.filter(date__in=[D(2026, 10, 15), D(2026, 10, 16)]).delete()
    clocks_rederive()
    assert lights(clock) == [(Light.YELLOW, Light.YELLOW)]
    assert clock_sweep(today=D(2026, 10, 27)).warned == 1


def test_a_second_run_writes_nothing(at, spj):
    at(2026, 10, 12, 9)
    for budget in (1, 5, 10, 20):
        start_clock(spj, D(2026, 10, 12), budget)
    holiday(D(2026, 10, 14))
    first = clocks_rederive()
    assert (first.examined, first.written) == (4, 3)  # the one-day limit ends on 10/13
    second = clocks_rederive()
    assert (second.examined, second.written) == (4, 0)
    assert second.fingerprint == calendar_fingerprint()


def test_an_edit_while_the_broker_is_down_is_caught_up_by_the_sweep(
    at, spj, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    at(2026, 10, 12, 9)
    clock = start_clock(spj, D(2026, 10, 12), 10)
    clocks_rederive()  # the calendar as it is now has been applied

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr("approvals.tasks.clocks_rederive.delay", broker_down)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        holiday(D(2026, 10, 20))  # the administrator's save does not fail
    assert "Could not queue the due-date re-derivation" in caplog.text
    clock.refresh_from_db()
    assert clock.due_date == D(2026, 10, 26)  # not moved yet

    monkeypatch.undo()
    at(2026, 10, 12, 9)
    result = clock_sweep_task.delay().get()
    assert result["rederive_queued"] is True
    clock.refresh_from_db()
    assert clock.due_date == D(2026, 10, 27)
    assert clock_sweep_task.delay().get()["rederive_queued"] is False


def test_requests_are_not_queued_twice_while_one_waits(monkeypatch):
    queued = []
    monkeypatch.setattr("approvals.tasks.clocks_rederive.delay", lambda: queued.append(1))
    assert rederive.rederive_request() is True
    assert rederive.rederive_request() is False
    assert queued == [1]


# --- The set-based path against the reference, clock by clock ---------------------------


def _random_clocks(rng: random.Random, department, count: int) -> list[Clock]:
    clocks = []
    for _ in range(count):
        started = D(2025, 11, 1) + rng.randrange(400) * ONE_DAY
        clock = start_clock(
            department, started, rng.choice([0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60])
        )
        day = started
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            day += rng.randrange(0, 12) * ONE_DAY
            clock_pause(clock=clock, kind=PauseKind.SUPPLEMENT, reason="补正", on=day)
            day += rng.randrange(0, 20) * ONE_DAY
            clock_resume(clock=clock, on=day)
        if rng.random() < 0.2:
            clock_extend(clock=clock, days=rng.randrange(1, 20))
        if rng.random() < 0.1:
            day += rng.randrange(0, 5) * ONE_DAY
            clock_pause(clock=clock, kind=PauseKind.APPRAISAL, reason="鉴定", on=day)
        if rng.random() < 0.1:
            clock_stop(clock=clock, on=day + rng.randrange(1, 30) * ONE_DAY)
        clocks.append(clock)
    return clocks


def _edit_the_calendar() -> None:
    """Holidays added (some spanning pauses and year ends), a weekend made a working day,
    a 国庆 day given back, and 2027 entered with a holiday of its own."""
    for day in (D(2025, 12, 31), D(2026, 3, 10), D(2026, 7, 1), D(2026, 12, 31)):
        holiday(day)
    for day in (D(2026, 8, 8), D(2026, 11, 14)):
        CalendarDay.objects.create(date=day, kind=CalendarDayKind.WORKDAY, name="调休上班")
    CalendarDay.objects.filter(date=D(2026, 10, 5)).delete()
    CalendarYear.objects.get_or_create(year=2027)
    holiday(D(2027, 1, 4))


def test_the_set_based_path_gives_what_clock_derive_gives(at, spj):
    at(2026, 6, 15, 9)
    rng = random.Random(20261001)
    clocks = _random_clocks(rng, spj, 1500)
    before = {c.pk: c for c in Clock.objects.all()}
    _edit_the_calendar()
    today = D(2026, 6, 15)

    result = clocks_rederive(today=today)

    calendar = load_calendar()
    assert result.examined == sum(1 for c in before.values() if c.is_open)
    assert result.written > 200
    mismatches = []
    for clock in Clock.objects.prefetch_related("pauses").order_by("pk"):
        old = before[clock.pk]
        if not old.is_open:
            expected = (old.paused_days, old.due_date, old.yellow_from, old.light)
        else:
            reference = clock_derive(Clock.objects.get(pk=clock.pk), calendar=calendar, today=today)
            light = old.light
            if old.paused_since is None:
                light = min(old.light, reference.light)
            expected = (reference.paused_days, reference.due_date, reference.yellow_from, light)
        actual = (clock.paused_days, clock.due_date, clock.yellow_from, clock.light)
        if actual != expected:
            mismatches.append((clock.pk, actual, expected))
    assert mismatches == []
    assert len(clocks) == 1500


@pytest.fixture(scope="module")
def seeded_calendar(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return load_calendar()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    started=st.dates(D(2024, 12, 1), D(2026, 12, 31)),
    days=st.integers(0, 80),
    gaps=st.lists(st.tuples(st.integers(0, 15), st.integers(0, 25)), max_size=3),
)
def test_the_index_derives_like_clock_derive(seeded_calendar, started, days, gaps):
    pauses, day = [], started
    for before, length in gaps:
        day += before * ONE_DAY
        pauses.append(ClockPause(started_on=day, ended_on=day + length * ONE_DAY))
        day += length * ONE_DAY
    reference = clock_derive(
        Clock(started_on=started, budget_days=days, is_open=True),
        pauses=pauses,
        calendar=seeded_calendar,
        today=started,
    )
    index = WorkingDayIndex(seeded_calendar, started, started)
    spans = [(pause.started_on, pause.ended_on) for pause in pauses]
    assert index.derive(started, days, spans, {}) == (
        reference.paused_days,
        reference.due_date,
        reference.yellow_from,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sessions_side_by_side_give_the_same_result(at, spj, monkeypatch):
    """Outside a transaction (as in the Celery task) PostgreSQL sessions share the id
    ranges; every range is done once and the result is the reference's."""
    at(2026, 6, 15, 9)
    _random_clocks(random.Random(7), spj, 120)
    # Autocommit: each edit would queue (and, eager, run) the task at once; not here.
    monkeypatch.setattr("approvals.receivers.rederive_request", lambda: False)
    _edit_the_calendar()
    today = D(2026, 6, 15)

    result = clocks_rederive(today=today, chunk_ids=7, sessions=3)

    calendar = load_calendar()
    assert result.examined == Clock.objects.filter(is_open=True).count()
    assert result.written > 20
    for clock in Clock.objects.filter(is_open=True):
        reference = clock_derive(Clock.objects.get(pk=clock.pk), calendar=calendar, today=today)
        assert (clock.paused_days, clock.due_date, clock.yellow_from) == (
            reference.paused_days,
            reference.due_date,
            reference.yellow_from,
        )
    assert clocks_rederive(today=today, chunk_ids=7, sessions=3).written == 0


def test_a_new_holiday_moves_the_cases_own_due_dates_too(
    at, accept, sequential_version, django_capture_on_commit_callbacks
):
    at(2026, 10, 12, 9)
    case = accept(sequential_version)
    before = (case.promised_due_date, case.statutory_due_date)

    with django_capture_on_commit_callbacks(execute=True):
        holiday(D(2026, 10, 13))

    case.refresh_from_db()
    clocks = {c.kind: c.due_date for c in Clock.objects.filter(application=case)}
    assert (case.promised_due_date, case.statutory_due_date) == (
        clocks[ClockKind.PROMISED],
        clocks[ClockKind.STATUTORY],
    )
    assert case.promised_due_date > before[0]


def test_publishing_a_year_past_the_package_replaces_its_provisional_days(
    at, spj, django_capture_on_commit_callbacks
):
    """2027 is past chinesecalendar: its statutory days (春节 2/5-2/8, 补假 2/9, 2/10) hold
    until the year is entered; the State Council's schedule (here a made-up one with a
    longer break and a Saturday worked in lieu) then moves the open clocks at once."""
    at(2027, 2, 4, 9)
    clock = start_clock(spj, D(2027, 2, 4), 3)
    assert clock.due_date == D(2027, 2, 15)  # 2/11, 2/12, 2/15

    with django_capture_on_commit_callbacks(execute=True):
        CalendarYear.objects.create(year=2027, note="国务院办公厅通知")
        for day in range(5, 14):
            holiday(D(2027, 2, day), "春节")
        CalendarDay.objects.create(date=D(2027, 2, 20), kind=CalendarDayKind.WORKDAY, name="春节")

    clock.refresh_from_db()
    # 2/15, 2/16, 2/17; and a limit of 5 from 2/15 now ends on Saturday 2/20, worked.
    assert clock.due_date == D(2027, 2, 17)
    assert start_clock(spj, D(2027, 2, 15), 5).due_date == D(2027, 2, 20)


def test_entering_a_year_on_the_entry_page_moves_the_open_clocks_across_the_new_year(
    at, spj, system_admin, django_capture_on_commit_callbacks
):
    """catalog's one-form entry of a year (calendar_year_enter) writes through the
    watched models, so the re-derivation follows its commit like any calendar edit. The
    schedule is made up (not the State Council's): 元旦 off 1/1 to Monday 1/4."""
    from catalog.calendar_services import PlannedDay, calendar_year_enter

    at(2026, 12, 8, 9)
    clock = start_clock(spj, D(2026, 12, 8), 20)
    assert clock.due_date == D(2027, 1, 6)  # 17 days in December, provisional 元旦 1/1

    days = [PlannedDay(D(2027, 1, d), "holiday", "元旦") for d in (1, 2, 3, 4)]
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_enter(year=2027, days=days, note="", actor=system_admin)

    clock.refresh_from_db()
    assert clock.due_date == D(2027, 1, 7)
