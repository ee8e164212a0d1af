"""Entering a whole year's schedule on one page (/calendar/year/): who may, the form's
rules and its Chinese errors (typed values kept, nothing written), the preview, the save
in one transaction with the admin's history, the calendar's cache retired at once, and
the home page's notice while the coming year is provisional.

The dates entered here are made up for the tests: they are not the State Council's 2027
schedule, which the centre enters from the published notice."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.db import DataError

from catalog.calendar import add_working_days, current_calendar, is_working_day
from catalog.calendar_forms import HOLIDAY_ROWS, WORKDAY_ROWS, YearScheduleForm
from catalog.calendar_services import PlannedDay, calendar_year_enter, year_schedule
from catalog.constants import CalendarDayKind, CalendarSource
from catalog.models import CalendarDay, CalendarYear

D = datetime.date
URL = "/calendar/year/"
pytestmark = pytest.mark.django_db


def form_data(year="2027", note="", holidays=(), workdays=(), **extra) -> dict:
    """The page's fields, every row blank unless given: ``holidays`` as (name, start,
    end), ``workdays`` as (date, name)."""
    data = {"year": year, "note": note}
    for row in range(HOLIDAY_ROWS):
        name, start, end = holidays[row] if row < len(holidays) else ("", "", "")
        data.update({f"h{row}_name": name, f"h{row}_start": start, f"h{row}_end": end})
    for row in range(WORKDAY_ROWS):
        day, name = workdays[row] if row < len(workdays) else ("", "")
        data.update({f"w{row}_date": day, f"w{row}_name": name})
    return {**data, **extra}


# Made up: a three-day 元旦 and a Saturday worked the week after.
SCHEDULE = form_data(
    note="测试通知",
    holidays=[("元旦", "2027-01-01", "2027-01-03"), ("测试假期", "2027-05-03", "2027-05-04")],
    workdays=[("2027-01-09", "元旦")],
)


@pytest.fixture
def entering(client, catalog_admin, at):
    at(2026, 12, 8, 10)
    client.force_login(catalog_admin)
    return client


def posted(client, data, action, status=200) -> str:
    """The page's HTML after posting ``data`` with ``action``, answered with ``status``."""
    response = client.post(URL, {**data, "action": action})
    assert response.status_code == status, response.content.decode()
    return response.content.decode()


def preview_and_save(client, data) -> tuple:
    preview = client.post(URL, {**data, "action": "preview"})
    assert preview.status_code == 200, preview.content.decode()
    seen = preview.context["seen"]
    return preview, client.post(URL, {**data, "action": "save", "seen": seen})


# --- Who may -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["citizen", "clerk", "supervisor", "approver"])
def test_only_those_who_keep_the_calendar_get_the_page(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    assert client.get(URL).status_code == 403
    response = client.post(URL, {**SCHEDULE, "action": "save", "seen": ""})
    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_empty_form_names_the_statutory_holidays_and_the_provisional_year(entering):
    response = entering.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["year"] == 2027  # 2026 is entered (chinesecalendar), 2027 is not
    html = response.content.decode()
    for name in ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]:
        assert f'value="{name}"' in html
    assert "尚未录入，暂按推定的法定节假日" in html


# --- The form's rules --------------------------------------------------------------------


TODAY = D(2026, 12, 8)


def errors_of(data, today=TODAY) -> dict:
    form = YearScheduleForm(data, today=today)
    assert not form.is_valid()
    return {name: " ".join(messages) for name, messages in form.errors.items()}


def test_a_valid_schedule_plans_every_day_of_its_ranges_and_the_worked_days():
    form = YearScheduleForm(SCHEDULE, today=D(2026, 12, 8))
    assert form.is_valid(), form.errors
    assert form.plan == [
        PlannedDay(D(2027, 1, 1), "holiday", "元旦"),
        PlannedDay(D(2027, 1, 2), "holiday", "元旦"),  # a Saturday inside the range: listed
        PlannedDay(D(2027, 1, 3), "holiday", "元旦"),
        PlannedDay(D(2027, 1, 9), "workday", "元旦"),
        PlannedDay(D(2027, 5, 3), "holiday", "测试假期"),
        PlannedDay(D(2027, 5, 4), "holiday", "测试假期"),
    ]


def test_dates_must_fall_in_the_year_and_a_range_must_not_end_before_it_starts():
    errors = errors_of(
        form_data(
            holidays=[("元旦", "2026-12-31", "2027-01-01"), ("春节", "2027-02-10", "2027-02-06")],
            workdays=[("2028-01-08", "元旦")],
        )
    )
    assert "日期须在 2027 年内（填写的是 2026年12月31日）" in errors["h0_start"]
    assert "放假结束日期不能早于开始日期" in errors["h1_end"]
    assert "日期须在 2027 年内" in errors["w0_date"]


