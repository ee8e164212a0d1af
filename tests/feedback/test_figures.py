"""The figures of 好差评 (feedback.figures) against a district computed by hand, every
grouping, the period's local days, default and excluded ratings, the scopes, the API,
the ratings list's rater rule and the export (CSV with BOM, JSON, streamed).

The district (``district`` below), ten ratings R1..R10:

| #   | stage | item | dept | window | staff | channel | level | note     | rated (local) |
|-----|-------|------|------|--------|-------|---------|-------|----------|---------------|
| R1  | in    | I1   | D1   | JP-1   | A     | pad     | 1     |          | 11-03 12:00   |
| R2  | concl | I1   | D1   | —      | X     | online  | 2     |          | 11-10 12:00   |
| R3  | in    | I1   | D1   | JP-1   | A     | qr      | 4 差评 |          | 11-12 12:00   |
| R4  | concl | I1   | D1   | —      | X     | default | 3     | default  | 11-30 23:30   |
| R5  | in    | I2   | D2   | JZ-2   | B     | sms     | 5 差评 | EXCLUDED | 11-20 12:00   |
| R6  | concl | I2   | D2   | —      | Y     | online  | 5 差评 |          | 12-01 00:30   |
| R7  | in    | I2   | D2   | JZ-2   | B     | pad     | 2     |          | 12-02 12:00   |
| R8  | concl | I2   | D2   | —      | Y     | default | 3     | default  | 12-03 09:00   |
| R9  | in    | I2   | D2   | JZ-2   | B     | default | 3     | default  | 12-03 10:00   |
| R10 | in    | I3   | D1   | JP-2   | C     | online  | 1     |          | 10-15 12:00   |

in: the intake service (受理服务), at the window's hall (JP 金普厅, JZ 金州厅); concl:
the conclusion (办结服务), without hall or window; 2026, Asia/Shanghai. D1 is 市场监管局
(SCJ), D2 住建局 (ZJJ); I1 食品经营许可, I2 燃气经营许可, I3 个体工商户登记.
(plus one OPEN, unrated instance, which no figure counts). R5 is out of every figure
(an accepted appeal), so the district counts 9 ratings:
    rated 9; good (1-3) R1 R2 R4 R7 R8 R9 R10 = 7; bad R3 R6 = 2;
    defaulted R4 R8 R9 = 3; active 9 - 3 = 6; active good R1 R2 R7 R10 = 4.
    好评率 7/9 = 77.78; 主动评价好评率 4/6 = 66.67; 差评率 2/9 = 22.22; 不评率 3/9 = 33.33.
R4 (23:30 on 30 Nov) and R6 (00:30 on 1 Dec, still 30 Nov in UTC) test that periods
and months are local days.
"""

