"""Pre-review deadlines of online submissions (行政许可法 art. 32 with art. 82): a
warning from the 3rd working day, acceptance by law after the 5th, across the 2026
National Day holiday (10/1-10/7 off, 10/10 a Saturday worked)."""

import datetime
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from catalog.calendar import add_working_days, subtract_working_days, working_days_between
from catalog.constants import ItemType
from intake.constants import CaseAction, CaseStatus, Channel, MaterialStatus, NoticeKind
from intake.models import Application
from intake.services.cases import (
    counter_receive,
    intake_accept,
    intake_request_correction,
)
from intake.services.prereview import prereview_sweep
from intake.tasks import prereview_sweep as prereview_sweep_task
from tests.factories import (
    CitizenFactory,
    ItemVersionFactory,
    all_received,
    counter_draft,
    materials_of,
    resubmit_with,
    submit_online,
    verdict,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def submitted_at(when, citizen, version, **kwargs):
    """An online submission made (through the services) at ``when``."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        return submit_online(citizen, version, **kwargs)


def events(application, action):
    return list(application.events.filter(action=action).order_by("at", "id"))


def test_national_day_warning_then_acceptance_by_law(citizen, item):
    # Monday 28 September; working days after it: 9/29, 9/30, 10/8, 10/9, 10/10 (Sat).
    application = submitted_at(at(2026, 9, 28), citizen, item)

    assert prereview_sweep(now=at(2026, 10, 7, 23, 50)).warned == []  # 2 working days
    result = prereview_sweep(now=at(2026, 10, 8, 9))  # the 3rd working day
    assert result.warned == [application.pk]
    warning = events(application, CaseAction.OVERDUE_WARNING)
    assert len(warning) == 1
    assert "已等待预审 3 个工作日" in warning[0].message
    assert "2026年10月10日" in warning[0].message
    assert prereview_sweep(now=at(2026, 10, 8, 9, 10)).warned == []  # idempotent
    assert len(events(application, CaseAction.OVERDUE_WARNING)) == 1

    # The 5th working day is the worked Saturday 10/10: not over until midnight.
    assert prereview_sweep(now=at(2026, 10, 10, 23, 59)).auto_accepted == []
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED

    result = prereview_sweep(now=at(2026, 10, 11, 0, 5))
    assert result.auto_accepted == [application.pk]
    application.refresh_from_db()
    assert application.status in (CaseStatus.ACCEPTED, CaseStatus.IN_APPROVAL)
    assert application.auto_accepted
    assert application.accepted_at == application.received_at  # from the day it arrived
    assert application.accepted_by is None
    # Numbered by the day it is deemed accepted on (the arrival), not the sweep's day.
    assert application.case_number.startswith("WS20260928")
    assert application.promised_due_date == add_working_days(datetime.date(2026, 9, 28), 10)
    auto = events(application, CaseAction.AUTO_ACCEPT)
    assert len(auto) == 1
    assert "5 个工作日内未予预审" in auto[0].message
    assert "第三十二条" in auto[0].message
    assert auto[0].actor_role == "系统"
    notice = application.notices.get(kind=NoticeKind.ACCEPTANCE)
    assert notice.context["auto_accepted"] is True

    again = prereview_sweep(now=at(2026, 10, 12))
    assert (again.auto_accepted, again.warned) == ([], [])
    assert Application.objects.get(pk=application.pk).case_number == application.case_number


def test_arrival_on_the_last_day_before_the_holiday(citizen, item):
    # Wednesday 30 September: 10/8, 10/9, 10/10, 10/12, 10/13.
    application = submitted_at(at(2026, 9, 30, 16), citizen, item)
    assert prereview_sweep(now=at(2026, 10, 9, 12)).warned == []
    assert prereview_sweep(now=at(2026, 10, 10, 8)).warned == [application.pk]
    assert prereview_sweep(now=at(2026, 10, 13, 17)).auto_accepted == []
    assert prereview_sweep(now=at(2026, 10, 14, 0, 1)).auto_accepted == [application.pk]


def test_arrival_during_the_holiday_counts_from_the_next_working_day(citizen, item):
    application = submitted_at(at(2026, 10, 3, 20), citizen, item)
    # 10/8, 10/9, 10/10 (3rd), 10/12, 10/13 (5th)
    assert prereview_sweep(now=at(2026, 10, 9, 18)).warned == []
    assert prereview_sweep(now=at(2026, 10, 10, 9)).warned == [application.pk]
    assert prereview_sweep(now=at(2026, 10, 14, 8)).auto_accepted == [application.pk]


@pytest.mark.parametrize(
    ("arrived", "fifth_day", "case_day"),
    [
        # 23:30 in Shanghai is 15:30 UTC: arrived on Tuesday 9/29; 9/30, 10/8, 10/9,
        # 10/10 (Saturday worked), 10/12.
        ((2026, 9, 29, 23, 30), (2026, 10, 12), "20260929"),
        # 00:30 on Wednesday is 16:30 UTC on Tuesday: arrived on 9/30, the 5th day is 10/13.
        ((2026, 9, 30, 0, 30), (2026, 10, 13), "20260930"),
    ],
    ids=str,
)
def test_the_arrival_day_is_the_local_date(citizen, item, arrived, fifth_day, case_day):
    # Stored and handed out in UTC, as Django's timezone.now() does.
    application = submitted_at(at(*arrived).astimezone(datetime.UTC), citizen, item)
    for hour, minute in ((0, 1), (23, 59)):  # the 5th working day, from start to end
        moment = at(*fifth_day, hour, minute).astimezone(datetime.UTC)
        result = prereview_sweep(now=moment)
        assert (result.auto_accepted, result.skipped) == ([], [])  # not even a candidate
    last_minute = at(*fifth_day, 23, 59)
    after = last_minute + datetime.timedelta(minutes=2)
    assert prereview_sweep(now=after).auto_accepted == [application.pk]
    application.refresh_from_db()
    assert application.case_number.startswith(f"WS{case_day}")


def test_a_sweep_long_overdue_catches_up(citizen, item):
    """Beat or the worker was down for weeks: the next sweep accepts, once."""
    application = submitted_at(at(2026, 9, 1), citizen, item)
    result = prereview_sweep(now=at(2026, 10, 20))
    assert result.auto_accepted == [application.pk]
    assert result.warned == []  # accepted by law: a warning would say nothing useful


def test_reviewed_and_counter_applications_are_left_alone(clerk, citizen, item):
    other = CitizenFactory(name="赵六")
    corrected = submitted_at(at(2026, 9, 28), citizen, item)
    materials = materials_of(corrected)
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 9, 29)):
        intake_request_correction(
            application=corrected,
            actor=clerk,
            verdicts=[verdict(materials["申请表"], MaterialStatus.MISSING)],
        )
    accepted = submitted_at(at(2026, 9, 28), other, item)
    intake_accept(application=accepted, actor=clerk, verdicts=all_received(accepted))
    result = prereview_sweep(now=at(2026, 10, 20))
    assert (result.warned, result.auto_accepted) == ([], [])
    corrected.refresh_from_db()
    assert corrected.status == CaseStatus.CORRECTION_REQUESTED


def test_resubmission_after_correction_restarts_the_count(clerk, citizen, item):
    application = submitted_at(at(2026, 9, 21), citizen, item)
    assert prereview_sweep(now=at(2026, 9, 24)).warned == [application.pk]
    materials = materials_of(application)
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 9, 24, 11)):
        intake_request_correction(
            application=application,
            actor=clerk,
            verdicts=[
                verdict(materials["申请表"], MaterialStatus.DEFECTIVE, reason="缺少签字"),
                verdict(materials["场地使用证明"]),
            ],
        )

    with mock.patch("django.utils.timezone.now", return_value=at(2026, 9, 28, 9)):
        resubmit_with(application, materials["申请表"], name="signed.pdf")
    # Counted again from 9/28: no acceptance on the old count, a new warning on 10/8.
    assert prereview_sweep(now=at(2026, 10, 7)).auto_accepted == []
    assert prereview_sweep(now=at(2026, 10, 8, 9)).warned == [application.pk]
    assert len(events(application, CaseAction.OVERDUE_WARNING)) == 2


def test_the_task_and_its_beat_entry(citizen, item):
    entry = settings.CELERY_BEAT_SCHEDULE["intake-prereview-sweep"]
    assert entry["task"] == "intake.prereview_sweep"
    assert entry["schedule"] == datetime.timedelta(minutes=10)
    # Arrived long ago (by the real clock): the task accepts it.
    long_ago = timezone.now() - datetime.timedelta(days=60)
    application = submitted_at(long_ago, citizen, item)
    assert prereview_sweep_task.delay().get() == {"warned": 0, "auto_accepted": 1}
    application.refresh_from_db()
    assert application.auto_accepted


# --- the queue at the workbench ---------------------------------------------------


def _queue(client):
    response = client.get("/intake/workbench/")
    assert response.status_code == 200
    return response.content.decode()


def test_queue_orders_green_channel_first_then_oldest_with_warning_badges(
    client, clerk, citizen, item
):
    today = timezone.localdate()
    four_days_ago = datetime.datetime.combine(
        subtract_working_days(today, 4), datetime.time(10), tzinfo=SHANGHAI
    )
    yesterday = datetime.datetime.combine(
        subtract_working_days(today, 1), datetime.time(10), tzinfo=SHANGHAI
    )
    old = submitted_at(four_days_ago, citizen, item)
    recent = submitted_at(yesterday, CitizenFactory(name="钱七"), item)
    green = submitted_at(yesterday, CitizenFactory(name="孙八"), item, green_channel=True)
    client.force_login(clerk)
    html = _queue(client)
    order = [html.index(f"申请编号 {a.pk}") for a in (green, old, recent)]
    assert order == sorted(order)
    waited_old = working_days_between(four_days_ago.date(), today)
    waited_recent = working_days_between(yesterday.date(), today)
    assert waited_old >= 3  # 3 on a weekend, else 4
    assert f"已等待 {waited_old} 个工作日" in html
    assert "后视为受理" in html  # the badge from the 3rd working day
    assert f"已等待 {waited_recent} 个工作日" in html
    assert html.count("后视为受理") == 1
    assert "绿色通道" in html


def test_queue_query_count_stays_flat(client, clerk, item, assert_flat_queries):
    client.force_login(clerk)
    yesterday = timezone.now() - datetime.timedelta(days=1)

    def add(n):
        for _ in range(n):
            submitted_at(yesterday, CitizenFactory(), item)

    one, twenty = assert_flat_queries(lambda: _queue(client), add)
    assert one.count("申请编号") == 1
    assert twenty.count("申请编号") == 20


def test_queue_opens_the_review(client, clerk, citizen, item):
    application = submitted_at(timezone.now(), citizen, item)
    client.force_login(clerk)
    html = client.get(f"/intake/workbench/applications/{application.pk}/").content.decode()
    assert "材料核验" in html
    assert "受理结论" in html
    assert f"/intake/workbench/applications/{application.pk}/materials/" in html
    material = item.materials.get(name="申请表")
    response = client.get(
        f"/intake/workbench/applications/{application.pk}/materials/{material.pk}/"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- every channel: an application received at a counter ------------------------


def received_at_counter(when, clerk, person, version):
    """Paper materials received at ``clerk``'s counter at ``when``, not yet reviewed."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        application = counter_draft(clerk, person, version)
        return counter_receive(application=application, actor=clerk)


def test_a_counter_intake_left_unreviewed_is_warned_then_deemed_accepted(clerk, applicant, item):
    # Received Monday 28 September at the 金普厅 counter; the same count as online.
    application = received_at_counter(at(2026, 9, 28, 15), clerk, applicant, item)
    assert application.channel == Channel.COUNTER
    assert prereview_sweep(now=at(2026, 10, 7, 23)).warned == []
    assert prereview_sweep(now=at(2026, 10, 8, 9)).warned == [application.pk]
    (warning,) = events(application, CaseAction.OVERDUE_WARNING)
    assert "窗口收取的申请已等待预审 3 个工作日" in warning.message
    assert "2026年10月10日" in warning.message

    assert prereview_sweep(now=at(2026, 10, 10, 23, 59)).auto_accepted == []
    assert prereview_sweep(now=at(2026, 10, 11, 0, 5)).auto_accepted == [application.pk]
    application.refresh_from_db()
    assert application.status in (CaseStatus.ACCEPTED, CaseStatus.IN_APPROVAL)
    assert application.auto_accepted
    assert application.accepted_by is None
    assert application.accepted_at == application.received_at
    # The hall's prefix, dated by the day of arrival (28 Sept), not the sweep's (11 Oct).
    assert application.case_number.startswith("JP20260928")
    assert application.window is not None
    assert application.hall.code == "JP"
    (auto,) = events(application, CaseAction.AUTO_ACCEPT)
    assert "窗口收取的申请自收到申请材料之日起 5 个工作日内未予预审" in auto.message
    assert "第三十二条" in auto.message
    notice = application.notices.get(kind=NoticeKind.ACCEPTANCE)
    assert notice.context["auto_accepted"] is True
    assert notice.context["case_number"] == application.case_number
    assert prereview_sweep(now=at(2026, 10, 12)).auto_accepted == []


def test_deemed_acceptance_shares_the_arrival_days_sequence(clerk, applicant, item):
    """A clerk accepted another case that day: the deemed one takes the next number."""
    first = received_at_counter(at(2026, 9, 28, 9), clerk, CitizenFactory(), item)
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 9, 28, 10)):
        intake_accept(application=first, actor=clerk, verdicts=all_received(first))
    first.refresh_from_db()
    late = received_at_counter(at(2026, 9, 28, 15), clerk, applicant, item)
    prereview_sweep(now=at(2026, 10, 12))
    late.refresh_from_db()
    assert first.case_number == "JP2026092800001"
    assert late.case_number == "JP2026092800002"