def test_ranges_must_not_overlap():
    errors = errors_of(
        form_data(
            holidays=[("春节", "2027-02-05", "2027-02-11"), ("元宵", "2027-02-11", "2027-02-12")]
        )
    )
    assert errors == {"h1_start": "与第 1 行“春节”（2027年2月5日至2027年2月11日）的放假日期重叠。"}
    # A long range holding two short ones: each is named against it.
    errors = errors_of(
        form_data(
            holidays=[
                ("甲", "2027-10-06", "2027-10-07"),
                ("乙", "2027-10-01", "2027-10-10"),
                ("丙", "2027-10-02", "2027-10-03"),
            ]
        )
    )
    assert set(errors) == {"h0_start", "h2_start"}
    assert all("与第 2 行“乙”" in text for text in errors.values())


def test_a_worked_day_must_be_a_weekend_outside_the_ranges_and_listed_once():
    errors = errors_of(
        form_data(
            holidays=[("元旦", "2027-01-01", "2027-01-03")],
            workdays=[
                ("2027-01-06", "元旦"),  # a Wednesday
                ("2027-01-02", "元旦"),  # a Saturday off
                ("2027-01-09", "元旦"),
                ("2027-01-09", "元旦"),
            ],
        )
    )
    assert errors["w0_date"] == "2027年1月6日是星期三；调休上班日须为周六或周日。"
    assert "在第 1 行“元旦”的放假期间内，不能同时调休上班" in errors["w1_date"]
    assert errors["w3_date"] == "与第 3 行的调休上班日期重复。"
    assert "w2_date" not in errors


def test_names_are_required_and_a_named_holiday_needs_its_dates():
    errors = errors_of(
        form_data(
            holidays=[
                ("", "2027-01-01", "2027-01-01"),
                ("中秋节", "", ""),
                ("端午节", "2027-06-09", ""),
            ],
            workdays=[("2027-01-09", "")],
        )
    )
    assert errors["h0_name"] == "请填写节日名称，如“元旦”。"
    assert "请填写“中秋节”的放假起止日期" in errors["h1_start"]
    assert "请填写放假结束日期" in errors["h2_end"]
    assert errors["w0_name"] == "请填写该调休上班日对应的节日名称，如“春节”。"


def test_the_year_is_this_one_or_one_of_the_next_five_and_something_is_entered():
    assert "年份须在 2026 年至 2031 年之间" in errors_of(form_data(year="2025"))["year"]
    assert errors_of(form_data()) == {"__all__": "请至少填写一段放假安排。"}


def test_a_refused_form_keeps_what_was_typed_says_where_and_writes_nothing(entering):
    data = form_data(
        note="国办发明电〔测试〕1号",
        holidays=[("元旦", "2027-01-01", "2027-01-03")],
        workdays=[("2027-01-06", "元旦")],
    )
    for action in ("preview", "save"):
        response = entering.post(URL, {**data, "action": action, "seen": "x"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "调休上班第 1 行 调休上班日期：2027年1月6日是星期三" in html
        assert 'href="#id_w0_date"' in html  # the summary links the field
        assert 'value="国办发明电〔测试〕1号"' in html
        assert 'value="2027-01-06"' in html
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


# --- Preview and save --------------------------------------------------------------------


def test_the_preview_lists_the_days_and_writes_nothing(entering):
    html = posted(entering, SCHEDULE, "preview")
    assert "2027 年将写入 6 天" in html
    assert "放假 5 天（其中周一至周五 3 天），调休上班 1 天" in html
    for day in ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-09", "2027-05-04"]:
        assert f"<td>{day}</td>" in html
    assert "确认保存" in html
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_saving_enters_the_year_at_once_with_who_and_when(entering, catalog_admin):
    start = D(2027, 1, 8)  # a Friday
    assert current_calendar().is_provisional(2027)  # the process now holds the calendar
    before = add_working_days(start, 1)
    assert before == D(2027, 1, 11)  # Monday: the Saturday is not worked yet

    _preview, response = preview_and_save(entering, SCHEDULE)
    assert response.status_code == 302
    assert response["Location"] == URL

    # The cached calendar was retired: the same computation gives another date.
    assert add_working_days(start, 1) == D(2027, 1, 9)
    assert not current_calendar().is_provisional(2027)
    assert not is_working_day(D(2027, 5, 3))
    entry = CalendarYear.objects.get(year=2027)
    assert (entry.source, entry.note) == (CalendarSource.ADMIN, "测试通知")
    days = CalendarDay.objects.filter(date__year=2027)
    assert days.count() == 6
    assert set(days.values_list("source", flat=True)) == {CalendarSource.ADMIN}
    assert days.get(date=D(2027, 1, 9)).kind == CalendarDayKind.WORKDAY

    # The admin's history: who and when, for the year and each day.
    logs = LogEntry.objects.filter(user=catalog_admin, action_flag=ADDITION)
    assert logs.count() == 7
    assert logs.filter(object_id=str(entry.pk), content_type__model="calendaryear").exists()
    assert "录入 2027 年全年安排（放假 5 天，调休上班 1 天）" in logs.first().change_message

    page = entering.get(URL)
    html = page.content.decode()
    assert "已录入 2027 年节假日安排：放假 5 天（其中工作日 3 天），调休上班 1 天" in html
    assert "最近由 孙磊 于" in html


def test_saving_replaces_the_days_entered_one_by_one(entering, catalog_admin):
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")
    CalendarDay.objects.create(date=D(2027, 3, 3), kind=CalendarDayKind.HOLIDAY, name="误录")
    preview, response = preview_and_save(entering, SCHEDULE)
    html = preview.content.decode()
    assert "保存将替换该年已有的 2 条记录" in html
    assert "2027-03-03（法定节假日（休息） 误录）" in html
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=D(2027, 3, 3)).exists()
    assert CalendarDay.objects.filter(date__year=2027).count() == 6
    assert LogEntry.objects.filter(user=catalog_admin, action_flag=DELETION).count() == 2


def test_a_change_by_someone_else_after_the_preview_is_refused_with_409(entering):
    preview = entering.post(URL, {**SCHEDULE, "action": "preview"})
    seen = preview.context["seen"]
    CalendarDay.objects.create(date=D(2027, 3, 3), kind=CalendarDayKind.HOLIDAY, name="他人录入")
    response = entering.post(URL, {**SCHEDULE, "action": "save", "seen": seen})
    assert response.status_code == 409
    html = response.content.decode()
    assert "该记录已被他人修改，请刷新后重试。" in html
    assert "保存将替换该年已有的 1 条记录" in html  # the fresh preview shows the colleague's day
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("name", flat=True)) == [
        "他人录入"
    ]
    # Saving from the fresh preview goes through.
    again = entering.post(URL, {**SCHEDULE, "action": "save", "seen": response.context["seen"]})
    assert again.status_code == 302


