"""Edges of the deadline clocks with real dates: limits over the 2026 and 2027 Spring
Festival and National Day (调休 weekends worked; 2027 is past what chinesecalendar knows,
so its days off are the provisional statutory ones), acceptance on a day off and around
local midnight (Asia/Shanghai, stored in UTC), pauses on one day, back to back, and
after the due date, an extension after a pause, a supplement on the last day, parallel
steps finishing on different days, and the lights on each side of their thresholds."""

import datetime

import pytest

from approvals.constants import ClockKind, Light, PauseKind
from approvals.errors import ApprovalError
from approvals.models import Clock, ClockPause, Escalation
from approvals.selectors import time_left
from approvals.services import tasks as svc
from approvals.services.clocks import clock_extend, clock_pause, clock_resume
from approvals.services.sweep import clock_sweep
from tests.approvals.sweep_checks import lights
from tests.factories import pdf_file, start_clock

D = datetime.date
pytestmark = pytest.mark.django_db


def pause_between(clock, first: datetime.date, last: datetime.date, kind=PauseKind.SUPPLEMENT):
    clock_pause(clock=clock, kind=kind, reason="补正", on=first)
    clock_resume(clock=clock, on=last)
    clock.refresh_from_db()
    return clock


@pytest.mark.parametrize(
    ("started_on", "budget", "due_date", "yellow_from"),
    [
        # 2026 春节: 2/15-2/23 off, Saturdays 2/14 and 2/28 worked.
        (D(2026, 2, 13), 5, D(2026, 2, 27), D(2026, 2, 25)),
        (D(2026, 2, 13), 6, D(2026, 2, 28), D(2026, 2, 26)),
        (D(2026, 2, 13), 2, D(2026, 2, 24), D(2026, 2, 13)),  # yellow on Saturday 2/14 too
        # 2026 国庆 and 中秋: 9/25-9/27 and 10/1-10/7 off, Sunday 9/20 and Saturday 10/10 worked.
        (D(2026, 9, 19), 1, D(2026, 9, 20), D(2026, 9, 18)),
        (D(2026, 9, 24), 4, D(2026, 10, 8), D(2026, 9, 29)),
        # Started on a day off: the first working day after it is day 1.
        (D(2026, 10, 3), 5, D(2026, 10, 13), D(2026, 10, 10)),
        (D(2026, 2, 21), 1, D(2026, 2, 24), D(2026, 2, 14)),
        # Past chinesecalendar's last year: 2027's provisional statutory days (元旦 1/1;
        # 春节 2/5-2/8 with 补假 2/9, 2/10; 国庆 10/1 with 补假 10/4, 10/5).
        (D(2026, 12, 30), 2, D(2027, 1, 4), D(2026, 12, 30)),
        (D(2027, 2, 4), 3, D(2027, 2, 15), D(2027, 2, 11)),
        (D(2027, 9, 29), 20, D(2027, 11, 1), D(2027, 10, 26)),
    ],
    ids=str,
)
def test_due_date_and_yellow_over_holidays(at, spj, started_on, budget, due_date, yellow_from):
    at(2026, 1, 5, 9)
    clock = start_clock(spj, started_on, budget)
    assert (clock.due_date, clock.yellow_from) == (due_date, yellow_from)


@pytest.mark.parametrize(
    ("now", "started_on", "promised_due"),
    [
        # 23:30 in Shanghai is 15:30 UTC the same day: accepted on Tuesday 9/29.
        ((2026, 9, 29, 23, 30), D(2026, 9, 29), D(2026, 10, 19)),
        # 00:30 on Wednesday is 16:30 UTC on Tuesday: still accepted on Wednesday 9/30.
        ((2026, 9, 30, 0, 30), D(2026, 9, 30), D(2026, 10, 20)),
        # Accepted on a holiday and on a Sunday: the limit runs from the next working day.
        ((2026, 10, 3, 10), D(2026, 10, 3), D(2026, 10, 20)),
        ((2026, 10, 11, 10), D(2026, 10, 11), D(2026, 10, 23)),
    ],
    ids=str,
)
def test_acceptance_day_is_the_local_date(
    at, accept, sequential_version, now, started_on, promised_due
):
    at(*now)
    case = accept(sequential_version)
    clocks = {clock.kind: clock for clock in Clock.objects.filter(application=case)}
    assert {clock.started_on for clock in clocks.values()} == {started_on}
    assert clocks[ClockKind.PROMISED].due_date == promised_due
    case.refresh_from_db()
    assert case.promised_due_date == promised_due
    assert f"{started_on:%Y%m%d}" in case.case_number


