"""Clock derivation with the 2026 calendar: a limit runs from the day after its start,
pauses and resumes move the due date across 国庆 (10/1-10/7 off, 10/10 Saturday worked),
extensions add working days, yellow comes at max(2, 20 % of the limit) days left."""

import datetime

import pytest

from approvals.constants import ClockKind, Light, PauseKind
from approvals.models import Clock
from approvals.services.clocks import (
    clock_days_left,
    clock_extend,
    clock_pause,
    clock_resume,
    clock_start,
    clock_stop,
    yellow_threshold,
)

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def start(spj):
    def make(started_on, budget_days, kind=ClockKind.PROMISED):
        return clock_start(
            kind=kind, department=spj, budget_days=budget_days, started_on=started_on
        )

    return make


@pytest.fixture
def clock(at, start):
    """A limit of 10 working days started on Monday 21 September 2026 (at 9:00 that
    day): due Monday 12 October, across 中秋 and 国庆."""
    at(2026, 9, 21, 9)
    return start(D(2026, 9, 21), 10)


@pytest.mark.parametrize(
    ("budget", "threshold"),
    [(1, 2), (5, 2), (10, 2), (13, 3), (15, 3), (20, 4), (30, 6), (45, 9), (60, 12)],
)
def test_yellow_threshold_is_the_larger_of_two_days_and_a_fifth(budget, threshold):
    assert yellow_threshold(budget) == threshold


def test_yellow_threshold_follows_settings(settings):
    settings.APPROVALS_YELLOW_MIN_DAYS = 3
    settings.APPROVALS_YELLOW_RATIO = 0.3
    assert yellow_threshold(5) == 3
    assert yellow_threshold(20) == 6


def test_five_days_before_national_day(at, start):
    at(2026, 9, 28, 9)
    clock = start(D(2026, 9, 28), 5)
    # 9/29, 9/30, then 10/8, 10/9 and Saturday 10/10 (worked in lieu).
    assert clock.due_date == D(2026, 10, 10)
    assert clock.yellow_from == D(2026, 10, 8)  # two working days left
    assert (clock.light, clock.warned_level, clock.paused_days) == (Light.GREEN, Light.GREEN, 0)
    assert clock_days_left(clock, today=D(2026, 9, 30)) == 3


def test_pause_and_resume_move_the_due_date_across_national_day(at, clock):
    # 9/22-9/24, (中秋 9/25-9/27), 9/28-9/30, (国庆), 10/8, 10/9, 10/10, 10/12.
    assert clock.due_date == D(2026, 10, 12)

    at(2026, 9, 29, 15)
    clock_pause(clock=clock, kind=PauseKind.SUPPLEMENT, reason="补正申请书", on=D(2026, 9, 29))
    clock.refresh_from_db()
    assert clock.is_paused
    assert clock.due_date == D(2026, 10, 12)  # a running pause is not counted yet
    # Not a date the pages can show: 9/30, 10/8, 10/9, 10/10, 10/12 left, frozen.
    assert clock.paused_left == "剩余 5 个工作日，恢复后顺延"

    at(2026, 10, 9, 10)
    clock_resume(clock=clock, on=D(2026, 10, 9), result="已补正")
    clock.refresh_from_db()
    # Paused working days in (9/29, 10/9]: 9/30, 10/8, 10/9; the holiday is not counted.
    assert clock.paused_days == 3
    assert clock.due_date == D(2026, 10, 15)
    assert clock.yellow_from == D(2026, 10, 13)
    assert not clock.is_paused
    assert clock.light == Light.GREEN
    assert clock.paused_left == ""
    assert clock_days_left(clock, today=D(2026, 10, 9)) == 5  # as frozen


def test_a_paused_clock_past_or_on_its_due_date_says_so():
    late = Clock(paused_since=D(2026, 10, 13), due_date=D(2026, 10, 12))
    assert (late.paused_days_left, late.paused_left) == (-1, "已超期 1 个工作日，恢复后继续计算")
    due = Clock(paused_since=D(2026, 10, 12), due_date=D(2026, 10, 12))
    assert (due.paused_days_left, due.paused_left) == (0, "恢复计时当日到期")
    stopped = Clock(paused_since=D(2026, 10, 12), due_date=D(2026, 10, 12), is_open=False)
    assert (stopped.paused_days_left, stopped.paused_left) == (None, "")


def test_a_pause_over_the_holiday_alone_costs_one_working_day(clock):
    clock_pause(clock=clock, kind=PauseKind.INSPECTION, reason="检验检测", on=D(2026, 9, 30))
    clock_resume(clock=clock, on=D(2026, 10, 8))
    clock.refresh_from_db()
    assert clock.paused_days == 1  # 10/8; the seven days off were never working days
    assert clock.due_date == D(2026, 10, 13)


def test_extension_adds_working_days_and_raises_the_threshold(clock):
    clock_extend(clock=clock, days=5)
    clock.refresh_from_db()
    assert clock.extension_days == 5
    # 10/12 + 5 working days: 10/13, 10/14, 10/15, 10/16, 10/19.
    assert clock.due_date == D(2026, 10, 19)
    # 15 working days in all: yellow at 3 left (20 %), from 10/14.
    assert clock.yellow_from == D(2026, 10, 14)


def test_light_at_derivation(at, start):
    at(2026, 10, 8, 9)
    assert start(D(2026, 9, 28), 5).light == Light.YELLOW  # due 10/10, yellow from 10/8
    at(2026, 10, 12, 9)
    assert start(D(2026, 9, 28), 5).light == Light.RED


def test_stop_keeps_the_light_of_the_outcome(at, start):
    at(2026, 10, 9, 9)
    on_time = start(D(2026, 9, 28), 5)
    clock_stop(clock=on_time, on=D(2026, 10, 9))
    assert (on_time.is_open, on_time.light, on_time.stopped_on) == (
        False,
        Light.GREEN,
        D(2026, 10, 9),
    )
    at(2026, 10, 12, 9)
    late = start(D(2026, 9, 28), 5)
    clock_stop(clock=late, on=D(2026, 10, 12))
    assert late.light == Light.RED


def test_stop_ends_a_running_pause(clock):
    clock_pause(clock=clock, kind=PauseKind.HEARING, reason="听证", on=D(2026, 9, 29))
    clock_stop(clock=clock, on=D(2026, 10, 9))
    clock.refresh_from_db()
    assert not clock.is_open
    assert clock.paused_since is None
    assert clock.paused_days == 3
    assert clock.pauses.get().ended_on == D(2026, 10, 9)


def test_a_service_write_never_rolls_back_the_sweeps_warned_level(clock):
    # The sweep warns in between (set-based UPDATE on the row, not on this instance).
    Clock.objects.filter(pk=clock.pk).update(warned_level=Light.YELLOW)
    clock_extend(clock=clock, days=5)
    clock.refresh_from_db()
    assert clock.warned_level == Light.YELLOW


def test_resume_without_a_running_pause_clears_the_paused_flag(clock):
    clock.paused_since = D(2026, 9, 22)  # a flag left without its ledger row
    clock_resume(clock=clock, on=D(2026, 9, 23))
    clock.refresh_from_db()
    assert clock.paused_since is None
    assert clock.due_date == D(2026, 10, 12)