def test_saving_without_a_preview_is_refused(entering):
    posted(entering, SCHEDULE, "save", status=409)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_back_to_the_form_keeps_everything(entering):
    html = posted(entering, SCHEDULE, "edit")
    assert 'value="测试假期"' in html
    assert 'value="2027-05-04"' in html
    assert "预览将写入的日期" in html


@pytest.mark.postgres
def test_nothing_is_half_saved_when_a_write_fails(db, catalog_admin):
    """The old rows are deleted and the year created before the days are inserted: a
    failure there (a name longer than its column) leaves the table as it was."""
    CalendarDay.objects.create(date=D(2027, 3, 3), kind=CalendarDayKind.HOLIDAY, name="已录")
    seen = year_schedule(2027).token
    days = [
        PlannedDay(D(2027, 1, 1), "holiday", "元旦"),
        PlannedDay(D(2027, 1, 2), "holiday", "长" * 51),
    ]
    with pytest.raises(DataError):
        calendar_year_enter(year=2027, days=days, note="", actor=catalog_admin, seen=seen)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("name", flat=True)) == [
        "已录"
    ]
    assert not LogEntry.objects.exists()
    assert current_calendar().is_provisional(2027)


# --- The home page's notice --------------------------------------------------------------

NOTICE = "2027 年节假日安排尚未录入，跨年期限暂按推定的法定节假日计算"


def home(client, user):
    client.force_login(getattr(user, "user", user))
    return client.get("/").content.decode()


def test_the_notice_shows_from_november_with_a_link_for_those_who_enter(
    client, at, catalog_admin, supervisor
):
    at(2026, 10, 31, 10)
    assert NOTICE not in home(client, catalog_admin)
    at(2026, 11, 1, 9)
    html = home(client, catalog_admin)
    assert NOTICE in html
    assert f'href="{URL}">录入 2027 年安排</a>' in html
    at(2026, 12, 8, 10)
    html = home(client, supervisor)
    assert NOTICE in html
    assert f'href="{URL}"' not in html  # supervisors see it, may not enter


def test_no_notice_for_clerks_or_citizens(client, at, clerk, citizen):
    at(2026, 12, 8, 10)
    assert NOTICE not in home(client, clerk)
    assert NOTICE not in home(client, citizen)


def test_the_notice_goes_once_the_year_is_entered(entering, catalog_admin):
    assert NOTICE in home(entering, catalog_admin)
    preview_and_save(entering, SCHEDULE)
    assert NOTICE not in home(entering, catalog_admin)


def test_a_current_year_still_provisional_is_noticed_too(client, at, catalog_admin):
    at(2027, 1, 5, 10)
    html = home(client, catalog_admin)
    assert "2027 年节假日安排尚未录入，期限暂按推定的法定节假日计算" in html
    assert "2028 年" not in html
