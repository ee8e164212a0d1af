"""Every supervision figure equals a plain count of the case record, after a fortnight
of actions that change figures after the fact, with the rollups refreshed between the
actions as the minute's refresh does in production.

The direct counts here read the record row by row in Python (``CaseEvent`` and its
``Application``, ``Rating`` and its instance and order) and apply docs/domain.md's
definitions literally: nothing of ``supervision.refresh`` or ``supervision.rollups``
is reused, so a figure that drifts from the record shows as a difference."""

import datetime
import math
from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from catalog.calendar import working_days_between
from feedback.constants import BAD_LEVELS, GOOD_LEVELS, OrderStatus
from feedback.models import Rating, ReturnVisit
from intake.models import CaseEvent
from supervision import rankings, refresh, rollups
from supervision.rollups import Filter

pytestmark = pytest.mark.django_db

RECEIVED = {"submit", "receive"}
ACCEPTED = {"accept", "auto_accept"}
CONCLUDED = {"conclude", "conclude_immediately"}
VISITS = {
    "receive",
    "resubmit",
    "accept",
    "refuse",
    "request_correction",
    "conclude_immediately",
    "supplement_received",
    "delivered",
}
CASE_COUNTS = (
    "received",
    "received_online",
    "accepted",
    "deemed_accepted",
    "corrected",
    "refused",
    "concluded",
    "immediate",
    "on_time",
    "early",
    "overdue",
    "one_visit",
    "days_total",
    "promised_total",
    "statutory_total",
)
RATING_COUNTS = ("rated", "good", "active", "active_good", "bad", "defaulted", "rectified")


def local_day(moment) -> datetime.date:
    return timezone.localtime(moment).date()


def in_period(day, f: Filter) -> bool:
    return (f.start is None or day >= f.start) and (f.end is None or day <= f.end)


def case_dimensions(application) -> dict:
    return {
        "hall": application.hall_id,
        "department": application.item_version.department_id,
        "item": application.item_version.item_id,
        "channel": application.channel,
        "unit": application.accepting_unit_id,
        "window": application.window_id,
    }


def matches(dims: dict, f: Filter) -> bool:
    for name in ("hall", "department", "item", "unit"):
        if getattr(f, name) is not None and dims[name] != getattr(f, name):
            return False
    if f.channel and dims["channel"] != f.channel:
        return False
    return f.scope is None or dims["department"] in f.scope


def case_events() -> list[CaseEvent]:
    return list(CaseEvent.objects.select_related("application__item_version").order_by("at", "pk"))


def direct_cases(events, f: Filter, by=None) -> dict:
    """{group: {count: n}} (group None without ``by``) and {group: {days: cases}},
    counted from every CaseEvent of the period (``events``), read one by one."""
    visit_days = defaultdict(set)
    for e in events:
        if e.action in VISITS and e.window_id is not None and e.actor_id is not None:
            visit_days[e.application_id].add(local_day(e.at))
    counts: dict = defaultdict(Counter)
    durations: dict = defaultdict(Counter)
    for e in events:
        day, app = local_day(e.at), e.application
        dims = case_dimensions(app)
        if not in_period(day, f) or not matches(dims, f):
            continue
        key = None if by is None else day.replace(day=1) if by == "month" else dims.get(by)
        key = day if by == "day" else key
        c = counts[key]
        if e.action in RECEIVED:
            c["received"] += 1
            c["received_online"] += app.channel == "online"
        elif e.action in ACCEPTED:
            c["accepted"] += 1
            c["deemed_accepted"] += e.action == "auto_accept"
        elif e.action == "request_correction":
            c["corrected"] += 1
        elif e.action == "refuse":
            c["refused"] += 1
        elif e.action in CONCLUDED:
            due = app.promised_due_date
            c["concluded"] += 1
            c["immediate"] += e.action == "conclude_immediately"
            c["on_time"] += due is None or day <= due
            c["early"] += due is not None and day < due
            c["overdue"] += due is not None and day > due
            c["one_visit"] += len(visit_days[app.pk]) <= 1
            c["promised_total"] += app.item_version.promised_limit_days or 0
            c["statutory_total"] += app.item_version.statutory_limit_days or 0
            if app.accepted_at is not None:
                days = max(working_days_between(local_day(app.accepted_at), day), 0)
                c["days_total"] += days
                durations[key][days] += 1
    return (
        {k: {name: c[name] for name in CASE_COUNTS} for k, c in counts.items()},
        {k: dict(sorted(d.items())) for k, d in durations.items()},
    )