import csv
import datetime
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from feedback.constants import Finding, RatingChannel, Stage, VisitLevel
from feedback.figures import FIGURES, Counts, Grouping, figure_table
from feedback.models import RectificationOrder, ServiceInstance
from feedback.services.orders import order_call_back, order_open, order_reply, order_visit
from tests.factories import (
    ApplicationFactory,
    ApproverFactory,
    ClerkFactory,
    DepartmentFactory,
    ItemVersionFactory,
    make_supervisor,
    rating_of,
    service_instance,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


RATING_FIGURES = ("good_rate", "active_good_rate", "bad_rate", "unrated_rate")


def rating_figures(row) -> dict:
    """The figures of ratings alone (the order figures are tested apart)."""
    return {code: row.figures[code] for code in RATING_FIGURES}


def rates(good, active_good, bad, unrated) -> dict:
    """Expected figures, as written in the comments (None: nothing to divide by)."""
    return {
        "good_rate": None if good is None else Decimal(good),
        "active_good_rate": None if active_good is None else Decimal(active_good),
        "bad_rate": None if bad is None else Decimal(bad),
        "unrated_rate": None if unrated is None else Decimal(unrated),
    }


class District:
    """The people and places of the hand-computed district."""


@pytest.fixture
def district():
    d = District()
    d.d1 = DepartmentFactory(code="SCJ", name="市场监管局")
    d.d2 = DepartmentFactory(code="ZJJ", name="住建局")
    i1 = ItemVersionFactory(name="食品经营许可", department=d.d1, immediate=True)
    i2 = ItemVersionFactory(name="燃气经营许可", department=d.d2, immediate=True)
    i3 = ItemVersionFactory(name="个体工商户登记", department=d.d1, immediate=True)
    d.items = (i1, i2, i3)
    d.a = ClerkFactory(hall_code="JP", hall_name="金普厅", window_number=1)
    d.c = ClerkFactory(hall_code="JP", hall_name="金普厅", window_number=2)
    d.b = ClerkFactory(hall_code="JZ", hall_name="金州厅", window_number=2)
    d.x = ApproverFactory(departments=[d.d1])
    d.y = ApproverFactory(departments=[d.d2])
    for clerk in (d.a, d.b, d.c):
        clerk.refresh_from_db()
    window = {u.pk: u.staff_profile.window for u in (d.a, d.b, d.c)}
    d.jp, d.jz = window[d.a.pk].hall, window[d.b.pk].hall

    def case(version, clerk):
        return ApplicationFactory(accepted=True, item_version=version, clerk=clerk)

    def instance(application, stage, version, staff, clerk=None):
        inst = service_instance(application, stage)
        w = window[clerk.pk] if clerk else None
        ServiceInstance.objects.filter(pk=inst.pk).update(
            item=version.item,
            department=version.department,
            hall=w.hall if w else None,
            window=w,
            staff=staff,
        )
        inst.refresh_from_db()
        return inst

    def rate(inst, level, channel, when, **fields):
        # Served the day before; a default rating comes when the week's period has ended.
        served = when - datetime.timedelta(days=8 if channel == RatingChannel.DEFAULT else 1)
        ServiceInstance.objects.filter(pk=inst.pk).update(
            served_at=served, rate_until=served + datetime.timedelta(days=7)
        )
        inst.refresh_from_db()
        rating = rating_of(inst, level, channel, rated_at=when, **fields)
        if channel == RatingChannel.DEFAULT and not rating.is_default:
            # (tests/factories.rating_of writes the default rating the job writes)
            type(rating).objects.filter(pk=rating.pk).update(is_default=True)
            rating.refresh_from_db()
        return rating

    app1, app2, app3 = case(i1, d.a), case(i1, d.a), case(i2, d.b)
    app4, app5, app6 = case(i2, d.b), case(i2, d.b), case(i3, d.c)
    INTAKE, CONCLUSION = Stage.INTAKE, Stage.CONCLUSION
    PAD, ONLINE, QR = RatingChannel.PAD, RatingChannel.ONLINE, RatingChannel.QR
    SMS, DEFAULT = RatingChannel.SMS, RatingChannel.DEFAULT
    d.r = {
        1: rate(instance(app1, INTAKE, i1, d.a, d.a), 1, PAD, at(11, 3)),
        2: rate(instance(app1, CONCLUSION, i1, d.x), 2, ONLINE, at(11, 10)),
        3: rate(
            instance(app2, INTAKE, i1, d.a, d.a),
            4,
            QR,
            at(11, 12),
            text='=HYPERLINK("http://x")',
            reasons=["attitude"],
        ),
        4: rate(instance(app2, CONCLUSION, i1, d.x), 3, DEFAULT, at(11, 30, 23, 30)),
        5: rate(instance(app3, INTAKE, i2, d.b, d.b), 5, SMS, at(11, 20), excluded=True),
        6: rate(instance(app3, CONCLUSION, i2, d.y), 5, ONLINE, at(12, 1, 0, 30)),
        7: rate(instance(app4, INTAKE, i2, d.b, d.b), 2, PAD, at(12, 2)),
        8: rate(instance(app4, CONCLUSION, i2, d.y), 3, DEFAULT, at(12, 3, 9)),
        9: rate(instance(app5, INTAKE, i2, d.b, d.b), 3, DEFAULT, at(12, 3, 10)),
        10: rate(instance(app6, INTAKE, i3, d.c, d.c), 1, ONLINE, at(10, 15)),
    }
    d.rater = {n: r.rater_id for n, r in d.r.items()}
    # Open and unrated: counted by no figure.
    instance(app5, CONCLUSION, i2, d.y)
    return d


def rows_of(table) -> dict:
    return {row.label: (row.counts, rating_figures(row)) for row in table.rows}


def test_the_district_total(district):
    # rated 9, good 7, active 6, active good 4, bad 2, defaulted 3 (see the module).
    table = figure_table()
    assert table.total.counts == Counts(
        rated=9, good=7, active=6, active_good=4, bad=2, defaulted=3
    )
    # 7/9 = 77.777…, 4/6 = 66.666…, 2/9 = 22.222…, 3/9 = 33.333…
    assert rating_figures(table.total) == rates("77.78", "66.67", "22.22", "33.33")
    # No 差评 rectified or visited yet: 0 of 2; no reply to average.
    assert table.total.rectified_rate == Decimal("0.00")
    assert table.total.visited_rate == Decimal("0.00")
    assert table.total.rectify_days is None


def test_every_figure_is_defined_once_with_its_standard():
    orders = {"rectified_rate", "visited_rate", "rectify_days"}
    assert set(FIGURES) == set(RATING_FIGURES) | orders
    for f in FIGURES.values():
        standard = "国办发〔2019〕51号" if f.code in orders else "GB/T 39735-2020"
        assert standard in f.standard
        assert standard in f.func.__doc__
        assert f.definition


def test_a_period_is_local_days_both_included(district):
    # November: R1 R2 R3 R4 (R4 at 23:30 on the 30th); R5 excluded; R6 (00:30 on 1 Dec,
    # which is 30 Nov in UTC) is December's. rated 4, good R1 R2 R4 = 3, bad R3 = 1,
    # defaulted R4 = 1, active 3, active good R1 R2 = 2:
    # 3/4 = 75.00, 2/3 = 66.67, 1/4 = 25.00, 1/4 = 25.00.
    nov = figure_table(start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30))
    assert nov.total.counts == Counts(rated=4, good=3, active=3, active_good=2, bad=1, defaulted=1)
    assert rating_figures(nov.total) == rates("75.00", "66.67", "25.00", "25.00")
    # 1 Dec on: R6 R7 R8 R9. rated 4, good R7 R8 R9 = 3, bad R6, defaulted R8 R9 = 2,
    # active R6 R7 = 2, active good R7 = 1: 75.00, 50.00, 25.00, 50.00.
    dec = figure_table(start=datetime.date(2026, 12, 1))
    assert dec.total.counts == Counts(rated=4, good=3, active=2, active_good=1, bad=1, defaulted=2)
    assert rating_figures(dec.total) == rates("75.00", "50.00", "25.00", "50.00")
    # Nothing rated in a period: the counts are 0 and no figure is made up.
    empty = figure_table(start=datetime.date(2027, 1, 1))
    assert empty.total.counts == Counts()
    assert set(empty.total.figures.values()) == {None}


