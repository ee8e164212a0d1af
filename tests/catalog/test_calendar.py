"""The working-day calendar: 2026's State Council schedule, the Monday-Friday fallback and
its warning, properties of the arithmetic, and edits in the admin taking effect."""

import datetime
import logging

import pytest
from django.core import checks
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import calendar as cal
from catalog.calendar import add_working_days, is_working_day, working_days_between
from catalog.checks import calendar_coverage_warnings
from catalog.constants import CalendarDayKind
from catalog.models import CalendarDay, CalendarYear

D = datetime.date

# 2026 (the State Council's published schedule): 元旦 1/1-1/3 off, 1/4 (Sun) worked;
# 春节 2/15-2/23 off, 2/14 and 2/28 worked; 清明 4/4-4/6; 劳动节 5/1-5/5 off, 5/9 worked;
# 端午 6/19-6/21; 中秋 9/25-9/27; 国庆 10/1-10/7 off, 9/20 and 10/10 worked.
HOLIDAYS_2026 = [
    *(D(2026, 1, d) for d in (1, 2, 3)),
    *(D(2026, 2, d) for d in range(15, 24)),
    *(D(2026, 4, d) for d in (4, 5, 6)),
    *(D(2026, 5, d) for d in range(1, 6)),
    *(D(2026, 6, d) for d in (19, 20, 21)),
    *(D(2026, 9, d) for d in (25, 26, 27)),
    *(D(2026, 10, d) for d in range(1, 8)),
]
WEEKENDS_WORKED_2026 = [
    D(2026, 1, 4),
    D(2026, 2, 14),
    D(2026, 2, 28),
    D(2026, 5, 9),
    D(2026, 9, 20),
    D(2026, 10, 10),
]


@pytest.fixture
def calendar(db):
    """The table as migration catalog 0002 seeded it, loaded once for many examples."""
    return cal.load_calendar()


@pytest.mark.parametrize("day", HOLIDAYS_2026, ids=str)
def test_2026_holidays_are_not_working_days(db, day):
    assert not is_working_day(day)


@pytest.mark.parametrize("day", WEEKENDS_WORKED_2026, ids=str)
def test_2026_weekends_worked_in_lieu_are_working_days(db, day):
    assert day.weekday() >= 5
    assert is_working_day(day)


def test_2026_ordinary_days(db):
    assert is_working_day(D(2026, 10, 8))  # Thursday after 国庆
    assert not is_working_day(D(2026, 10, 11))  # Sunday after the Saturday worked
    assert not is_working_day(D(2026, 3, 7))  # plain Saturday


def test_national_day_example(db):
    # 9/30 + 3 working days: 10/8 (Thu), 10/9 (Fri), 10/10 (Sat, worked in lieu).
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_spring_festival_20_working_day_limit(db):
    # Accepted on Friday 2/13: 2/14 (Sat, worked) is day 1, the festival is skipped.
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_edges(db):
    assert add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == -3
    assert working_days_between(D(2026, 5, 6), D(2026, 5, 6)) == 0
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 1, 1), -1)


def test_seeded_years_match_the_package(db):
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert years == set(range(2004, 2027))


# --- Properties ---------------------------------------------------------------------

covered_days = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 12, 31))
any_days = st.dates(min_value=D(2004, 1, 1), max_value=D(2031, 12, 31))
counts = st.integers(min_value=0, max_value=400)


def test_adding_then_counting_gives_back_n(calendar):
    @settings(max_examples=300, deadline=None)
    @given(start=any_days, n=counts)
    def check(start, n):
        end = add_working_days(start, n, calendar)
        assert working_days_between(start, end, calendar) == n

    check()


def test_results_are_working_days_after_the_start(calendar):
    @settings(max_examples=300, deadline=None)
    @given(start=any_days, n=st.integers(min_value=1, max_value=400))
    def check(start, n):
        end = add_working_days(start, n, calendar)
        assert end > start
        assert calendar.is_working_day(end)
        # and it is the first day at which the count reaches n
        assert working_days_between(start, end - datetime.timedelta(days=1), calendar) == n - 1

    check()


