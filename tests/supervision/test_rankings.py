"""排名与时限分析 against the hand-computed week (tests/supervision/week.py) and a few
hand-made distributions: departments, windows and staff by volume, on-time rate and
好评率; per item the distribution of working days taken against the limits; the scope,
sorting, flat queries and the Excel export."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from feedback.constants import Level, Stage
from supervision import rankings, refresh
from supervision.rankings import ItemLimits, percentile
from supervision.rollups import Filter

pytestmark = pytest.mark.django_db

NOV2, NOV6 = datetime.date(2026, 11, 2), datetime.date(2026, 11, 6)
WEEK = "start=2026-11-02&end=2026-11-06"


@pytest.fixture
def rated_week(week, at):
    """The week with four ratings given on Fri 6 Nov: the intakes of A and B at window 1
    (the clerk: 非常满意, 满意), A's conclusion by the approver 非常满意, B's 不满意.

    By hand: the 审批局 accepted 3 (A, B, C on Mon) and concluded 2 (A early, B overdue):
    按时办结率 50.00 %; its 4 ratings, 3 good: 好评率 75.00 %. The 市场监管局 accepted
    nothing (E was only told to correct). Window 1 accepted 3, and of those A and B
    concluded (one on time: 50.00 %), rated 2 of 2 good (100.00 %). The clerk accepted 3,
    concluded none, 100.00 % of 2; the approver accepted none, concluded 2, 50.00 %
    on time, 好评率 50.00 % of 2. The item took 1 (A) and 4 (B) working days: mean 2.5,
    median 1, p90 4, maximum 4; promised 2, statutory 20; within the promised limit
    1 of 2 (50.00 %); headroom 2 - 4 = -2; not cuttable (2 cases < 5)."""
    from tests.factories import rating_of, service_instance

    at(2026, 11, 6, 16)
    rating_of(service_instance(week.a, Stage.INTAKE), Level.VERY_SATISFIED)
    rating_of(service_instance(week.b, Stage.INTAKE), Level.SATISFIED)
    rating_of(service_instance(week.a, Stage.CONCLUSION), Level.VERY_SATISFIED)
    rating_of(service_instance(week.b, Stage.CONCLUSION), Level.DISSATISFIED)
    at(2026, 11, 6, 17)
    refresh.refresh()
    return week


def _f(**kwargs):
    return Filter(start=NOV2, end=NOV6, **kwargs)


def _rows(rows):
    return {r.label: (r.accepted, r.concluded, r.on_time_rate, r.rated, r.good_rate) for r in rows}


def test_departments(rated_week):
    rows = _rows(rankings.department_ranking(_f()))
    assert rows["金普新区行政审批局"] == (3, 2, Decimal("50.00"), 4, Decimal("75.00"))
    assert rows["金普新区市场监督管理局"] == (0, 0, None, 0, None)
    first = rankings.department_ranking(_f())[0]
    assert first.label == "金普新区行政审批局"  # most volume first


def test_windows_and_staff(rated_week):
    week = rated_week
    windows = rankings.window_ranking(_f())
    assert len(windows) == 1
    assert windows[0].label == f"{week.clerk.staff_profile.window.hall.name} 1 号窗口"
    assert _rows(windows)[windows[0].label] == (3, 2, Decimal("50.00"), 2, Decimal("100.00"))
    staff = {r.key: r for r in rankings.staff_ranking(_f())}
    clerk, approver = staff[week.clerk.pk], staff[week.approver.pk]
    assert (clerk.accepted, clerk.concluded, clerk.rated, clerk.good_rate) == (
        3,
        0,
        2,
        Decimal("100.00"),
    )
    assert (approver.accepted, approver.concluded, approver.on_time_rate) == (
        0,
        2,
        Decimal("50.00"),
    )
    assert (approver.rated, approver.good_rate) == (2, Decimal("50.00"))
    assert approver.label == (week.approver.full_name or week.approver.username)
    # The period: the Monday alone has the acceptances and no conclusion.
    monday = {r.key: r for r in rankings.staff_ranking(Filter(start=NOV2, end=NOV2))}
    assert (monday[week.clerk.pk].accepted, week.approver.pk in monday) == (3, False)


def test_the_items_time_limits(rated_week):
    (row,) = rankings.time_limits(_f())
    assert row.key == rated_week.version.item_id
    assert row.distribution == {1: 1, 4: 1}
    assert (row.concluded, row.mean, row.median, row.p90, row.maximum) == (
        2,
        Decimal("2.5"),
        1,
        4,
        4,
    )
    assert (row.promised, row.statutory, row.average_promised) == (2, 20, Decimal("2.0"))
    assert (row.within, row.within_share, row.on_time_rate) == (
        1,
        Decimal("50.00"),
        Decimal("50.00"),
    )
    assert (row.headroom, row.cuttable) == (-2, False)


def test_percentiles_and_the_cut_flag_by_hand():
    # 10 cases: 2,2,2,3,3,3,3,4,4,12 days. Median: rank 5 → 3; p90: rank 9 → 4; max 12.
    distribution = {2: 3, 3: 4, 4: 2, 12: 1}
    assert (percentile(distribution, 0.5), percentile(distribution, 0.9)) == (3, 4)
    assert percentile({}, 0.5) is None
    water = ItemLimits(1, "供水报装", "水务集团", 11, 20, distribution)
    # p90 4 ≤ 0.6 × 11 = 6.6 with 10 cases: cuttable, 7 days of headroom; 9 of 10
    # within the 11 days.
    assert (water.cuttable, water.headroom, water.within, water.within_share) == (
        True,
        7,
        9,
        Decimal("90.00"),
    )
    assert (water.mean, water.maximum) == (Decimal("3.8"), 12)  # (6 + 12 + 8 + 12) / 10
    tight = ItemLimits(2, "燃气报装", "燃气公司", 6, 20, distribution)
    assert not tight.cuttable  # p90 4 > 0.6 × 6 = 3.6
    few = ItemLimits(3, "排水接入", "水务集团", 11, 20, {1: 4})
    assert not few.cuttable  # 4 cases < CUT_MIN_CASES
    immediate = ItemLimits(4, "即办", "", 0, 1, {0: 9})
    assert not immediate.cuttable


def _get(client, user, query=""):
    client.force_login(user)
    return client.get(f"{reverse('supervision:rankings')}?{query}")


def test_the_page_scope_and_sorting(client, rated_week):
    week = rated_week
    response = _get(client, week.district, WEEK)
    assert response.status_code == 200
    labels = [row[0]["text"] for row in response.context["rows"]]
    assert labels == ["金普新区行政审批局", "金普新区市场监督管理局"]
    # Sorted by name (code points: 市 before 行), then by on-time rate (empty values
    # last either way).
    response = _get(client, week.district, f"{WEEK}&sort=label")
    assert [row[0]["text"] for row in response.context["rows"]] == [
        "金普新区市场监督管理局",
        "金普新区行政审批局",
    ]
    response = _get(client, week.district, f"{WEEK}&sort=on_time_rate&order=asc")
    assert [row[0]["text"] for row in response.context["rows"]][-1] == "金普新区市场监督管理局"
    page = response.content.decode()
    assert 'aria-sort="ascending"' in page
    # A supervisor of the 审批局 sees it alone, whatever they ask for.
    response = _get(client, week.watcher, f"{WEEK}&department={week.scj.pk}")
    assert [row[0]["text"] for row in response.context["rows"]] == ["金普新区行政审批局"]
    # Staff: names for supervisors.
    response = _get(client, week.watcher, f"{WEEK}&group=staff")
    assert week.approver.full_name in response.content.decode()
    response = _get(client, week.district, f"{WEEK}&group=item")
    assert response.context["rows"][0][0]["text"] == week.version.name
    assert "90% 分位" in response.content.decode()
    # Only supervisors.
    assert _get(client, week.approver).status_code == 403


def test_the_scope_empties_other_departments(client, week, at):
    from tests.factories import UserFactory

    refresh.refresh()
    nobody = UserFactory(supervisor=True, username="no-departments")
    for group in ("department", "window", "staff", "item"):
        response = _get(client, nobody, f"{WEEK}&group={group}")
        assert response.context["rows"] == [], group


def test_the_queries_stay_flat(client, rated_week, assert_flat_queries, at):
    from tests.factories import accept_case, make_clerk

    week = rated_week
    client.force_login(week.district)
    numbers = iter(range(10, 200))

    def add(n):
        # Each by a clerk at a window of their own: more rows in every ranking.
        at(2026, 11, 3, 14)
        for _ in range(n):
            clerk = make_clerk("JP", next(numbers))
            accept_case(week.version, clerk=clerk, applicant=week.citizen)
        refresh.refresh()

    for group in ("department", "window", "staff", "item"):
        assert_flat_queries(
            lambda group=group: client.get(
                f"{reverse('supervision:rankings')}?{WEEK}&group={group}"
            ),
            add,
        )


def test_the_export(client, rated_week):
    week = rated_week
    client.force_login(week.watcher)
    response = client.get(f"{reverse('supervision:export', args=['rankings'])}?{WEEK}&group=window")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["按窗口排名"].iter_rows(values_only=True))
    assert rows[0] == ("窗口", "受理", "办结", "按时办结率", "评价数", "好评率")
    assert rows[1][1:] == (3, 2, 50.0, 2, 100.0)
    response = client.get(
        f"{reverse('supervision:export', args=['rankings'])}?{WEEK}&group=item&sort=p90"
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    header = sheet[0]
    assert header[:5] == ("事项", "实施部门", "办结", "法定时限（工作日）", "承诺时限（工作日）")
    item = dict(zip(header, sheet[1], strict=False))
    days = (item["中位数（工作日）"], item["90% 分位（工作日）"], item["最长（工作日）"])
    assert days == (1, 4, 4)
    assert item["承诺时限内办结占比"] == 50.0
    assert item["用时分布（工作日:件数）"] == "1:1；4:1"


def test_the_row_names_link_to_their_cases(client, rated_week):
    week = rated_week
    response = _get(client, week.district, WEEK)
    (spj,) = [row for row in response.context["rows"] if row[0]["text"] == "金普新区行政审批局"]
    accepted = client.get(spj[0]["url"])
    assert {a.pk for a, _ in accepted.context["rows"]} == {week.a.pk, week.b.pk, week.c.pk}
    response = _get(client, week.district, f"{WEEK}&group=item")
    concluded = client.get(response.context["rows"][0][0]["url"])
    assert {a.pk for a, _ in concluded.context["rows"]} == {week.a.pk, week.b.pk}
    assert all(
        not row[0]["url"]
        for row in _get(client, week.district, f"{WEEK}&group=staff").context["rows"]
    )


def test_the_departments_legend_names_the_pre_review_limit(client, rated_week, settings):
    """The department tab's 统计口径 gives the overview's definitions of its
    逾期视为受理, 提前办结率 and 即办件占比 columns, with the configured pre-review limit."""
    settings.INTAKE_PREREVIEW_LIMIT_DAYS = 7
    body = _get(client, rated_week.district, f"{WEEK}&group=department").content.decode()
    assert "<dt>逾期视为受理</dt><dd>收到申请材料后 7 个工作日内未予预审，视为受理</dd>" in body
    assert "<dt>提前办结率</dt><dd>提前办结 ÷ 办结</dd>" in body
    assert "<dt>即办件占比</dt><dd>即办件办结 ÷ 办结</dd>" in body