# Each grouping: label -> (rated, good, active, active good, bad, defaulted) and the four
# rates, computed from the table in the module docstring (R5 never counts).
EXPECTED = {
    Grouping.MONTH: {
        # Oct: R10. Nov: R1-R4. Dec: R6-R9.
        "2026 年 10 月": ((1, 1, 1, 1, 0, 0), ("100.00", "100.00", "0.00", "0.00")),
        "2026 年 11 月": ((4, 3, 3, 2, 1, 1), ("75.00", "66.67", "25.00", "25.00")),
        "2026 年 12 月": ((4, 3, 2, 1, 1, 2), ("75.00", "50.00", "25.00", "50.00")),
    },
    Grouping.ITEM: {
        # I1: R1-R4; I2: R6-R9; I3: R10.
        "食品经营许可": ((4, 3, 3, 2, 1, 1), ("75.00", "66.67", "25.00", "25.00")),
        "燃气经营许可": ((4, 3, 2, 1, 1, 2), ("75.00", "50.00", "25.00", "50.00")),
        "个体工商户登记": ((1, 1, 1, 1, 0, 0), ("100.00", "100.00", "0.00", "0.00")),
    },
    Grouping.DEPARTMENT: {
        # D1: R1 R2 R3 R4 R10: good R1 R2 R4 R10 = 4, bad R3, default R4, active 4,
        # active good R1 R2 R10 = 3: 4/5 80.00, 3/4 75.00, 1/5 20.00, 1/5 20.00.
        "市场监管局": ((5, 4, 4, 3, 1, 1), ("80.00", "75.00", "20.00", "20.00")),
        # D2: R6-R9: 3/4 75.00, 1/2 50.00, 1/4 25.00, 2/4 50.00.
        "住建局": ((4, 3, 2, 1, 1, 2), ("75.00", "50.00", "25.00", "50.00")),
    },
    Grouping.HALL: {
        # JP: R1 R3 R10: good 2, bad 1, active 3, active good 2: 66.67 66.67 33.33 0.00.
        "金普厅": ((3, 2, 3, 2, 1, 0), ("66.67", "66.67", "33.33", "0.00")),
        # JZ: R7 R9: good 2, default R9, active R7: 100 100 0 50.
        "金州厅": ((2, 2, 1, 1, 0, 1), ("100.00", "100.00", "0.00", "50.00")),
        # No hall (conclusions): R2 R4 R6 R8: good R2 R4 R8, bad R6, default R4 R8,
        # active R2 R6, active good R2: 75.00 50.00 25.00 50.00.
        "网上办理（无大厅）": ((4, 3, 2, 1, 1, 2), ("75.00", "50.00", "25.00", "50.00")),
    },
    Grouping.WINDOW: {
        # JP-1: R1 R3: 1/2 50.00, 1/2 50.00, 1/2 50.00, 0.00.
        "金普厅 1 号窗口": ((2, 1, 2, 1, 1, 0), ("50.00", "50.00", "50.00", "0.00")),
        "金普厅 2 号窗口": ((1, 1, 1, 1, 0, 0), ("100.00", "100.00", "0.00", "0.00")),
        "金州厅 2 号窗口": ((2, 2, 1, 1, 0, 1), ("100.00", "100.00", "0.00", "50.00")),
        "无窗口（网上办理或办结服务）": ((4, 3, 2, 1, 1, 2), ("75.00", "50.00", "25.00", "50.00")),
    },
    Grouping.CHANNEL: {
        # pad R1 R7; online R2 R6 R10; qr R3; default R4 R8 R9 (no active rating: the
        # 主动评价好评率 has nothing to divide by); sms only R5, excluded: no row.
        "评价器": ((2, 2, 2, 2, 0, 0), ("100.00", "100.00", "0.00", "0.00")),
        "网上评价": ((3, 2, 3, 2, 1, 0), ("66.67", "66.67", "33.33", "0.00")),
        "扫码评价": ((1, 0, 1, 0, 1, 0), ("0.00", "0.00", "100.00", "0.00")),
        "默认评价": ((3, 3, 0, 0, 0, 3), ("100.00", None, "0.00", "100.00")),
    },
    Grouping.STAGE: {
        # intake R1 R3 R7 R9 R10: good 4, bad 1, default 1, active 4, active good 3.
        "受理服务": ((5, 4, 4, 3, 1, 1), ("80.00", "75.00", "20.00", "20.00")),
        "办结服务": ((4, 3, 2, 1, 1, 2), ("75.00", "50.00", "25.00", "50.00")),
    },
}