def test_a_pause_that_ends_the_day_it_starts_costs_nothing(at, spj):
    at(2026, 9, 21, 9)
    clock = pause_between(start_clock(spj, D(2026, 9, 21), 10), D(2026, 9, 29), D(2026, 9, 29))
    assert (clock.paused_days, clock.due_date) == (0, D(2026, 10, 12))
    assert clock.pauses.get().ended_on == D(2026, 9, 29)


def test_pauses_back_to_back_count_each_working_day_once(at, spj):
    at(2026, 9, 21, 9)
    clock = start_clock(spj, D(2026, 9, 21), 10)  # due 10/12
    pause_between(clock, D(2026, 9, 22), D(2026, 9, 24))  # 9/23, 9/24
    clock_pause(clock=clock, kind=PauseKind.HEARING, reason="听证", on=D(2026, 9, 24))
    with pytest.raises(ValueError, match="already paused"):  # pauses never overlap
        clock_pause(clock=clock, kind=PauseKind.APPRAISAL, reason="鉴定", on=D(2026, 9, 25))
    clock_resume(clock=clock, on=D(2026, 9, 29))  # (9/24, 9/29]: 9/28, 9/29 (中秋 off)
    clock.refresh_from_db()
    assert [(p.started_on, p.ended_on) for p in clock.pauses.all()] == [
        (D(2026, 9, 22), D(2026, 9, 24)),
        (D(2026, 9, 24), D(2026, 9, 29)),
    ]
    assert clock.paused_days == 4
    # 10/12 + 4 working days: 10/13, 10/14, 10/15, 10/16.
    assert clock.due_date == D(2026, 10, 16)


def test_a_supplement_cannot_start_inside_a_special_procedure(
    at, accept, sequential_version, spj_approver
):
    at(2026, 11, 2, 10)
    case = accept(sequential_version)
    task = case.tasks.get()
    svc.special_procedure_start(
        task=task, actor=spj_approver, kind=PauseKind.INSPECTION, reason="检测", expected_days=5
    )
    with pytest.raises(ApprovalError, match="检验、检测、检疫"):
        svc.task_request_supplement(task=task, actor=spj_approver, items=["检测报告"])
    assert ClockPause.objects.filter(clock__application=case).count() == 3  # one per clock


def test_an_extension_after_a_pause_adds_to_the_moved_due_date(at, spj):
    at(2026, 9, 21, 9)
    clock = start_clock(spj, D(2026, 9, 21), 10)
    pause_between(clock, D(2026, 9, 29), D(2026, 10, 9))  # 9/30, 10/8, 10/9
    assert clock.due_date == D(2026, 10, 15)
    at(2026, 10, 12, 9)
    clock_extend(clock=clock, days=10)
    clock.refresh_from_db()
    assert (clock.paused_days, clock.extension_days) == (3, 10)
    # 10/15 + 10 working days; yellow at 20 % of the 20-day limit (4) before it.
    assert (clock.due_date, clock.yellow_from) == (D(2026, 10, 29), D(2026, 10, 23))
    assert clock.light == Light.GREEN


def test_a_supplement_asked_on_the_due_day_leaves_the_day_it_arrives(at, spj):
    at(2026, 9, 28, 9)
    clock = start_clock(spj, D(2026, 9, 28), 5)  # due Saturday 10/10 (worked in lieu)
    at(2026, 10, 12, 9)
    pause_between(clock, D(2026, 10, 10), D(2026, 10, 12))
    assert (clock.paused_days, clock.due_date) == (1, D(2026, 10, 12))
    assert clock.light == Light.YELLOW
    assert time_left(clock, today=D(2026, 10, 12)).label == "今日到期"