def figures_of(figures) -> dict:
    return {name: getattr(figures, name) for name in CASE_COUNTS}


def nonzero(groups: dict) -> dict:
    return {k: v for k, v in groups.items() if any(v.values())}


def all_ratings() -> tuple[list[Rating], set[int]]:
    """Every rating, and the ids of those whose order had a return visit."""
    ratings = Rating.objects.select_related("instance__application", "rectification_order")
    return list(ratings), set(ReturnVisit.objects.values_list("order__rating_id", flat=True))


def direct_ratings(record, f: Filter, by=None) -> dict:
    """{group: {count: n}} of the ratings rated in the period, read one by one."""
    ratings, visited = record
    counts: dict = defaultdict(Counter)
    for r in ratings:
        i = r.instance
        dims = {
            "hall": i.hall_id,
            "department": i.department_id,
            "item": i.item_id,
            "channel": i.application.channel,
            "unit": i.application.accepting_unit_id,
            "window": i.window_id,
            "staff": i.staff_id,
            "stage": i.stage,
            "rating_channel": r.channel,
            "month": local_day(r.rated_at).replace(day=1),
        }
        if r.excluded or not in_period(local_day(r.rated_at), f):
            continue
        if not matches(dims, f):
            continue
        c = counts[None if by is None else dims[by]]
        bad = r.level in BAD_LEVELS
        order = getattr(r, "rectification_order", None) if bad else None
        c["rated"] += 1
        c["good"] += r.level in GOOD_LEVELS
        c["active"] += not r.is_default
        c["active_good"] += not r.is_default and r.level in GOOD_LEVELS
        c["bad"] += bad
        c["defaulted"] += r.is_default
        c["rectified"] += order is not None and order.status in (
            OrderStatus.VISIT,
            OrderStatus.RULING,
            OrderStatus.CLOSED,
        )
        c["visited"] += bad and r.pk in visited
    return {k: dict(c) for k, c in counts.items()}


def rating_figures(counts) -> dict:
    return {name: getattr(counts, name) for name in (*RATING_COUNTS, "visited")}


def dense(groups: dict) -> dict:
    return {
        k: {name: v.get(name, 0) for name in (*RATING_COUNTS, "visited")}
        for k, v in groups.items()
        if v.get("rated")
    }


def p90(distribution: dict) -> int | None:
    cases = sorted(days for days, n in distribution.items() for _ in range(n))
    return cases[math.ceil(0.9 * len(cases)) - 1] if cases else None


def assert_every_figure_equals_the_record(filters) -> None:
    events, ratings = case_events(), all_ratings()
    for f in filters:
        total, durations = direct_cases(events, f)
        assert figures_of(rollups.case_figures(f)) == total.get(
            None, dict.fromkeys(CASE_COUNTS, 0)
        ), f
        assert rollups.duration_distribution(f) == durations, f
        for by in ("department", "item", "hall", "channel", "unit", "month", "day"):
            expected, _ = direct_cases(events, f, by)
            got = {row.key: figures_of(row.figures) for row in rollups.case_breakdown(f, by)}
            assert nonzero(got) == nonzero(expected), (f, by)
        by_item = direct_cases(events, f, "item")[1]
        limits = {row.key: (row.distribution, row.p90) for row in rankings.time_limits(f)}
        assert limits == {k: (d, p90(d)) for k, d in by_item.items()}, f
        assert rating_figures(rollups.rating_counts(f)) == dense(
            {None: direct_ratings(ratings, f).get(None, {})}
        ).get(None, dict.fromkeys((*RATING_COUNTS, "visited"), 0)), f
        for by in ("department", "item", "hall", "channel", "unit"):
            got = {k: rating_figures(c) for k, c in rollups.rating_groups(f, by).items()}
            assert dense(got) == dense(direct_ratings(ratings, f, by)), (f, by)
        if not (f.item or f.channel or f.unit):
            for by in ("window", "staff", "stage", "rating_channel"):
                got = {k: rating_figures(c) for k, c in rollups.rating_groups(f, by).items()}
                assert dense(got) == dense(direct_ratings(ratings, f, by)), (f, by)
        _rankings_equal_the_record(f, events, ratings)