@pytest.mark.parametrize("grouping", list(EXPECTED))
def test_each_grouping_against_the_hand_computed_rows(
    district, grouping, django_assert_num_queries
):
    # One grouped query, whatever the groups, and one for the replied orders' dates.
    with django_assert_num_queries(2):
        table = figure_table(grouping=grouping)
    got = rows_of(table)
    expected = EXPECTED[grouping]
    labels = {_short(grouping, label): label for label in got}
    assert set(labels) == set(expected), got.keys()
    for short, ((rated, good, active, active_good, bad, defaulted), figures) in expected.items():
        counts, values = got[labels[short]]
        assert counts == Counts(rated, good, active, active_good, bad, defaulted), short
        assert values == rates(*figures), short
    assert table.total.counts.rated == 9  # the groups partition the counted ratings


def _short(grouping: str, label: str) -> str:
    """An item's label without its code: "食品经营许可（11210213MB…）" → "食品经营许可"."""
    return label.split("（")[0] if grouping == Grouping.ITEM else label


def test_staff_grouping(district):
    # A: R1 R3 (as JP-1); C: R10; B: R7 R9; X (D1's conclusions): R2 R4; Y: R6 R8.
    got = {row.key: row for row in figure_table(grouping=Grouping.STAFF).rows}
    d = district
    assert {k: r.counts.rated for k, r in got.items()} == {
        d.a.pk: 2,
        d.c.pk: 1,
        d.b.pk: 2,
        d.x.pk: 2,
        d.y.pk: 2,
    }
    # X: R2 (2) and R4 (default): 100.00, 100.00, 0.00, 50.00.
    assert rating_figures(got[d.x.pk]) == rates("100.00", "100.00", "0.00", "50.00")
    # Y: R6 (5) and R8 (default): 1/2 50.00, 0/1 0.00, 1/2 50.00, 1/2 50.00.
    assert rating_figures(got[d.y.pk]) == rates("50.00", "0.00", "50.00", "50.00")
    assert got[d.a.pk].label == str(d.a)


