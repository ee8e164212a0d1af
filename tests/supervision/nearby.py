"""The fortnight after the hand-computed week (tests/supervision/week.py) with cases
accepted nearby: a park, a street and a station (tests/supervision/test_delegations.py
and the supervisor's browser walk of the rankings and delegations pages)."""

import datetime

from accounts.constants import DepartmentKind
from catalog.constants import TongbanScope
from supervision import refresh


def build_nearby(week, at):
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
    from tests.factories import DelegationFactory, accept_case, department, make_version
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
    DelegationFactory(
        item=week.version.item, grantee=park, batch="第一批", granted_on=datetime.date(2026, 1, 1)
    )
    DelegationFactory(
        item=x.item,
        grantee=park,
        batch="试点",
        granted_on=datetime.date(2025, 1, 1),
        revoked_on=datetime.date(2026, 6, 30),
    )
    DelegationFactory(
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