def _rankings_equal_the_record(f: Filter, events, ratings) -> None:
    by_department = direct_cases(events, f, "department")[0]
    rated = dense(direct_ratings(ratings, f, "department"))
    got = {
        r.key: (r.accepted, r.concluded, r.on_time, r.rated) for r in rankings.department_ranking(f)
    }
    keys = {k for k, c in by_department.items() if any(c.values())} | set(rated)
    expected = {
        k: (
            by_department.get(k, {}).get("accepted", 0),
            by_department.get(k, {}).get("concluded", 0),
            by_department.get(k, {}).get("on_time", 0),
            rated.get(k, {}).get("rated", 0),
        )
        for k in keys
    }
    assert {k: v for k, v in got.items() if any(v)} == {
        k: v for k, v in expected.items() if any(v)
    }, f
    # Windows: acceptances made there, conclusions of the cases accepted there.
    windows: dict = defaultdict(lambda: [0, 0, 0])
    staff: dict = defaultdict(lambda: [0, 0, 0])
    for e in events:
        day, app = local_day(e.at), e.application
        if not in_period(day, f) or not matches(case_dimensions(app), f):
            continue
        on_time = app.promised_due_date is None or day <= app.promised_due_date
        if e.action in ACCEPTED and e.window_id is not None:
            windows[e.window_id][0] += 1
        if e.action in CONCLUDED and app.window_id is not None:
            windows[app.window_id][1] += 1
            windows[app.window_id][2] += on_time
        if e.actor_id is not None and e.action in ACCEPTED | CONCLUDED:
            staff[e.actor_id][0] += e.action in ACCEPTED
            staff[e.actor_id][1] += e.action in CONCLUDED
            staff[e.actor_id][2] += e.action in CONCLUDED and on_time
    for ranking, counted, by in (
        (rankings.window_ranking, windows, "window"),
        (rankings.staff_ranking, staff, "staff"),
    ):
        by_key = dense(direct_ratings(ratings, f, by))
        got = {r.key: (r.accepted, r.concluded, r.on_time, r.rated) for r in ranking(f)}
        expected = {
            k: (*counted.get(k, (0, 0, 0)), by_key.get(k, {}).get("rated", 0))
            for k in (
                {k for k in by_key if k is not None} | {k for k, v in counted.items() if any(v)}
            )
        }
        assert {k: v for k, v in got.items() if any(v)} == expected, (f, by)