def test_an_excluded_rating_stays_in_the_record_but_out_of_the_figures(district):
    r5 = district.r[5]
    assert r5.excluded
    hall = {row.label: row.counts for row in figure_table(grouping=Grouping.HALL).rows}
    assert hall["金州厅"].bad == 0  # R5 (5, 金州厅) does not count
    # Lifting the exclusion brings it back: JZ then has R5 R7 R9, bad 1.
    type(r5).objects.filter(pk=r5.pk).update(excluded=False)
    hall = {row.label: row.counts for row in figure_table(grouping=Grouping.HALL).rows}
    assert hall["金州厅"] == Counts(rated=3, good=2, active=2, active_good=1, bad=1, defaulted=1)


def test_the_order_figures(district, django_assert_num_queries):
    d = district
    # The 差评 R3 (intake at 金普厅: its clerks handle it) is called back, rectified,
    # replied and visited (满意, closed); R6 (住建局's conclusion) only called back; R5's
    # order is replied too, but R5 is excluded (an accepted appeal) and counts nowhere.
    r3, r5, r6 = (order_open(rating=d.r[n]) for n in (3, 5, 6))
    order_call_back(order=r3, actor=d.a, finding=Finding.TRUE, note="电话联系，情况属实。")
    order_reply(order=r3, actor=d.a, text="已对窗口人员批评教育，改进了服务用语。")
    order_visit(order=r3, actor=d.a, level=VisitLevel.SATISFIED, note="电话回访满意。")
    order_call_back(order=r5, actor=d.b, finding=Finding.UNTRUE, note="情况不属实。")
    order_reply(order=r5, actor=d.b, text="已说明情况。")
    order_call_back(order=r6, actor=d.y, finding=Finding.PARTLY, note="部分属实。")
    # R3's order: opened Thu 12 Nov, replied Thu 19 Nov 2026: Fri 13, Mon 16 to Thu 19 =
    # 5 working days (no holiday in November).
    RectificationOrder.objects.filter(pk=r3.pk).update(
        created_at=at(11, 12, 12, 30), replied_at=at(11, 19, 10)
    )
    # 差评 counted: R3 R6. rectified R3: 1/2 = 50.00; visited R3: 1/2 = 50.00; average
    # working days 5 / 1 = 5.0.
    total = figure_table().total
    assert (total.counts.rectified, total.counts.visited) == (1, 1)
    assert (total.rectified_rate, total.visited_rate) == (Decimal("50.00"), Decimal("50.00"))
    assert total.rectify_days == Decimal("5.0")
    with django_assert_num_queries(2):  # the calendar is cached by now
        stages = {r.label: r for r in figure_table(grouping=Grouping.STAGE).rows}
    # intake: R3 only: 100.00, 100.00, 5.0; conclusion: R6: 0.00, 0.00, no reply.
    assert [
        stages["受理服务"].rectified_rate,
        stages["受理服务"].visited_rate,
        stages["受理服务"].rectify_days,
    ] == [Decimal("100.00"), Decimal("100.00"), Decimal("5.0")]
    assert [
        stages["办结服务"].rectified_rate,
        stages["办结服务"].visited_rate,
        stages["办结服务"].rectify_days,
    ] == [Decimal("0.00"), Decimal("0.00"), None]
    # Per month: October has no 差评 (nothing to divide by), November R3, December R6.
    months = {r.label: r for r in figure_table(grouping=Grouping.MONTH).rows}
    assert months["2026 年 10 月"].rectified_rate is None
    assert months["2026 年 11 月"].rectify_days == Decimal("5.0")
    assert months["2026 年 12 月"].rectified_rate == Decimal("0.00")


