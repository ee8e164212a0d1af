"""The public working-day calendar API: a year's exceptions to Monday-Friday (published
2026 from the table, provisional 2027 from the statutory rule), the N-th working day
after a date across 2027's 元旦, 春节 (除夕-初三 with 补假) and 国庆, input checks with
Chinese messages, caching headers, the schema; and the holidays' Chinese names."""

import datetime

import pytest
from django.core.management import call_command

from catalog import calendar as cal
from catalog.api.calendar import MAX_DAYS, MIN_YEAR, max_year
from catalog.models import CalendarDay

D = datetime.date
YEAR = "/api/v1/calendar/{}/"
ADD = "/api/v1/calendar/add/"

# 2027 by hand from the 2025 放假办法 (the State Council has not published it): the
# weekdays off. 元旦 Fri 1/1; 春节 除夕 Fri 2/5 to 初三 Mon 2/8, the weekend's two days
# made up on Tue 2/9 and Wed 2/10; 清明 Mon 4/5; 劳动节 Sat-Sun 5/1-2 made up Mon-Tue
# 5/3-4; 端午 Wed 6/9; 中秋 Wed 9/15; 国庆 Fri 10/1, Sat-Sun made up Mon-Tue 10/4-5.
WEEKDAYS_OFF_2027 = {
    D(2027, 1, 1),
    *(D(2027, 2, d) for d in (5, 8, 9, 10)),
    D(2027, 4, 5),
    D(2027, 5, 3),
    D(2027, 5, 4),
    D(2027, 6, 9),
    D(2027, 9, 15),
    *(D(2027, 10, d) for d in (1, 4, 5)),
}


def naive_working_days(a: datetime.date, b: datetime.date) -> int:
    """Working days d with a < d <= b, for a span inside 2027 (no 调休 guessed)."""
    count, day = 0, a
    while day < b:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in WEEKDAYS_OFF_2027:
            count += 1
    return count


def add(client, start, days, **headers):
    return client.get(ADD, {"start": start, "days": days}, **headers)


@pytest.mark.django_db
def test_a_2027_due_date_skips_new_year_spring_festival_and_national_day(client):
    # Accepted on New Year's Eve 2026: a limit reaching into October 2027.
    days = naive_working_days(D(2026, 12, 31), D(2027, 10, 6))
    response = add(client, "2026-12-31", days)
    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-12-31",
        "days": days,
        "date": "2027-10-06",
        "provisional": True,
    }
    assert add(client, "2026-12-31", days - 1).json()["date"] == "2027-09-30"
    # The case: accepted 2026-12-04 with 20 working days was due on 1 Jan.
    assert add(client, "2026-12-04", 20).json()["date"] == "2027-01-04"
    # Each holiday on its own: the next working day after the day before it.
    assert add(client, "2026-12-31", 1).json()["date"] == "2027-01-04"  # not Fri 1/1
    assert add(client, "2027-02-04", 1).json()["date"] == "2027-02-11"  # 除夕-初三, 补假
    assert add(client, "2027-09-30", 1).json()["date"] == "2027-10-06"  # 10/1-3, 补假
    # The service and the API agree (the guide and the clocks use the service).
    assert cal.add_working_days(D(2026, 12, 31), days) == D(2027, 10, 6)


@pytest.mark.django_db
def test_a_published_span_is_not_provisional(client):
    # 2026's schedule is in the table: 国庆 10/1-10/7 off, Saturday 10/10 worked.
    body = add(client, "2026-09-30", 3).json()
    assert body == {"start": "2026-09-30", "days": 3, "date": "2026-10-10", "provisional": False}
    assert add(client, "2026-09-30", 0).json()["date"] == "2026-09-30"


@pytest.mark.django_db
def test_2027_lists_the_provisional_weekdays_off_with_chinese_names(client):
    response = client.get(YEAR.format(2027))
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2027
    assert body["published"] is False
    days = {D.fromisoformat(day["date"]): day for day in body["days"]}
    assert set(days) == WEEKDAYS_OFF_2027  # weekend statutory days change nothing
    assert all(day["kind"] == "holiday" and day["provisional"] for day in days.values())
    assert days[D(2027, 1, 1)]["name"] == "元旦"
    assert days[D(2027, 2, 5)]["name"] == "春节"
    assert days[D(2027, 2, 9)]["name"] == "春节（补假）"
    assert days[D(2027, 10, 4)]["name"] == "国庆节（补假）"
    assert days[D(2027, 10, 1)]["kind_label"] == "法定节假日（休息）"