def test_a_pause_from_before_the_due_date_never_resumes_late(at, spj, spj_approver):
    at(2026, 9, 21, 9)
    clock = start_clock(spj, D(2026, 9, 21), 5)  # 9/22-9/24, 9/28, 9/29: due 9/29
    at(2026, 10, 20, 9)
    pause_between(clock, D(2026, 9, 28), D(2026, 10, 20))
    # One working day was left on 9/28; it is the day after the pause.
    assert clock.due_date == D(2026, 10, 21)
    assert clock_sweep(today=D(2026, 10, 20)).warned == 1  # yellow, not red
    assert lights(clock) == [(Light.YELLOW, Light.YELLOW)]
    assert not Escalation.objects.exists()


def test_a_pause_begun_after_the_due_date_resumes_red_and_is_escalated(at, spj, spj_approver):
    at(2026, 9, 21, 9)
    clock = start_clock(spj, D(2026, 9, 21), 5)  # due 9/29
    at(2026, 10, 9, 9)
    pause_between(clock, D(2026, 9, 30), D(2026, 10, 9))  # 10/8, 10/9 not counted
    # Already a day over on 9/30: the pause does not make up for it.
    assert clock.due_date == D(2026, 10, 8)
    assert lights(clock) == [(Light.RED, Light.GREEN)]
    result = clock_sweep(today=D(2026, 10, 9))
    assert (result.warned, result.escalated) == (1, 1)
    assert Escalation.objects.get().clock == clock


def test_parallel_steps_finishing_on_different_days(
    at, accept, parallel_version, scj, zjj, spj, scj_approver, zjj_approver
):
    at(2026, 9, 28, 10)
    case = accept(parallel_version)
    scj_task, zjj_task = case.tasks.get(department=scj), case.tasks.get(department=zjj)
    at(2026, 9, 29, 10)
    svc.task_approve(task=scj_task, actor=scj_approver, opinion="同意")
    at(2026, 9, 30, 10)
    svc.task_request_supplement(task=zjj_task, actor=zjj_approver, items=["施工图"])
    at(2026, 10, 8, 10)
    svc.supplement_receive(application=case, actor=case.applicant.user, files=[(1, pdf_file())])

    # The step already done is neither paused nor moved by the other's supplement.
    done = Clock.objects.get(task=scj_task)
    assert (done.is_open, done.stopped_on, done.due_date) == (False, D(2026, 9, 29), D(2026, 10, 9))
    assert not done.pauses.exists()
    assert done.light == Light.GREEN
    waited = Clock.objects.get(task=zjj_task)
    assert (waited.paused_days, waited.due_date) == (1, D(2026, 10, 12))

    at(2026, 10, 9, 16)
    svc.task_approve(task=zjj_task, actor=zjj_approver, opinion="同意")
    # The next stage starts on the day the later of the two finished.
    decision = case.tasks.get(department=spj)
    assert (decision.clock.started_on, decision.clock.due_date) == (
        D(2026, 10, 9),
        D(2026, 10, 13),
    )
    promised = Clock.objects.get(application=case, kind=ClockKind.PROMISED)
    assert (promised.paused_days, promised.due_date) == (1, D(2026, 10, 26))


@pytest.mark.parametrize(
    ("today", "light", "label"),
    [
        (D(2026, 9, 30), Light.GREEN, "剩 3 个工作日"),
        (D(2026, 10, 4), Light.GREEN, "剩 3 个工作日"),  # 国庆: still three to go
        (D(2026, 10, 8), Light.YELLOW, "剩 2 个工作日"),  # exactly at the threshold
        (D(2026, 10, 10), Light.YELLOW, "今日到期"),
        (D(2026, 10, 11), Light.RED, "已超期"),  # Sunday: no working day over, but late
        (D(2026, 10, 12), Light.RED, "超期 1 个工作日"),
    ],
    ids=str,
)
def test_lights_and_words_on_each_side_of_the_thresholds(at, spj, today, light, label):
    at(2026, 9, 28, 9)
    clock = start_clock(spj, D(2026, 9, 28), 5)  # due Saturday 10/10, yellow from 10/8
    left = time_left(clock, today=today)
    assert (left.light, left.label) == (light, label)