# --- Scope and the API ----------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def get(api, user, url, **params):
    api.force_authenticate(user)
    return api.get(url, params)


def test_figures_api_in_each_scope(district, api, supervisor):
    url = "/api/v1/feedback/figures/"
    body = get(api, supervisor, url).json()
    assert body["total"]["counts"]["rated"] == 9
    assert body["total"]["figures"] == {
        "good_rate": 77.78,
        "active_good_rate": 66.67,
        "bad_rate": 22.22,
        "unrated_rate": 33.33,
        "rectified_rate": 0.0,
        "visited_rate": 0.0,
        "rectify_days": None,
    }
    assert {d["code"] for d in body["definitions"]} == set(FIGURES)
    # A clerk of 金普厅 sees the hall's instances: R1 R3 R10.
    assert get(api, district.a, url).json()["total"]["counts"]["rated"] == 3
    # The approver of D2: R6 R7 R8 R9.
    assert get(api, district.y, url).json()["total"]["counts"]["rated"] == 4
    # A supervisor watching D1 only: R1 R2 R3 R4 R10.
    watcher = make_supervisor(district.d1)
    assert get(api, watcher, url).json()["total"]["counts"]["rated"] == 5
    # Grouped and in a period: December per department, D2 only (R6-R9).
    body = get(api, supervisor, url, group="department", start="2026-12-01").json()
    assert [(r["label"], r["counts"]["rated"]) for r in body["rows"]] == [("住建局", 4)]
    body = get(api, supervisor, url, group="month").json()
    assert [r["key"] for r in body["rows"]] == ["2026-10", "2026-11", "2026-12"]


def test_figures_api_refuses_citizens_and_bad_parameters(district, api, citizen, supervisor):
    url = "/api/v1/feedback/figures/"
    response = get(api, citizen.user, url)
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "code", "errors"}
    response = get(api, supervisor, url, start="2026-12-31", end="2026-12-01")
    assert response.status_code == 400
    assert response.json()["errors"] == {"end": ["结束日期不能早于开始日期。"]}
    assert response.json()["detail"].startswith("结束日期：")
    response = get(api, supervisor, url, group="planet")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert get(api, supervisor, url, start="2026-02-30").status_code == 400