def test_every_figure_equals_the_record_after_a_fortnight_of_late_changes(week, at):
    from feedback.constants import AppealKind, Level, Stage
    from feedback.services.jobs import ratings_default_record
    from feedback.services.orders import appeal_decide, appeal_file
    from intake.constants import MaterialStatus
    from intake.services.cases import (
        application_withdraw,
        intake_accept,
        intake_request_correction,
    )
    from tests.factories import (
        _first_material,
        _submitted,
        pdf_file,
        rating_of,
        resubmit_with,
        service_instance,
        start_online,
        verdicts_all_received,
    )
    from tests.feedback.orders_support import bad_rating, conclude, order_of

    def refreshed(*moment):
        at(*moment)
        refresh.refresh(now=timezone.now() + refresh.LAG + datetime.timedelta(seconds=1))

    monday, friday = week.monday, week.friday
    days = [monday + datetime.timedelta(days=n) for n in range(12)]
    citizen, clerk = week.citizen, week.clerk
    hall = clerk.staff_profile.window.hall_id

    def filters(*periods) -> list[Filter]:
        return [
            *(Filter(start, end) for start, end in periods),
            Filter(None, None, hall=hall),
            Filter(days[7], days[7], hall=hall),
            Filter(None, None, channel="online"),
            Filter(None, None, department=week.scj.pk),
            Filter(None, None, item=week.version.item_id),
            Filter(monday, days[-1], scope=frozenset({week.spj.pk})),
        ]

    # The week is in the record; the first refresh builds it all.
    refreshed(2026, 11, 9, 8)

    # F: applied for online at 23:30 on Mon 9 Nov, accepted at the window the next
    # morning (the acceptance gives it its hall).
    at(2026, 11, 9, 23, 30)
    f_case = _submitted(start_online(week.version, citizen), citizen.user)
    refreshed(2026, 11, 9, 23, 40)
    # G: applied for online at 00:30 on Tue 10 Nov (still the 9th in UTC), withdrawn.
    at(2026, 11, 10, 0, 30)
    g_case = _submitted(start_online(week.version, citizen), citizen.user)
    refreshed(2026, 11, 10, 0, 40)
    at(2026, 11, 10, 9)
    f_case = intake_accept(application=f_case, actor=clerk, verdicts=verdicts_all_received(f_case))
    refreshed(2026, 11, 10, 9, 10)
    assert_every_figure_equals_the_record(filters((days[7], days[8]), (None, None)))
    application_withdraw(application=g_case, actor=citizen.user, reason="不需要了")
    refreshed(2026, 11, 10, 9, 20)
    # C, accepted in the first week, concludes in the second.
    at(2026, 11, 10, 15)
    conclude(week.c, week.approver)
    refreshed(2026, 11, 10, 15, 10)
    # H: online, told to correct at the window on Wed 11, resubmitted, accepted on
    # Thu 12 at 23:30.
    at(2026, 11, 11, 9)
    h_case = _submitted(start_online(week.other_version, citizen), citizen.user)
    refreshed(2026, 11, 11, 9, 10)
    at(2026, 11, 11, 10)
    material = _first_material(h_case).material
    intake_request_correction(
        application=h_case,
        actor=clerk,
        verdicts=[{"material": material.pk, "status": MaterialStatus.MISSING}],
    )
    refreshed(2026, 11, 11, 10, 10)
    at(2026, 11, 12, 9)
    h_case.refresh_from_db()
    h_case = resubmit_with(h_case, material)
    refreshed(2026, 11, 12, 9, 10)
    # F concludes on its promised due date (on time, not early).
    at(2026, 11, 12, 15)
    f_case = conclude(f_case, week.approver)
    assert f_case.promised_due_date == datetime.date(2026, 11, 12)
    refreshed(2026, 11, 12, 15, 10)
    at(2026, 11, 12, 23, 30)
    intake_accept(application=h_case, actor=clerk, verdicts=verdicts_all_received(h_case))
    refreshed(2026, 11, 12, 23, 40)

    # Ratings: a 差评 of F's intake appealed away, C's conclusion rated; A's and B's
    # intake left unrated until the job records their default ratings (rated on the
    # last day of their period, a day refreshed long before).
    bad = bad_rating(f_case, Stage.INTAKE, rated_at=at(2026, 11, 13, 9))
    refreshed(2026, 11, 13, 9, 10)
    rating_of(service_instance(week.c, Stage.CONCLUSION), Level.VERY_SATISFIED)
    service_instance(week.a, Stage.INTAKE)
    service_instance(week.b, Stage.INTAKE)
    refreshed(2026, 11, 13, 11)
    appeal = appeal_file(
        order=order_of(bad),
        actor=clerk,
        kind=AppealKind.MISTAKEN,
        reason="群众评价的不是本窗口的服务。",
        evidence=pdf_file("说明.pdf"),
    )
    appeal_decide(appeal=appeal, actor=week.district, accept=True, reason="认定为误评。")
    refreshed(2026, 11, 13, 11, 10)
    at(2026, 11, 20, 1)
    assert ratings_default_record(sessions=1).recorded >= 2
    refreshed(2026, 11, 20, 1, 10)
    assert Rating.objects.filter(excluded=True).count() == 1

    periods = [
        *((day, day) for day in days),
        (monday, friday),
        (monday + datetime.timedelta(days=7), friday + datetime.timedelta(days=7)),
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)),
        (datetime.date(2026, 10, 1), datetime.date(2026, 11, 10)),
        (None, None),
    ]
    assert_every_figure_equals_the_record(filters(*periods))
    _the_annual_report_equals_the_record(week)


def _the_annual_report_equals_the_record(week) -> None:
    from supervision.annual import annual_figures

    events, ratings = case_events(), all_ratings()
    zero = dict.fromkeys(CASE_COUNTS, 0)
    for departments in (None, [week.spj.pk]):
        scope = None if departments is None else frozenset(departments)
        year = Filter(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), scope=scope)
        annual = annual_figures(2026, departments)
        total, durations = direct_cases(events, year)
        assert figures_of(annual.cases) == total[None]
        assert annual.duration == durations[None]
        assert rating_figures(annual.ratings) == dense(direct_ratings(ratings, year))[None]
        by_month = direct_cases(events, year, "month")[0]
        assert {m.month: figures_of(m.cases) for m in annual.months} == {
            m.month: by_month.get(m.month, zero) for m in annual.months
        }
        by_department = direct_cases(events, year, "department")[0]
        got = sorted(sorted(figures_of(row.cases).items()) for row in annual.departments)
        assert got == sorted(sorted(c.items()) for c in by_department.values())