def test_monotonic_in_n(calendar):
    @settings(max_examples=300, deadline=None)
    @given(start=any_days, n=counts, extra=st.integers(min_value=1, max_value=30))
    def check(start, n, extra):
        assert add_working_days(start, n, calendar) < add_working_days(start, n + extra, calendar)

    check()


def test_counting_is_additive(calendar):
    @settings(max_examples=200, deadline=None)
    @given(a=covered_days, b=covered_days, c=covered_days)
    def check(a, b, c):
        assert working_days_between(a, b, calendar) + working_days_between(
            b, c, calendar
        ) == working_days_between(a, c, calendar)

    check()


def test_module_functions_use_the_table_by_default(calendar):
    @settings(max_examples=50, deadline=None)
    @given(start=covered_days, n=st.integers(min_value=0, max_value=60))
    def check(start, n):
        assert add_working_days(start, n) == add_working_days(start, n, calendar)

    check()


# --- A year the table does not cover ---------------------------------------------------


def test_uncovered_year_falls_back_to_monday_to_friday_with_statutory_days(db, caplog, monkeypatch):
    caplog.set_level(logging.WARNING, logger="catalog.calendar")
    monkeypatch.setattr(cal, "_WARNED_YEARS", set())  # as a fresh process
    assert not CalendarYear.objects.filter(year=2030).exists()
    week = [D(2030, 9, 23) + datetime.timedelta(days=i) for i in range(7)]  # Mon..Sun
    assert [is_working_day(day) for day in week] == [True] * 5 + [False] * 2
    assert not is_working_day(D(2030, 10, 1))  # 国庆, provisional
    assert is_working_day(D(2030, 10, 4))  # Friday after 国庆 1-3
    warnings = [r.getMessage() for r in caplog.records if r.name == "catalog.calendar"]
    assert len(warnings) == 1  # once per year and process, not once per day
    assert "2030" in warnings[0]
    assert "Monday-Friday" in warnings[0]


def test_2027_due_date_skips_new_year_spring_festival_and_national_day(db):
    assert not CalendarYear.objects.filter(year=2027).exists()
    # 2027: 1/1 Fri; 春节 正月初一 is Sat 2/6, so 除夕 2/5 Fri .. 初三 2/8 Mon, with the
    # weekend days 2/6 and 2/7 made up on Tue 2/9 and Wed 2/10; 国庆 10/1 Fri, 10/2-10/3
    # weekend made up on Mon 10/4 and Tue 10/5.
    off = [D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)]
    off += [D(2027, 10, 1), D(2027, 10, 4), D(2027, 10, 5)]
    assert not any(is_working_day(day) for day in off)
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 11)
    assert add_working_days(D(2027, 9, 30), 1) == D(2027, 10, 6)


def test_accepted_2026_12_04_with_20_working_days_is_not_due_on_new_years_day(db):
    # December: 19 working days after Friday 12/4; the 20th is not Friday 1/1 but 1/4.
    assert add_working_days(D(2026, 12, 4), 19) == D(2026, 12, 31)
    assert add_working_days(D(2026, 12, 4), 20) == D(2027, 1, 4)


def test_makeup_rule_takes_the_next_weekday_that_is_not_off():
    from catalog.statutory import provisional_holidays, statutory_days

    days = provisional_holidays(2027)
    assert days[D(2027, 2, 9)] == "春节（补假）"
    assert days[D(2027, 2, 10)] == "春节（补假）"
    assert D(2027, 2, 8) in statutory_days(2027)  # 初三 Monday is itself off, skipped over
    # 2028: 1/1 Saturday -> Monday 1/3.
    assert provisional_holidays(2028)[D(2028, 1, 3)] == "元旦（补假）"
    # Every statutory day on a weekend has exactly one make-up day, on a weekday.
    for year in range(2027, 2040):
        days = provisional_holidays(year)
        weekend = [d for d in statutory_days(year) if d.weekday() >= 5]
        makeups = [d for d, name in days.items() if name.endswith("（补假）")]
        assert len(makeups) == len(weekend)
        assert all(d.weekday() < 5 for d in makeups)


