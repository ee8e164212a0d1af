"""The supervision pages: the overview's figures and links, the lights board, the case
search, the scope of a supervisor watching one department, flat query counts, and the
Excel exports' contents."""

import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from supervision import refresh

pytestmark = pytest.mark.django_db

WEEK = "start=2026-11-02&end=2026-11-06"


def _get(client, user, name, query="", **kwargs):
    client.force_login(user)
    return client.get(f"{reverse(name, **kwargs)}?{query}")


def _cards(response) -> dict:
    return {card.code: card for card in response.context["case_cards"]}


def test_only_supervisors(client, week):
    for name in ("supervision:overview", "supervision:lights", "supervision:cases"):
        assert _get(client, week.approver, name).status_code == 403
        client.logout()
        assert client.get(reverse(name)).status_code == 302


def test_the_overview_shows_the_weeks_figures_and_links_to_their_cases(client, week):
    refresh.refresh()
    response = _get(client, week.district, "supervision:overview", WEEK)
    assert response.status_code == 200
    cards = _cards(response)
    assert (cards["received"].value, cards["on_time_rate"].value) == ("5", "50.00%")
    assert cards["average_days"].value == "2.5 个工作日"
    assert cards["online_rate"].value == "20.00%"
    assert "承诺 2.0 个工作日" in cards["average_days"].note
    # Each figure links to the case search of the cases behind it.
    overdue = client.get(cards["overdue"].url)
    assert [a.pk for a, _light in overdue.context["rows"]] == [week.b.pk]
    received = client.get(cards["received"].url)
    assert received.context["page"].paginator.count == 5
    assert parse_qs(urlparse(cards["received"].url).query)["figure"] == ["received"]
    assert response.context["hall"].available  # no tickets in the week: zeros
    assert response.context["hall"].tickets == 0
    assert response.context["catalog"].items >= 2


def test_the_deemed_acceptance_note_takes_the_pre_review_limit_from_the_settings(
    client, week, settings
):
    """逾期视为受理's card and the breakdown's header tooltip name the configured limit."""
    settings.INTAKE_PREREVIEW_LIMIT_DAYS = 7
    refresh.refresh()
    response = _get(client, week.district, "supervision:overview", WEEK)
    note = "收到申请材料后 7 个工作日内未予预审，视为受理"
    assert _cards(response)["deemed_accepted"].note == note
    assert f'title="{note}">逾期视为受理</th>' in response.content.decode()


def test_filtering_by_department_and_the_scope(client, week):
    refresh.refresh()
    response = _get(
        client, week.district, "supervision:overview", f"{WEEK}&department={week.scj.pk}"
    )
    assert _cards(response)["received"].value == "1"
    # The 审批局's supervisor sees only the 审批局, whatever they ask for.
    response = _get(client, week.watcher, "supervision:overview", WEEK)
    assert _cards(response)["received"].value == "4"
    response = _get(
        client, week.watcher, "supervision:overview", f"{WEEK}&department={week.scj.pk}"
    )
    assert response.context["form"].errors  # not a choice for them
    assert _cards(response)["received"].value == "4"  # the scope, no wider
    search = _get(client, week.watcher, "supervision:cases")
    assert {a.pk for a, _ in search.context["rows"]} == {week.a.pk, week.b.pk, week.c.pk, week.d.pk}
    assert (
        _get(client, week.watcher, "supervision:case", kwargs={"pk": week.e.pk}).status_code == 404
    )
    assert (
        _get(client, week.district, "supervision:case", kwargs={"pk": week.e.pk}).status_code == 200
    )


def test_case_search_criteria(client, week):
    def found(query):
        response = _get(client, week.district, "supervision:cases", query)
        return {a.pk for a, _ in response.context["rows"]}

    assert found(f"number={week.a.case_number}") == {week.a.pk}
    assert found("status=concluded") == {week.a.pk, week.b.pk}
    assert found("status=refused") == {week.d.pk}
    assert found(f"applicant={week.citizen.id_number}") == {
        week.a.pk,
        week.b.pk,
        week.c.pk,
        week.d.pk,
        week.e.pk,
    }
    assert found("applicant=某某某") == set()
    assert found(f"item={week.other_version.item_id}") == {week.e.pk}
    assert found("start=2026-11-03&end=2026-11-03") == {week.d.pk}
    page = _get(client, week.district, "supervision:cases").content.decode()
    assert week.citizen.masked_id_number in page
    assert week.citizen.id_number not in page