def test_a_counter_intake_reviewed_in_time_is_not_touched(clerk, applicant, item):
    application = received_at_counter(at(2026, 9, 28, 15), clerk, applicant, item)
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 9, 29, 9)):
        intake_accept(application=application, actor=clerk, verdicts=all_received(application))
    result = prereview_sweep(now=at(2026, 10, 20))
    assert (result.warned, result.auto_accepted) == ([], [])


@override_settings(INTAKE_PREREVIEW_LIMIT_DAYS=7, INTAKE_PREREVIEW_WARN_DAYS=4)
def test_the_limits_and_their_wording_follow_the_settings(client, clerk, citizen, item):
    # 9/29, 9/30, 10/8, 10/9 (4th: warning), 10/10, 10/12, 10/13 (7th).
    counter = received_at_counter(at(2026, 9, 28, 15), clerk, CitizenFactory(), item)
    online = submitted_at(at(2026, 9, 28, 16), citizen, item)

    client.force_login(citizen.user)
    page = client.get(f"/intake/my/{online.pk}/").content.decode()
    assert "网上申请自收到申请材料之日起 7 个工作日内未予预审的" in page
    assert not re.search(r"(?<!\d)5 个工作日", page)
    client.force_login(clerk)
    home = client.get("/intake/workbench/").content.decode()
    assert "第 4 个工作日起提醒，7 个工作日内未予预审的视为受理" in home
    assert not re.search(r"(?<!\d)5 个工作日|第 3 个工作日", home)

    assert prereview_sweep(now=at(2026, 10, 8, 12)).warned == []
    assert sorted(prereview_sweep(now=at(2026, 10, 9, 9)).warned) == sorted([counter.pk, online.pk])
    assert prereview_sweep(now=at(2026, 10, 13, 23, 59)).auto_accepted == []
    assert sorted(prereview_sweep(now=at(2026, 10, 14, 0, 1)).auto_accepted) == sorted(
        [counter.pk, online.pk]
    )
    for application in (counter, online):
        (auto,) = events(application, CaseAction.AUTO_ACCEPT)
        assert "7 个工作日内未予预审" in auto.message
        notice = application.notices.get(kind=NoticeKind.ACCEPTANCE)
        assert notice.context["legal"]["prereview_days"] == 7


