"""赋权与就近办理 against a hand-made fortnight: powers delegated to a park and a street,
the cases the park accepted (of its delegated items and others), 全域通办 at a station,
the delegations list; the scope, flat queries and the Excel export."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.constants import DepartmentKind
from catalog.constants import TongbanScope
from catalog.models import Delegation
from supervision import delegations, refresh
from supervision.rollups import Filter

pytestmark = pytest.mark.django_db

NOV9, NOV13 = datetime.date(2026, 11, 9), datetime.date(2026, 11, 13)
FORTNIGHT = "start=2026-11-09&end=2026-11-13"


@pytest.fixture
def nearby(week, at):
    """After the week (tests/supervision/week.py), Mon 9 - Fri 13 Nov 2026:

    - the 保税区 (a park) holds the 审批局's 审查事项 (week.version) since 1 Jan 2026, and
      held item X (审批局) from 2025 until it was revoked on 30 Jun 2026; the 友谊街道 (a
      street) holds the 审查事项 too; a station (金州所) accepts an item of the
      市场监管局 whose 通办范围 is 全域通办;
    - at the 保税区: P1 (item X, listed for it nearby; the revoked delegation's pair)
      accepted Mon 9 Nov, concluded Tue 10 Nov by the 审批局 (promised 10 days: on
      time); P2 and P3 (审查事项, delegated) accepted Mon 9 Nov, open; P4 (the
      市场监管局's week item, listed for it nearby, never delegated) accepted Tue;
    - at the station: S1 (全域通办) accepted Wed 11 Nov.

    By hand, district-wide: 保税区 active 1, revoked 1, received 4, accepted 4, of
    which delegated items 3 (P1, P2, P3), concluded 1, on time 100.00 %; 友谊街道 active
    1, no cases; the station 1 item, accepted 1. The 审批局's supervisor: 保税区 active
    1, revoked 1, accepted 3 (not P4), delegated 3; the station nothing (市场监管局)."""
    from tests.factories import accept_case, department, make_version
    from tests.feedback.orders_support import conclude

    park = department("BSQ", "大连保税区管理委员会", DepartmentKind.PARK)
    street = department("YYJD", "金普新区友谊街道办事处", DepartmentKind.STREET)
    station = department("SCJ-S01", "金州市场监督管理所", DepartmentKind.STATION)
    x = make_version(department=week.spj, steps=[(1, "审查", week.spj, 5)], promised=10)
    x.accepting_units.add(park)
    week.other_version.accepting_units.add(park)
    district = make_version(
        department=week.scj, steps=[(1, "登记", week.scj, 1)], tongban_scope=TongbanScope.DISTRICT
    )
    district.accepting_units.add(station)
    Delegation.objects.create(
        item=week.version.item, grantee=park, batch="第一批", granted_on=datetime.date(2026, 1, 1)
    )
    Delegation.objects.create(
        item=x.item,
        grantee=park,
        batch="试点",
        granted_on=datetime.date(2025, 1, 1),
        revoked_on=datetime.date(2026, 6, 30),
    )
    Delegation.objects.create(
        item=week.version.item,
        grantee=street,
        batch="街道第一批",
        granted_on=datetime.date(2026, 3, 1),
    )

    def nearby_case(version, unit):
        return accept_case(version, clerk=week.clerk, applicant=week.citizen, accepting_unit=unit)

    at(2026, 11, 9, 10)
    p1 = nearby_case(x, park)
    nearby_case(week.version, park)
    nearby_case(week.version, park)
    at(2026, 11, 10, 10)
    conclude(p1, week.approver)
    nearby_case(week.other_version, park)
    at(2026, 11, 11, 10)
    nearby_case(district, station)
    at(2026, 11, 13, 17)
    refresh.refresh()
    week.park, week.street, week.station, week.x = park, street, station, x
    return week


def _f(**kwargs):
    return Filter(start=NOV9, end=NOV13, **kwargs)


def _unit(rows, pk):
    (row,) = [r for r in rows if r.key == pk]
    return row


def test_the_parks_and_streets(nearby):
    rows = delegations.unit_rows(_f())
    park = _unit(rows, nearby.park.pk)
    assert (park.active, park.revoked) == (1, 1)
    c = park.cases
    assert (c.received, c.accepted, c.concluded, str(c.on_time_rate)) == (4, 4, 1, "100.00")
    assert park.delegated.accepted == 3
    street = _unit(rows, nearby.street.pk)
    assert (street.active, street.revoked, street.cases.accepted) == (1, 0, 0)
    assert rows[0].key == nearby.park.pk  # most powers first
    assert nearby.station.pk not in {r.key for r in rows}  # stations hold no powers
    # The period: before the fortnight nothing was accepted nearby; powers stay.
    before = _unit(delegations.unit_rows(Filter(end=datetime.date(2026, 11, 6))), nearby.park.pk)
    assert (before.active, before.cases.accepted) == (1, 0)


def test_the_stations(nearby):
    (station,) = delegations.station_rows(_f())
    assert (station.key, station.items, station.cases.accepted) == (nearby.station.pk, 1, 1)
    assert station.cases.concluded == 0


def test_the_delegations_list(nearby):
    rows = delegations.delegation_rows(_f())
    found = {
        (r.delegation.item_id, r.delegation.grantee_id): (
            r.active,
            r.cases.accepted,
            r.cases.concluded,
        )
        for r in rows
    }
    assert found == {
        (nearby.version.item_id, nearby.park.pk): (True, 2, 0),
        (nearby.version.item_id, nearby.street.pk): (True, 0, 0),
        (nearby.x.item_id, nearby.park.pk): (False, 1, 1),
    }
    assert not rows[-1].active  # revoked last


def test_the_scope(nearby):
    scope = frozenset({nearby.spj.pk})
    park = _unit(delegations.unit_rows(_f(scope=scope)), nearby.park.pk)
    assert (park.active, park.revoked, park.cases.accepted, park.delegated.accepted) == (1, 1, 3, 3)
    (station,) = delegations.station_rows(_f(scope=scope))
    assert station.cases.accepted == 0
    nothing = frozenset()
    assert _unit(delegations.unit_rows(_f(scope=nothing)), nearby.park.pk).active == 0
    assert delegations.delegation_rows(_f(scope=nothing)) == []


def _get(client, user, query=""):
    client.force_login(user)
    return client.get(f"{reverse('supervision:delegations')}?{query}")


def test_the_page(client, nearby):
    response = _get(client, nearby.district, FORTNIGHT)
    assert response.status_code == 200
    cards = {card["code"]: card for card in response.context["cards"]}
    assert (cards["active"]["value"], cards["unit_accepted"]["value"]) == (2, 4)
    assert cards["unit_accepted"]["note"] == "其中赋权事项 3"
    assert cards["station_accepted"]["value"] == 1
    first = response.context["rows"][0]
    assert [cell["text"] for cell in first][:8] == [
        "大连保税区管理委员会",
        "园区",
        "1",
        "1",
        "4",
        "4",
        "3",
        "1",
    ]
    response = _get(client, nearby.district, f"{FORTNIGHT}&group=list&sort=accepted&order=asc")
    assert [row[6]["text"] for row in response.context["rows"]] == ["0", "1", "2"]
    response = _get(client, nearby.district, f"{FORTNIGHT}&group=station")
    assert response.context["rows"][0][0]["text"] == "金州市场监督管理所"
    # The 审批局's supervisor: their departments' powers and cases only.
    response = _get(client, nearby.watcher, FORTNIGHT)
    cards = {card["code"]: card for card in response.context["cards"]}
    assert (cards["unit_accepted"]["value"], cards["station_accepted"]["value"]) == (3, 0)
    assert _get(client, nearby.approver).status_code == 403


def test_the_queries_stay_flat(client, nearby, assert_flat_queries, at):
    from tests.factories import accept_case

    client.force_login(nearby.district)

    def add(n):
        at(2026, 11, 12, 10)
        for _ in range(n):
            accept_case(
                nearby.version,
                clerk=nearby.clerk,
                applicant=nearby.citizen,
                accepting_unit=nearby.street,
            )
        refresh.refresh()

    for group in ("unit", "station", "list"):
        assert_flat_queries(
            lambda group=group: client.get(
                f"{reverse('supervision:delegations')}?{FORTNIGHT}&group={group}"
            ),
            add,
        )


def test_the_export(client, nearby):
    client.force_login(nearby.district)
    response = client.get(
        f"{reverse('supervision:export', args=['delegations'])}?{FORTNIGHT}&group=unit"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:7] == (
        "承接单位",
        "类型",
        "赋权事项（有效）",
        "已收回",
        "收件",
        "受理",
        "其中赋权事项受理",
    )
    park = [r for r in rows if r[0] == "大连保税区管理委员会"][0]
    assert park[2:10] == (1, 1, 4, 4, 3, 1, 100.0, None)  # no ratings: an empty cell
    client.force_login(nearby.watcher)
    response = client.get(
        f"{reverse('supervision:export', args=['delegations'])}?{FORTNIGHT}&group=list"
    )
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert rows[0][0] == "事项"
    assert {r[5] for r in rows[1:] if r and r[5]} == {"有效", "已收回（2026-06-30）"}