def test_case_search_counts_up_to_the_cap(client, week, monkeypatch):
    from supervision.views import common

    page = _get(client, week.district, "supervision:cases")
    assert page.context["page"].paginator.count == 5
    assert not page.context["page"].paginator.capped
    assert "共 5 件" in page.content.decode()
    # Beyond the cap: "超过 N 件", never a made-up total; the pages stop at the cap.
    monkeypatch.setattr(common, "COUNT_CAP", 3)
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    monkeypatch.setattr("supervision.views.cases.PAGE_SIZE", 2)
    capped = _get(client, week.district, "supervision:cases")
    paginator = capped.context["page"].paginator
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
    text = capped.content.decode()
    assert "超过 3 件" in text
    assert "共 5 件" not in text
    assert "共 3 件" not in text
    # Narrower criteria under the cap: the exact count again.
    narrow = _get(client, week.district, "supervision:cases", "status=concluded")
    assert "共 2 件" in narrow.content.decode()


def test_the_lights_board(client, week, at):
    from approvals.services.sweep import clock_sweep

    at(2026, 11, 4, 9)
    clock_sweep()  # case C's promised clock is due today: yellow
    at(2026, 11, 5, 9)
    clock_sweep()  # and overdue now: red
    response = _get(client, week.district, "supervision:lights")
    assert response.status_code == 200
    groups = {g.department.name: (g.yellow, g.red) for g in response.context["groups"]}
    assert groups["金普新区行政审批局"][1] >= 1
    cases = {row.application.pk for row in response.context["rows"]}
    assert cases == {week.c.pk}
    assert all(row.clock.light == 2 for row in response.context["rows"])
    fragment = _get(client, week.district, "supervision:lights_fragment", "light=2")
    assert fragment.status_code == 200
    assert 'hx-trigger="every 30s"' in fragment.content.decode()
    other = _get(client, week.district, "supervision:lights", f"department={week.scj.pk}")
    assert other.context["rows"] == [] or all(
        r.clock.department_id == week.scj.pk for r in other.context["rows"]
    )


def test_the_lights_buttons_count_what_they_lead_to(client, week):
    """红灯 N and 黄灯 N count both lights whichever is shown (never 黄灯 0 while red is
    chosen) and, a department chosen, that department's clocks: the list each leads to."""
    from approvals.constants import ClockKind, Light
    from approvals.models import Clock
    from tests.factories import accept_case

    other = accept_case(week.other_version, clerk=week.clerk, applicant=week.citizen)
    Clock.objects.filter(application=week.c, kind=ClockKind.PROMISED).update(light=Light.RED)
    Clock.objects.filter(task__application=week.c).update(light=Light.YELLOW)
    Clock.objects.filter(application=other, kind=ClockKind.PROMISED).update(light=Light.YELLOW)

    red = _get(client, week.district, "supervision:lights", "light=2")
    assert red.context["totals"] == {"red": 1, "yellow": 2}
    assert len(red.context["rows"]) == 1
    html = red.content.decode()
    assert "黄灯 2</a>" in html
    groups = {g.department.pk: (g.red, g.yellow) for g in red.context["groups"]}
    assert groups == {week.spj.pk: (1, 1), week.scj.pk: (0, 1)}

    scj = _get(client, week.district, "supervision:lights", f"department={week.scj.pk}")
    assert scj.context["totals"] == {"red": 0, "yellow": 1}
    assert len(scj.context["rows"]) == 1
    yellow = _get(client, week.district, "supervision:lights", f"department={week.scj.pk}&light=1")
    assert len(yellow.context["rows"]) == yellow.context["totals"]["yellow"] == 1


def test_the_pages_queries_stay_flat(client, week, assert_flat_queries, at):
    from tests.factories import accept_case

    client.force_login(week.district)

    def add(n):
        at(2026, 11, 3, 14)
        for _ in range(n):
            accept_case(week.version, clerk=week.clerk, applicant=week.citizen)
        refresh.refresh()

    for name in ("supervision:overview", "supervision:lights", "supervision:cases"):
        assert_flat_queries(lambda name=name: client.get(f"{reverse(name)}?{WEEK}"), add)


def test_the_breakdown_and_its_export_stay_flat_with_their_rows(
    client, week, assert_flat_queries, at
):
    """By item, with 20 more items each with a case (breakdown rows): the overview and
    its Excel export, with every breakdown column, take the statements they take with
    one."""
    from tests.factories import accept_case, make_version

    client.force_login(week.district)

    def add(n):
        at(2026, 11, 3, 14)
        for _ in range(n):
            version = make_version(department=week.spj, steps=[(1, "审查", week.spj, 2)])
            accept_case(version, clerk=week.clerk, applicant=week.citizen)
        refresh.refresh()

    def rows(response):
        if response.context and "page" in response.context:
            return len(response.context["page"].object_list)
        return len(list(_workbook(response)["按事项"].iter_rows())) - 3  # heading, period

    for url in (reverse("supervision:overview"), reverse("supervision:export", args=["overview"])):
        one, twenty = assert_flat_queries(
            lambda url=url: client.get(f"{url}?{WEEK}&group=item"), add
        )
        assert rows(twenty) > rows(one) + 1