def test_the_window_cases_list_shows_the_clock_of_a_counter_intake(client, clerk, applicant, item):
    today = timezone.localdate()
    four_days_ago = datetime.datetime.combine(
        subtract_working_days(today, 4), datetime.time(10), tzinfo=SHANGHAI
    )
    received_at_counter(four_days_ago, clerk, applicant, item)
    client.force_login(clerk)
    html = client.get("/intake/workbench/cases/").content.decode()
    assert f"已等待 {working_days_between(four_days_ago.date(), today)} 个工作日" in html
    assert "后视为受理" in html


def test_a_public_service_item_is_deemed_accepted_without_citing_art_32(client, citizen):
    water = ItemVersionFactory(name="供水报装", item_type=ItemType.PUBLIC_SERVICE)
    application = submitted_at(at(2026, 9, 28), citizen, water)
    client.force_login(citizen.user)
    page = client.get(f"/intake/my/{application.pk}/").content.decode()
    assert "5 个工作日内未予预审的，自收到申请材料之日起即为受理" in page
    assert "第三十二条" not in page
    assert prereview_sweep(now=at(2026, 10, 12)).auto_accepted == [application.pk]
    (auto,) = events(application, CaseAction.AUTO_ACCEPT)
    assert "即为受理" in auto.message
    assert "第三十二条" not in auto.message
    assert "行政许可法" not in auto.message
    notice = application.notices.get(kind=NoticeKind.ACCEPTANCE)
    assert notice.context["legal"]["deemed_basis"] == ""
