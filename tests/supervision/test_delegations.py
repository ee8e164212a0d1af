"""赋权与就近办理 against a hand-made fortnight: powers delegated to a park and a street,
the cases the park accepted (of its delegated items and others), 全域通办 at a station,
the delegations list; the scope, flat queries and the Excel export."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from supervision import delegations, refresh
from supervision.rollups import Filter
from tests.supervision.nearby import build_nearby

pytestmark = pytest.mark.django_db

NOV9, NOV13 = datetime.date(2026, 11, 9), datetime.date(2026, 11, 13)
FORTNIGHT = "start=2026-11-09&end=2026-11-13"


@pytest.fixture
def nearby(week, at):
    """See tests/supervision/nearby.py (figures worked out there)."""
    return build_nearby(week, at)


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