def test_statutory_days_match_the_published_2026_schedule(db):
    """The computed lunar dates and 清明 are holidays in the State Council's 2026 notice,
    and 除夕 (a 腊月 of 29 or 30 days) matches the package's years under the 2025 rule."""
    from catalog.statutory import statutory_days

    for year in (2025, 2026):
        published = set(
            CalendarDay.objects.filter(date__year=year, kind="holiday").values_list(
                "date", flat=True
            )
        )
        assert set(statutory_days(year)) <= published, year


def test_uncovered_year_ignores_stray_rows_until_the_year_is_entered(db):
    """Rows entered for an unpublished year wait; the CalendarYear row (published) then
    replaces the provisional days with the table's."""
    CalendarDay.objects.create(date=D(2030, 10, 4), kind=CalendarDayKind.HOLIDAY, name="国庆节")
    assert is_working_day(D(2030, 10, 4))
    assert not is_working_day(D(2030, 10, 1))  # provisional
    CalendarYear.objects.create(year=2030)
    assert not is_working_day(D(2030, 10, 4))
    assert is_working_day(D(2030, 10, 1))  # not in the published rows: provisional day gone


def test_system_check_names_next_year_when_near(db, settings):
    settings.CALENDAR_WARN_DAYS_AHEAD = 30
    CalendarYear.objects.filter(year=2027).delete()
    warnings = calendar_coverage_warnings(today=D(2026, 12, 15))
    assert [w.id for w in warnings] == ["catalog.W001"]
    assert "2027" in warnings[0].msg
    assert "推算的法定节假日" in warnings[0].msg  # not "Monday-Friday" since item 5
    assert "周一至周五" not in warnings[0].msg
    assert "/calendar/year/" in warnings[0].hint  # the page that enters a year at once
    assert calendar_coverage_warnings(today=D(2026, 11, 1)) == []
    assert calendar_coverage_warnings(today=D(2026, 12, 1)) == []  # 31 days ahead
    assert [w.id for w in calendar_coverage_warnings(today=D(2026, 12, 2))] == ["catalog.W001"]


def test_system_check_names_the_current_year(db):
    warnings = calendar_coverage_warnings(today=D(2028, 3, 1))
    assert [w.msg for w in warnings if "2028" in w.msg]


def test_registered_check_runs_with_manage_py_check(db, settings):
    """Through Django's check framework, against whatever today is."""
    settings.CALENDAR_WARN_DAYS_AHEAD = 0
    year = timezone.localdate().year
    CalendarYear.objects.get_or_create(year=year)
    assert not [m for m in checks.run_checks() if m.id == "catalog.W001"]
    CalendarYear.objects.filter(year=year).delete()
    messages = [m for m in checks.run_checks() if m.id == "catalog.W001"]
    assert len(messages) == 1
    assert str(year) in messages[0].msg
    assert messages[0].level == checks.WARNING


# --- Editing the table ---------------------------------------------------------------


@pytest.fixture
def admin_client_cn(client, system_admin):
    client.force_login(system_admin)
    return client