def _workbook(response):
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content))


def test_exports_carry_the_filters_and_the_scope(client, week):
    refresh.refresh()
    response = _get(client, week.district, "supervision:export", WEEK, args=["overview"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = _workbook(response)
    # Every sheet keeps its header row in view while it scrolls.
    assert {sheet.title: sheet.freeze_panes for sheet in book.worksheets} == {
        sheet.title: "A2" for sheet in book.worksheets
    }
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert summary["收件"] == 5
    assert summary["按时办结率（%）"] == 50.0
    departments = list(book["按部门"].iter_rows(values_only=True))
    assert departments[0][0] == "部门"
    # The period closes the sheet, as on every exported table.
    assert departments[-2][0] is None
    assert departments[-1][0].startswith("统计期间：")
    assert {(r[0], r[1]) for r in departments[1:-2]} == {
        ("金普新区行政审批局", 4),
        ("金普新区市场监督管理局", 1),
    }

    response = _get(client, week.watcher, "supervision:export", "status=concluded", args=["cases"])
    cases = _workbook(response)["办件"]
    assert cases.freeze_panes == "A2"
    rows = list(cases.iter_rows(values_only=True))
    assert rows[0][:3] == ("办件编号", "申请人", "证件号码")
    assert sorted(r[0] for r in rows[1:]) == sorted([week.a.case_number, week.b.case_number])
    assert all(r[2] == week.citizen.masked_id_number for r in rows[1:])

    response = _get(client, week.watcher, "supervision:export", "", args=["cases"])
    rows = list(_workbook(response)["办件"].iter_rows(values_only=True))[1:]
    assert len(rows) == 4  # the scope: not the 市场监管局's case E
    assert {r[4] for r in rows} == {"金普新区行政审批局"}

    response = _get(client, week.district, "supervision:export", "", args=["lights"])
    assert list(_workbook(response)["红黄灯"].iter_rows(values_only=True))[0][0] == "亮灯"
    assert (
        _get(client, week.district, "supervision:export", "", args=["nothing"]).status_code == 404
    )


def test_the_exports_say_what_the_pages_say_of_a_paused_limit(client, week, at):
    """A paused limit's due date moves by the pause, so it is not known: the cases
    export's 承诺办结日期 and the lights export's 到期日期 say, as the citizen's page and
    the board do, the working days left, frozen; the other cases keep their dates and
    the columns stay as they were."""
    from approvals.services.sweep import clock_sweep
    from approvals.services.tasks import task_request_supplement

    at(2026, 11, 6, 16)
    clock_sweep()  # case C's clocks (due Wed 4 Nov) are red
    task_request_supplement(task=week.c.tasks.get(), actor=week.approver, items=["合同"])
    # Paused on Fri 6 Nov, two working days past Wed 4 Nov (the 5th and the 6th).
    late = "已超期 2 个工作日，恢复后继续计算"
    client.force_login(week.citizen.user)
    assert f"已暂停，{late}" in client.get(f"/intake/my/{week.c.pk}/").content.decode()

    response = _get(client, week.district, "supervision:export", "", args=["cases"])
    header, *rows = _workbook(response)["办件"].iter_rows(values_only=True)
    assert (len(header), header[11]) == (12, "承诺办结日期")
    promised = {row[0]: row[11] for row in rows}
    assert promised[week.c.case_number] == f"已暂停，{late}"
    assert promised[week.a.case_number] == week.a.promised_due_date.isoformat()
    assert promised[week.b.case_number] == week.b.promised_due_date.isoformat()

    board = _get(client, week.district, "supervision:lights")
    assert late in board.content.decode()
    response = _get(client, week.district, "supervision:export", "", args=["lights"])
    header, *rows = _workbook(response)["红黄灯"].iter_rows(values_only=True)
    assert header[5:7] == ("到期日期", "暂停")
    # C's promised limit and its step (both 2 working days from Mon 2 Nov) are lit.
    c_rows = [row for row in rows if row[1] == week.c.case_number]
    assert sorted((row[3], row[5], row[6]) for row in c_rows) == [
        ("承诺时限", late, "是"),
        ("环节：审查", late, "是"),
    ]


def test_text_is_never_a_formula(client, week):
    from accounts.models import Citizen

    Citizen.objects.filter(pk=week.citizen.pk).update(name="=HYPERLINK(1)")
    response = _get(client, week.district, "supervision:export", "", args=["cases"])
    cell = _workbook(response)["办件"]["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")
