"""The rollups: every case figure against the week's hand-computed values, and against a
direct count of the record (``rollups.cases``) also after a calendar change, a late
rating, a reopened rectification order and a visit after the conclusion."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.selectors import supervision_scope
from catalog.calendar import working_days_between
from supervision import refresh, rollups
from supervision.models import CaseItemDay, CaseMonth
from supervision.rollups import CASE_CODES, Filter

pytestmark = pytest.mark.django_db

NOV2, NOV6 = datetime.date(2026, 11, 2), datetime.date(2026, 11, 6)


def direct(f: Filter) -> dict[str, int]:
    """Each count of the filter, counted from the record (the cases behind it)."""
    return {code: rollups.cases(code, f).count() for code in CASE_CODES}


def direct_days(f: Filter) -> int:
    return sum(
        working_days_between(
            timezone.localtime(case.accepted_at).date(),
            timezone.localtime(case.concluded_at).date(),
        )
        for case in rollups.cases("concluded", f)
    )


def f_week(**kwargs) -> Filter:
    return Filter(start=NOV2, end=NOV6, **kwargs)


def as_counts(figures) -> dict[str, int]:
    return {code: getattr(figures, code) for code in CASE_CODES}


def test_the_weeks_figures_by_hand(week):
    assert week.a.promised_due_date == datetime.date(2026, 11, 4)
    refresh.refresh()
    f = Filter(start=NOV2, end=NOV6)
    got = rollups.case_figures(f)
    assert as_counts(got) == {
        "received": 5,
        "received_online": 1,
        "accepted": 3,
        "deemed_accepted": 0,
        "corrected": 1,
        "refused": 1,
        "concluded": 2,
        "immediate": 0,
        "on_time": 1,
        "early": 1,
        "overdue": 1,
        "one_visit": 2,
    }
    assert (got.days_total, got.promised_total, got.statutory_total) == (5, 4, 40)
    assert got.on_time_rate == Decimal("50.00")
    assert got.online_rate == Decimal("20.00")
    assert got.one_visit_rate == Decimal("100.00")
    assert got.immediate_share == Decimal("0.00")
    assert (got.average_days, got.average_promised, got.average_statutory) == (
        Decimal("2.5"),
        Decimal("2.0"),
        Decimal("20.0"),
    )
    assert rollups.duration_distribution(f) == {None: {1: 1, 4: 1}}
    assert as_counts(got) == direct(f)


def test_filters_and_scope(week):
    refresh.refresh()
    spj_only = Filter(start=NOV2, end=NOV6, scope=frozenset({week.spj.pk}))
    assert rollups.case_figures(spj_only).received == 4
    assert rollups.case_figures(spj_only).corrected == 0
    assert as_counts(rollups.case_figures(spj_only)) == direct(spj_only)
    scj = Filter(start=NOV2, end=NOV6, department=week.scj.pk)
    assert (rollups.case_figures(scj).received, rollups.case_figures(scj).corrected) == (1, 1)
    online = Filter(start=NOV2, end=NOV6, channel="online")
    assert (rollups.case_figures(online).received, rollups.case_figures(online).refused) == (1, 1)
    item = Filter(start=NOV2, end=NOV6, item=week.version.item_id)
    assert as_counts(rollups.case_figures(item)) == direct(item)
    assert rollups.case_figures(item).received == 4
    by_item = {row.key: row.figures.received for row in rollups.case_breakdown(f_week(), "item")}
    assert by_item == {week.version.item_id: 4, week.other_version.item_id: 1}
    hall = Filter(start=NOV2, end=NOV6, hall=week.a.hall_id)
    assert rollups.case_figures(hall).received == 5  # D was refused at that hall's window
    assert as_counts(rollups.case_figures(hall)) == direct(hall)
    one_day = Filter(start=NOV2, end=NOV2)
    assert as_counts(rollups.case_figures(one_day)) == direct(one_day)
    assert rollups.case_figures(one_day).accepted == 3
    # A department outside the scope shows nothing, even when asked for.
    hidden = Filter(start=NOV2, end=NOV6, department=week.scj.pk, scope=frozenset({week.spj.pk}))
    assert rollups.case_figures(hidden).received == 0
    assert rollups.cases("received", hidden).count() == 0
    assert supervision_scope(user=week.watcher) == frozenset({week.spj.pk})
    assert supervision_scope(user=week.district) is None


def test_whole_months_come_from_the_monthly_rows(week):
    refresh.refresh()
    assert CaseMonth.objects.filter(day=datetime.date(2026, 11, 1)).exists()
    month = Filter(start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30))
    assert rollups.period_parts(month.start, month.end)[0] is not None
    assert as_counts(rollups.case_figures(month)) == direct(month)
    assert rollups.case_figures(month).received == 5
    # Spanning months: October's whole month, November's first week from the days.
    span = Filter(start=datetime.date(2026, 10, 1), end=NOV6)
    assert as_counts(rollups.case_figures(span)) == direct(span)
    assert as_counts(rollups.case_figures(Filter())) == direct(Filter())


def test_breakdowns(week):
    refresh.refresh()
    f = Filter(start=NOV2, end=NOV6)
    by_department = {
        row.label: row.figures.received for row in rollups.case_breakdown(f, "department")
    }
    assert by_department == {"金普新区行政审批局": 4, "金普新区市场监督管理局": 1}
    by_day = [
        (row.key, row.figures.received)
        for row in rollups.case_breakdown(f, "day")
        if row.figures.received
    ]
    assert by_day == [(NOV2, 3), (datetime.date(2026, 11, 3), 1), (datetime.date(2026, 11, 4), 1)]
    by_channel = {row.label: row.figures.received for row in rollups.case_breakdown(f, "channel")}
    assert by_channel == {"综窗办": 4, "网上办": 1}


def test_rollups_equal_the_record_after_a_calendar_change(week, at):
    from catalog.constants import CalendarDayKind
    from catalog.models import CalendarDay

    refresh.refresh()
    f = Filter(start=NOV2, end=NOV6)
    assert rollups.case_figures(f).days_total == 5 == direct_days(f)
    at(2026, 11, 10, 9)
    CalendarDay.objects.create(date=datetime.date(2026, 11, 5), kind=CalendarDayKind.HOLIDAY)
    result = refresh.refresh()
    assert NOV6 in result.days
    assert rollups.case_figures(f).days_total == 4 == direct_days(f)
    assert rollups.duration_distribution(f) == {None: {1: 1, 3: 1}}


def test_a_visit_after_the_conclusion_is_seen(week, at):
    from approvals.services.delivery import delivery_hand_over
    from intake.constants import NoticeKind
    from intake.tasks import notice_render

    refresh.refresh()
    f = Filter(start=NOV2, end=NOV6)
    assert rollups.case_figures(f).one_visit == 2
    notice_render(notice_id=week.b.notices.get(kind=NoticeKind.APPROVAL_DECISION).pk)
    at(2026, 11, 9, 10)
    delivery_hand_over(
        delivery=week.b.delivery,
        actor=week.clerk,
        recipient_name=week.citizen.name,
        recipient_id_number=week.citizen.id_number,
    )
    refresh.refresh()
    assert rollups.case_figures(f).one_visit == 1 == rollups.cases("one_visit", f).count()


def _rating_figures(f):
    from feedback.figures import figure_table

    return figure_table(start=f.start, end=f.end).total.counts


def test_rollups_equal_the_ratings_after_a_late_rating_and_a_reopened_order(week, at):
    from feedback.constants import Finding, Level, Stage, VisitLevel
    from feedback.services.orders import order_call_back, order_reply, order_visit
    from tests.factories import rating_of, service_instance
    from tests.feedback.orders_support import bad_rating, order_of

    bad = bad_rating(week.b, Stage.INTAKE, rated_at=at(2026, 11, 3, 12))
    at(2026, 11, 6, 16)
    refresh.refresh()
    f = Filter(start=NOV2, end=datetime.date(2026, 11, 13))
    counts = rollups.rating_counts(f)
    assert (counts.rated, counts.bad, counts.rectified) == (1, 1, 0)
    assert counts == _rating_figures(f)

    # A late rating: case A's conclusion rated three days after it was served, after a refresh.
    at(2026, 11, 6, 17)
    rating_of(service_instance(week.a, Stage.CONCLUSION), Level.VERY_SATISFIED)
    refresh.refresh()
    counts = rollups.rating_counts(f)
    assert (counts.rated, counts.good) == (2, 1)
    assert counts == _rating_figures(f)

    # The order is called back, rectified and replied (差评整改率 100 %), then reopened
    # by an unsatisfied return visit (0 % again): the rated day's rows follow.
    order = order_call_back(
        order=order_of(bad), actor=week.clerk, finding=Finding.TRUE, note="已电话联系群众"
    )
    order = order_reply(order=order, actor=week.clerk, text="已整改并向群众说明。")
    refresh.refresh()
    assert rollups.rating_counts(f).rectified == 1 == _rating_figures(f).rectified
    at(2026, 11, 10, 10)
    order_visit(order=order, actor=week.clerk, level=VisitLevel.UNSATISFIED, note="电话回访")
    refresh.refresh()
    counts = rollups.rating_counts(f)
    assert counts.rectified == 0
    assert counts == _rating_figures(f)


def test_refresh_reads_only_what_changed_and_rebuild_gives_the_same(week, at):
    first = refresh.refresh()
    assert first.rebuilt_all
    before = list(CaseItemDay.objects.order_by("day", "id").values(*CaseItemDay.COUNTS, "day"))
    at(2026, 11, 20, 10)
    assert refresh.refresh().days == []  # nothing new: nothing rebuilt
    refresh.rebuild()
    after = list(CaseItemDay.objects.order_by("day", "id").values(*CaseItemDay.COUNTS, "day"))
    assert sorted(before, key=str) == sorted(after, key=str)


def test_a_database_built_before_the_per_service_rows_gets_them(week, at):
    """The per-service rating rows came after the others: a database whose rollups
    were built without them (``services_built`` false, as the migration leaves it) gets
    them on the next refresh, for every rated day, without a full rebuild."""
    from feedback.constants import Stage
    from supervision.models import RatingServiceDay, RatingServiceMonth, RollupState
    from tests.feedback.orders_support import bad_rating

    rating = bad_rating(week.b, Stage.INTAKE, rated_at=at(2026, 11, 3, 12))
    at(2026, 11, 6, 16)
    refresh.refresh()
    fields = ("day", "hall_id", "window_id", "staff_id", "stage", "rating_channel", "rated", "bad")
    window = week.clerk.staff_profile.window
    expected = [
        (datetime.date(2026, 11, 3), window.hall_id, window.pk, week.clerk.pk, "intake")
        + (rating.channel, 1, 1)
    ]
    assert list(RatingServiceDay.objects.values_list(*fields)) == expected
    RatingServiceDay.objects.all().delete()
    RatingServiceMonth.objects.all().delete()
    RollupState.objects.update(services_built=False)
    at(2026, 11, 6, 17)
    result = refresh.refresh()
    assert not result.rebuilt_all
    assert list(RatingServiceDay.objects.values_list(*fields)) == expected
    month = list(RatingServiceMonth.objects.values_list(*fields))
    assert month == [(datetime.date(2026, 11, 1), *expected[0][1:])]
    assert RollupState.objects.get().services_built