def test_adding_a_holiday_in_the_admin_moves_results(admin_client_cn):
    start = D(2026, 9, 30)
    assert add_working_days(start, 3) == D(2026, 10, 10)  # cached now
    response = admin_client_cn.post(
        "/admin/catalog/calendarday/add/",
        {"date": "2026-10-09", "kind": CalendarDayKind.HOLIDAY, "name": "临时调整"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # 10/8 (1), 10/9 is now off, 10/10 (2), 10/11 Sunday, 10/12 (3)
    assert add_working_days(start, 3) == D(2026, 10, 12)
    assert CalendarDay.objects.get(date=D(2026, 10, 9)).source == "admin"


def test_deleting_a_worked_saturday_in_the_admin_moves_results(admin_client_cn):
    start = D(2026, 9, 30)
    assert add_working_days(start, 3) == D(2026, 10, 10)
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    response = admin_client_cn.post(f"/admin/catalog/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert add_working_days(start, 3) == D(2026, 10, 12)


def test_entering_a_year_in_the_admin_ends_the_fallback(admin_client_cn):
    assert not is_working_day(D(2030, 1, 1))  # provisional 元旦
    response = admin_client_cn.post(
        "/admin/catalog/calendaryear/add/", {"year": "2030", "note": "国办发明电〔2029〕"}
    )
    assert response.status_code == 302
    assert is_working_day(D(2030, 1, 1))  # published, not yet entered
    admin_client_cn.post(
        "/admin/catalog/calendarday/add/",
        {"date": "2030-01-01", "kind": CalendarDayKind.HOLIDAY, "name": "元旦"},
    )
    assert not is_working_day(D(2030, 1, 1))
    assert is_working_day(D(2030, 1, 2))


def test_bulk_edits_of_the_table_are_seen_at_once(db):
    assert is_working_day(D(2026, 10, 9))
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=D(2026, 10, 9), kind=CalendarDayKind.HOLIDAY)]
    )
    assert not is_working_day(D(2026, 10, 9))
    CalendarDay.objects.filter(date=D(2026, 10, 9)).update(kind=CalendarDayKind.WORKDAY)
    assert is_working_day(D(2026, 10, 9))
    CalendarDay.objects.filter(date=D(2026, 10, 9)).delete()
    assert is_working_day(D(2026, 10, 9))
    assert not is_working_day(D(2030, 1, 1))  # provisional 元旦
    CalendarYear.objects.bulk_create([CalendarYear(year=2030)])
    assert is_working_day(D(2030, 1, 1))


def test_an_edit_in_sql_stays_cached_until_calendar_changed_or_max_age(db, monkeypatch):
    """The cache is real: a change no receiver sees (SQL) shows after calendar_changed(),
    or once the copy is MAX_AGE old."""
    import time

    from django.db import connection
    from django.db.models import QuerySet

    assert is_working_day(D(2026, 10, 9))
    QuerySet(model=CalendarDay).bulk_create(
        [CalendarDay(date=D(2026, 10, 9), kind=CalendarDayKind.HOLIDAY)]
    )
    assert is_working_day(D(2026, 10, 9))
    cal.calendar_changed()
    assert not is_working_day(D(2026, 10, 9))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_calendarday WHERE date = %s", [D(2026, 10, 9)])
    assert not is_working_day(D(2026, 10, 9))
    clock = time.monotonic() + cal.MAX_AGE
    monkeypatch.setattr(time, "monotonic", lambda: clock)
    assert is_working_day(D(2026, 10, 9))


def test_admin_list_says_which_year_is_missing(admin_client_cn, settings):
    settings.CALENDAR_WARN_DAYS_AHEAD = 400
    next_year = timezone.localdate().year + 1
    CalendarYear.objects.filter(year=next_year).delete()
    response = admin_client_cn.get("/admin/catalog/calendarday/")
    assert response.status_code == 200
    assert f"工作日历未录入 {next_year} 年" in response.content.decode()


def test_an_uncovered_year_is_warned_once_per_process_not_per_calendar(db, caplog, monkeypatch):
    """The calendar is rebuilt whenever its table changes (every worker, many times a
    day): the warning must not come again with each new calendar."""
    caplog.set_level(logging.WARNING, logger="catalog.calendar")
    monkeypatch.setattr(cal, "_WARNED_YEARS", set())
    for _ in range(3):
        assert cal.WorkingCalendar().is_working_day(D(2031, 3, 3))
    warnings = [r.getMessage() for r in caplog.records if r.name == "catalog.calendar"]
    assert len(warnings) == 1
