"""The annual report (年度报告): its figures against the hand-computed week
(tests/supervision/week.py), delegations and 全域通办, the task's progress, states and
failures, one report per year and scope at a time (also when two requests race), and who
may download it."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from catalog.constants import TongbanScope
from catalog.models import ItemVersion
from feedback.constants import Level, Stage
from supervision import annual, refresh, reports, rollups
from supervision.models import AnnualReport, ReportState
from tests.factories import DelegationFactory

pytestmark = pytest.mark.django_db


def _rate_the_week(week, at):
    """Case A's conclusion rated 非常满意, case B's intake a 差评."""
    from tests.factories import rating_of, service_instance
    from tests.feedback.orders_support import bad_rating

    bad_rating(week.b, Stage.INTAKE, rated_at=at(2026, 11, 3, 12))
    rating_of(service_instance(week.a, Stage.CONCLUSION), Level.VERY_SATISFIED)
    at(2026, 11, 6, 16)


def test_the_figures_of_the_weeks_year_by_hand(week, at):
    _rate_the_week(week, at)
    refresh.refresh()
    a = annual.annual_figures(2026, None)
    c = a.cases
    assert (c.received, c.received_online, c.accepted, c.corrected, c.refused) == (5, 1, 3, 1, 1)
    assert (c.concluded, c.on_time, c.early, c.overdue, c.one_visit) == (2, 1, 1, 1, 2)
    assert (c.on_time_rate, c.online_rate, c.one_visit_rate) == (
        Decimal("50.00"),
        Decimal("20.00"),
        Decimal("100.00"),
    )
    assert (c.average_days, c.average_promised, c.average_statutory) == (
        Decimal("2.5"),
        Decimal("2.0"),
        Decimal("20.0"),
    )
    assert a.previous.received == 0
    assert a.change("received") is None
    # The months: everything in November.
    assert [m.cases.received for m in a.months] == [0] * 10 + [5, 0]
    november = a.months[10]
    assert (november.label, november.ratings.rated, november.good_rate) == (
        "11 月",
        2,
        Decimal("50.00"),
    )
    # Channels: four at the counter, one online.
    assert {row.label: row.figures.received for row in a.channels} == {"综窗办": 4, "网上办": 1}
    # Per department: the 审批局 received four, the 市场监管局 one.
    assert [(row.name, row.cases.received) for row in a.departments] == [
        ("金普新区行政审批局", 4),
        ("金普新区市场监督管理局", 1),
    ]
    assert a.duration == {1: 1, 4: 1}
    # 好差评: two ratings, one good, one bad not yet rectified.
    assert (a.ratings.rated, a.ratings.good, a.ratings.bad, a.ratings.rectified) == (2, 1, 1, 0)
    assert a.rating_figures["good_rate"] == Decimal("50.00")
    assert a.rating_figures["rectified_rate"] == Decimal("0.00")
    # No delegation, no 全域通办 item; the hall has no tickets.
    assert a.units == []
    assert a.district.items == 0
    assert a.halls == []
    assert a.hall_months == []
    assert a.scope_label == "金普新区（全区）"


def test_the_text_compares_the_average_with_the_limits_as_they_are(week):
    """The week's conclusions took 2.5 working days on average against a promised 2.0
    and a statutory 20.0: the report says 高于 the one and 低于 the other (it said 低于
    both whatever the figures); a year without a conclusion says just that."""
    from django.template.loader import render_to_string

    refresh.refresh()

    def text(year):
        a = annual.annual_figures(year, None)
        context = {"a": a, "charts": annual.charts(a)}
        return render_to_string("documents/supervision/annual_report.html", context)

    assert (
        "办结件平均用时 2.5 个工作日，高于平均承诺时限 2.0 个工作日，"
        "低于平均法定时限 20.0 个工作日。"
    ) in text(2026)
    assert "从实际办理看，本年度没有办结件。" in text(2025)


def test_the_text_counts_correction_notices_in_copies(week, at):
    """一次性告知补正 counts the notices issued (the overview's 补正告知书份数): case E told
    twice makes 2 notices of one case, which the report calls 2 份 (it said 2 件)."""
    from django.template.loader import render_to_string

    from intake.constants import MaterialStatus
    from intake.services.cases import intake_request_correction
    from tests.factories import _first_material, resubmit_with

    material = _first_material(week.e).material
    at(2026, 11, 5, 9)
    e = resubmit_with(week.e, material)
    at(2026, 11, 5, 10)
    intake_request_correction(
        application=e,
        actor=week.clerk,
        verdicts=[{"material": material.pk, "status": MaterialStatus.MISSING}],
    )
    refresh.refresh()
    a = annual.annual_figures(2026, None)
    assert a.cases.corrected == 2
    assert rollups.cases("corrected", rollups.Filter(a.start, a.end)).count() == 1
    html = render_to_string(
        "documents/supervision/annual_report.html", {"a": a, "charts": annual.charts(a)}
    )
    assert "受理环节出具一次性告知补正告知书 2 份，" in html


def test_the_limits_and_the_departments_scope(week):
    refresh.refresh()
    a = annual.annual_figures(2026, [week.spj.pk])
    # Only the 审批局's cases: A, B, C at the window and D online (refused).
    assert (a.cases.received, a.cases.corrected, a.cases.concluded) == (4, 0, 2)
    assert [row.name for row in a.departments] == ["金普新区行政审批局"]
    # Its one item: promised 2 working days against 20 statutory (cut by 18, 90 %).
    limits = a.limits
    assert (limits.items, limits.cut_items, limits.immediate_items) == (1, 1, 0)
    assert (limits.statutory_total, limits.promised_total) == (20, 2)
    assert limits.cut_rate == Decimal("90.00")
    [row] = limits.largest
    assert (row.statutory, row.promised, row.cut, row.cut_rate) == (20, 2, 18, Decimal("90.00"))
    assert a.catalog.items == 1
    # Tickets belong to no department: a department's report has no hall section.
    assert a.halls is None
    assert not a.district_wide
    assert a.scope_label == "金普新区行政审批局"


def test_delegations_and_district_wide_registrations(week, at):
    from accounts.constants import DepartmentKind
    from tests.factories import accept_case, department

    street = department("YYJD", "金普新区友谊街道办事处", kind=DepartmentKind.STREET)
    DelegationFactory(
        item=week.version.item, grantee=street, batch="第一批", granted_on=datetime.date(2026, 1, 5)
    )
    # Revoked before the year began: not counted.
    DelegationFactory(
        item=week.other_version.item,
        grantee=street,
        batch="试点",
        granted_on=datetime.date(2024, 1, 5),
        revoked_on=datetime.date(2025, 6, 30),
    )
    ItemVersion.objects.filter(pk=week.version.pk).update(tongban_scope=TongbanScope.DISTRICT)
    at(2026, 11, 6, 10)
    accept_case(week.version, clerk=week.clerk, applicant=week.citizen, accepting_unit=street)
    at(2026, 11, 6, 16)
    refresh.refresh()
    a = annual.annual_figures(2026, None)
    [unit] = a.units
    assert (unit.name, unit.kind, unit.delegated_items) == ("金普新区友谊街道办事处", "街道", 1)
    assert (unit.cases.received, unit.cases.accepted, unit.district_received) == (1, 1, 1)
    assert (a.delegated_items, a.nearby_cases) == (1, 1)
    # 全域通办: the 审批局's item; A-D and the street's case received, four accepted.
    d = a.district
    assert (d.items, d.received, d.accepted, d.concluded, d.nearby) == (1, 5, 4, 2, 1)


def test_the_charts_are_svg_with_escaped_labels(week):
    refresh.refresh()
    a = annual.annual_figures(2026, None)
    charts = annual.charts(a)
    assert set(charts) >= {"monthly", "rates", "channels", "satisfaction", "duration"}
    for chart in charts.values():
        assert chart.startswith("<svg")
        assert chart.endswith("</svg>")
    assert "11 月" in charts["monthly"]
    assert "综窗办" in charts["channels"]
    from supervision import svg

    drawn = svg.hbar_chart([("<b>&", 3)], title="x")
    assert "&lt;b&gt;&amp;" in drawn
    assert "<b>" not in drawn
    assert svg.nice_max(5) == (8, 2)
    assert svg.nice_max(0) == (4.0, 1.0)


# --- The task ---------------------------------------------------------------------------


def _request(user, year=2026):
    return reports.report_request(user=user, year=year)


def test_a_report_is_built_with_its_progress(week, django_capture_on_commit_callbacks, monkeypatch):
    steps = []
    real = reports._progress

    def spy(pk, percent, step):
        real(pk, percent, step)
        row = AnnualReport.objects.get(pk=pk)
        steps.append((row.state, row.progress, row.step))

    monkeypatch.setattr(reports, "_progress", spy)
    with django_capture_on_commit_callbacks(execute=True):
        report, created = _request(week.district)
        assert created
        assert report.state == ReportState.QUEUED
    report.refresh_from_db()
    assert report.state == ReportState.DONE, report.error
    assert (report.progress, report.step) == (100, "已完成")
    assert report.file.name.startswith("supervision/reports/")
    content = report.file.read()
    assert content.startswith(b"%PDF")
    assert report.size == len(content)
    assert report.finished_at >= report.started_at >= report.created_at
    # Progress moved forward through the steps while the report was running.
    assert all(state == ReportState.RUNNING for state, _p, _s in steps)
    percents = [p for _state, p, _s in steps]
    assert percents == sorted(percents)
    assert percents[0] < 20
    assert percents[-1] >= 90
    assert "统计好差评" in [s for _state, _p, s in steps]
    # Building it again (a message delivered twice) changes nothing.
    assert reports.report_build(report.pk).sha256 == report.sha256


def test_a_failure_is_recorded_with_a_readable_message(
    week, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("找不到字体 Noto Sans CJK SC")

    monkeypatch.setattr(reports, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report, _created = _request(week.district)
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error == "排版并生成 PDF时出错：找不到字体 Noto Sans CJK SC"
    assert not report.file
    assert report.finished_at is not None
    # A failed report does not block the year: a new request makes a new one.
    again, created = _request(week.district)
    assert created
    assert again.pk != report.pk


def test_one_report_per_year_and_scope_at_a_time(week, at):
    first, created = _request(week.district)
    assert created
    second, created_again = _request(week.district)
    assert (second.pk, created_again) == (first.pk, False)
    # Another scope or another year is another report.
    assert _request(week.watcher)[1] is True
    assert _request(week.district, 2025)[1] is True
    # Once done, asking again makes a fresh one.
    AnnualReport.objects.filter(pk=first.pk).update(state=ReportState.DONE)
    assert _request(week.district)[1] is True
    # A report stuck without progress (its worker died) is failed after half an hour.
    stuck = AnnualReport.objects.filter(year=2026, scope_key="district", state="queued").get()
    at(2026, 11, 6, 17)
    fresh, created = _request(week.district)
    assert created
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.state == ReportState.FAILED
    assert "生成超时" in stuck.error
    with pytest.raises(reports.ReportError):
        _request(week.district, 1999)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_make_one_report(week, monkeypatch):
    from tests.concurrency import run_at_once

    monkeypatch.setattr("supervision.tasks.annual_report_build.delay", lambda pk: None)
    barrier = threading.Barrier(2)
    real_create = AnnualReport.objects.create

    def slow_create(**fields):
        barrier.wait(timeout=10)  # both have read "nothing running" before inserting
        return real_create(**fields)

    monkeypatch.setattr(AnnualReport.objects, "create", slow_create)
    results = run_at_once(*[lambda: _request(week.district)] * 2)
    assert all(kind == "ok" for kind, _ in results), results
    answers = [answer for _, answer in results]
    assert sorted(created for _report, created in answers) == [False, True]
    assert len({report.pk for report, _created in answers}) == 1
    assert AnnualReport.objects.count() == 1


# --- The pages ---------------------------------------------------------------------------


def test_the_page_generates_lists_and_downloads(client, week, django_capture_on_commit_callbacks):
    client.force_login(week.district)
    page = client.get(reverse("supervision:annual"))
    assert page.status_code == 200
    assert "还没有生成过年度报告" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:annual_request"), {"year": "2026"})
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert report.state == ReportState.DONE, report.error
    listing = client.get(reverse("supervision:annual_list")).content.decode()
    assert f'id="report-{report.pk}" data-state="done"' in listing
    assert "hx-trigger" not in listing  # nothing running: no more polling
    download = client.get(reverse("supervision:annual_download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_running_report_is_polled(client, week, monkeypatch):
    monkeypatch.setattr("supervision.tasks.annual_report_build.delay", lambda pk: None)
    client.force_login(week.district)
    client.post(reverse("supervision:annual_request"), {"year": "2026"})
    report = AnnualReport.objects.get()
    AnnualReport.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING, progress=40, step="统计好差评"
    )
    listing = client.get(reverse("supervision:annual_list")).content.decode()
    assert 'hx-trigger="every 1s"' in listing
    assert 'aria-valuenow="40"' in listing
    assert "生成中：统计好差评" in listing
    # Asking again while it runs answers the running one.
    response = client.post(reverse("supervision:annual_request"), {"year": "2026"}, follow=True)
    assert "正在生成中" in response.content.decode()
    assert AnnualReport.objects.count() == 1
    # Not done yet: nothing to download.
    assert client.get(reverse("supervision:annual_download", args=[report.pk])).status_code == 404
    bad = client.post(reverse("supervision:annual_request"), {"year": "abc"}, follow=True)
    assert "只能生成" in bad.content.decode()


def test_who_may_download(client, week, django_capture_on_commit_callbacks):
    from tests.factories import make_supervisor

    with django_capture_on_commit_callbacks(execute=True):
        report, _ = _request(week.district)
    url = reverse("supervision:annual_download", args=[report.pk])
    # A supervisor watching one department sees neither the district's report nor its row.
    client.force_login(week.watcher)
    assert client.get(url).status_code == 404
    assert f"report-{report.pk}" not in client.get(reverse("supervision:annual")).content.decode()
    # Not a supervisor: refused; signed out: to the login page.
    client.force_login(week.citizen.user)
    assert client.get(url).status_code == 403
    client.force_login(week.approver)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    # Another district-wide supervisor may (same scope).
    other = make_supervisor(username="district-2")
    client.force_login(other)
    assert client.get(url).status_code == 200
    # The department supervisor's own report is theirs; the district sees it too.
    with django_capture_on_commit_callbacks(execute=True):
        own, _ = _request(week.watcher)
    client.force_login(week.watcher)
    assert client.get(reverse("supervision:annual_download", args=[own.pk])).status_code == 200
    client.force_login(week.district)
    assert client.get(reverse("supervision:annual_download", args=[own.pk])).status_code == 200


def test_the_halls_year(at):
    from hall.services import calling
    from tests.factories import HallWindowFactory, ServiceCategoryFactory, TicketFactory

    at(2026, 3, 2, 9)
    category = ServiceCategoryFactory(letter="A")
    seat = HallWindowFactory(categories=[category])
    TicketFactory(category=category)
    TicketFactory(category=category)
    at(2026, 3, 2, 9, 20)  # the first waited 20 minutes
    ticket = calling.call_next(window=seat.window, actor=seat.clerk)
    calling.service_start(ticket=ticket, window=seat.window, actor=seat.clerk)
    at(2026, 3, 2, 9, 30)
    calling.service_end(ticket=ticket, window=seat.window, actor=seat.clerk)
    at(2026, 5, 6, 10)
    TicketFactory(category=category)
    refresh.refresh()
    halls, total, months = annual.hall_year(2026)
    [hall] = halls
    assert (hall.name, hall.issued, hall.served) == (category.hall.name, 3, 1)
    assert (total.name, total.issued, total.served) == ("合计", 3, 1)
    assert total.average_wait == datetime.timedelta(minutes=20)
    assert [(m.key, m.name, m.issued) for m in months] == [
        (datetime.date(2026, 3, 1), "3 月", 2),
        (datetime.date(2026, 5, 1), "5 月", 1),
    ]
    assert annual.hall_year(2025)[0] == []


def test_the_queries_do_not_grow_with_the_data(week, at, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import accept_case

    refresh.refresh()
    with CaptureQueriesContext(connection) as first:
        annual.annual_figures(2026, None)
    # More cases, in other months: the same statements.
    for month in (3, 7):
        at(2026, month, 3, 10)
        accept_case(week.other_version, clerk=week.clerk, applicant=week.citizen)
    at(2026, 11, 6, 16)
    refresh.rebuild()
    with django_assert_num_queries(len(first)):
        a = annual.annual_figures(2026, None)
    assert a.cases.received == 7
    assert len(first) <= 45