@pytest.mark.django_db
def test_2026_lists_the_published_days_off_and_weekends_worked(client):
    body = client.get(YEAR.format(2026)).json()
    assert body["published"] is True
    days = {D.fromisoformat(day["date"]): day for day in body["days"]}
    assert days[D(2026, 2, 16)] == {
        "date": "2026-02-16",
        "kind": "holiday",
        "kind_label": "法定节假日（休息）",
        "name": "春节",
        "provisional": False,
    }
    assert days[D(2026, 2, 14)]["kind"] == "workday"  # a Saturday worked
    assert days[D(2026, 2, 14)]["kind_label"] == "调休上班"
    assert days[D(2026, 10, 10)]["kind"] == "workday"
    assert D(2026, 10, 3) not in days  # a Saturday off anyway
    names = {day["name"] for day in body["days"]}
    assert {"元旦", "春节", "劳动节", "国庆节"} <= names
    assert not any(name.isascii() and name for name in names)


@pytest.mark.django_db
def test_an_entry_in_the_admin_shows_at_once(client, admin_client):
    assert add(client, "2026-10-07", 1).json()["date"] == "2026-10-08"
    response = admin_client.post(
        "/admin/catalog/calendarday/add/",
        {"date": "2026-10-08", "kind": "holiday", "name": "临时调整"},
    )
    assert response.status_code == 302
    assert add(client, "2026-10-07", 1).json()["date"] == "2026-10-09"
    days = {d["date"]: d for d in client.get(YEAR.format(2026)).json()["days"]}
    assert days["2026-10-08"]["name"] == "临时调整"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"days": 3}, "start", "请提供起算日"),
        ({"start": "2026-13-01", "days": 3}, "start", "不是有效日期"),
        ({"start": "2026-02-30", "days": 3}, "start", "不是有效日期"),
        ({"start": "04/12/2026", "days": 3}, "start", "格式为 YYYY-MM-DD"),
        ({"start": "2026-12-04"}, "days", "请提供工作日数"),
        ({"start": "2026-12-04", "days": -1}, "days", "不能为负数"),
        ({"start": "2026-12-04", "days": MAX_DAYS + 1}, "days", f"不能超过 {MAX_DAYS}"),
        ({"start": "2026-12-04", "days": "10" * 20}, "days", "不能超过"),
        ({"start": "2026-12-04", "days": "abc"}, "days", "须为整数"),
        ({"start": "1999-01-04", "days": 3}, "start", f"{MIN_YEAR} 年"),
        ({"start": "9999-01-04", "days": 3}, "start", "年份须在"),
    ],
)
def test_bad_input_is_a_400_in_chinese(client, query, field, message):
    response = client.get(ADD, query)
    assert response.status_code == 400
    body = response.json()
    assert message in "".join(body["errors"][field])
    assert body["detail"].startswith({"start": "起算日：", "days": "工作日数："}[field])


@pytest.mark.django_db
def test_years_out_of_range_are_refused(client):
    for year in (MIN_YEAR - 1, max_year() + 1):
        response = client.get(YEAR.format(year))
        assert response.status_code == 400
        assert "年份须在" in response.json()["detail"]
    assert client.get(YEAR.format(MIN_YEAR)).status_code == 200
    assert client.get("/api/v1/calendar/abc/").status_code == 404


@pytest.mark.django_db
def test_public_cached_and_revalidated_by_etag(client, django_assert_max_num_queries):
    first = client.get(YEAR.format(2027))
    assert "public" in first["Cache-Control"]
    assert "max-age=600" in first["Cache-Control"]
    etag = first["ETag"]
    again = client.get(YEAR.format(2027), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    with django_assert_max_num_queries(0):  # the process's calendar, no query
        assert add(client, "2026-12-04", 20).status_code == 200
    # An edit of the table changes the ETag: the client gets the new answer.
    CalendarDay.objects.create(date=D(2027, 3, 1), kind="holiday", name="测试")  # signal
    assert client.get(YEAR.format(2027), HTTP_IF_NONE_MATCH=etag).status_code == 200
    # No session, no token: anyone may ask (authentication is not even attempted).
    assert client.get(YEAR.format(2027), HTTP_AUTHORIZATION="Token bogus").status_code == 200


def test_the_schema_documents_both_endpoints(tmp_path, db):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out), "--validate")
    schema = out.read_text(encoding="utf-8")
    assert "/api/v1/calendar/{year}/" in schema
    assert "/api/v1/calendar/add/" in schema
    assert "工作日历：N 个工作日后的日期" in schema
    assert "2026-12-04 起 20 个工作日" in schema


@pytest.mark.django_db
def test_seeded_days_have_chinese_names_in_the_admin(admin_client):
    assert not CalendarDay.objects.filter(name__in=list(cal.HOLIDAY_NAMES_ZH)).exists()
    assert CalendarDay.objects.get(date=D(2026, 2, 17)).name == "春节"
    assert CalendarDay.objects.get(date=D(2026, 5, 1)).name == "劳动节"
    html = admin_client.get("/admin/catalog/calendarday/?date__year=2026").content.decode()
    assert "春节" in html
    assert "Spring Festival" not in html
    assert "Labour Day" not in html