def test_the_ratings_list_shows_the_rater_only_where_allowed(district, api, supervisor):
    d = district
    url = "/api/v1/feedback/ratings/"
    body = get(api, supervisor, url, page_size=100).json()
    assert body["count"] == 10  # the excluded R5 too: it stays in the record
    by_id = {row["id"]: row for row in body["results"]}
    assert by_id[d.r[5].pk]["excluded"] is True
    # Supervisors see every rater but the default ratings' (none).
    assert all((row["rater"] is None) == row["is_default"] for row in body["results"]), body[
        "results"
    ]
    # The clerk of 金普厅 sees R1 R3 R10, and the rater only on the 差评 R3 (intake at
    # their hall).
    rows = get(api, d.a, url).json()["results"]
    assert {r["id"]: r["rater"] is not None for r in rows} == {
        d.r[1].pk: False,
        d.r[3].pk: True,
        d.r[10].pk: False,
    }
    # D2's approver handles R6 (a 差评 of D2's conclusion); R5 is an intake 差评 (the
    # hall handles it), R7 R9 intake services, R8 a default.
    rows = get(api, d.y, url).json()["results"]
    assert {r["id"]: r["rater"] is not None for r in rows} == {
        d.r[5].pk: False,
        d.r[6].pk: True,
        d.r[7].pk: False,
        d.r[8].pk: False,
        d.r[9].pk: False,
    }
    # D1's approver sees R3 (D1's item) but not its rater: the hall handles an intake 差评.
    rows = get(api, d.x, url, bad="true").json()["results"]
    assert [(r["id"], r["rater"]) for r in rows] == [(d.r[3].pk, None)]
    # Filters.
    assert get(api, supervisor, url, channel="default").json()["count"] == 3
    assert get(api, supervisor, url, stage="conclusion", level=5).json()["count"] == 1
    assert get(api, supervisor, url, start="2026-12-01").json()["count"] == 4


def test_the_ratings_list_query_count_is_flat(district, api, supervisor):
    api.force_authenticate(supervisor)

    def listed(**params):
        with CaptureQueriesContext(connection) as queries:
            body = api.get("/api/v1/feedback/ratings/", {"page_size": 100, **params}).json()
        return body["count"], len(queries)

    listed()  # warms the per-process caches
    (one, queries_one), (ten, queries_ten) = listed(end="2026-10-31"), listed()
    assert (one, ten) == (1, 10)
    assert queries_one == queries_ten


def test_the_csv_export_has_the_provincial_fields_with_a_bom(district, api, supervisor):
    response = get(api, supervisor, "/api/v1/feedback/ratings/export.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 10  # every rating in scope, the excluded one marked
    r3 = next(row for row in rows if row["评价编号"] == str(district.r[3].pk))
    application = district.r[3].instance.application
    assert r3["办件编号"] == application.case_number
    assert r3["事项编码"] == district.items[0].item.code
    assert r3["事项版本"] == str(application.item_version.number)
    assert r3["部门编码"] == "SCJ"
    assert r3["办理状态"] == "受理"
    assert r3["行政区划代码"] == "210213"
    assert r3["评价渠道"] == "qr"
    assert r3["评价人"] == application.applicant.name  # rated by QR, without an account
    assert r3["评价人证件号码（脱敏）"].count("*") == 8
    assert r3["被评价人"] == str(district.a)
    assert r3["评价等级"] == "4"
    assert r3["评价时间"] == "2026-11-12T12:00:00+08:00"
    assert r3["推送状态"] == "待推送"
    # A comment a spreadsheet would run as a formula is quoted.
    assert r3["评价内容"] == '\'=HYPERLINK("http://x")'
    r5 = next(row for row in rows if row["评价编号"] == str(district.r[5].pk))
    assert r5["申诉核减（不计入统计）"] == "是"
    # A period: December only.
    response = get(api, supervisor, "/api/v1/feedback/ratings/export.csv", start="2026-12-01")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) == 1 + 4  # the header and R6-R9


def test_the_json_export_and_who_may_export(district, api, supervisor):
    response = get(api, supervisor, "/api/v1/feedback/ratings/export.json", end="2026-11-30")
    assert response.streaming
    data = json.loads(b"".join(response.streaming_content))
    # R10 (Oct) and R1-R5 (Nov; R4 at 23:30 on the 30th), oldest first.
    assert [row["rating_id"] for row in data] == [district.r[n].pk for n in (10, 1, 2, 3, 5, 4)]
    assert (data[0]["channel"], data[0]["level"]) == ("online", 1)
    assert (data[-1]["is_default"], data[-1]["rater"]) == (True, "")
    # Clerks and approvers do not export.
    assert get(api, district.a, "/api/v1/feedback/ratings/export.json").status_code == 403
    assert get(api, district.x, "/api/v1/feedback/ratings/export.csv").status_code == 403
