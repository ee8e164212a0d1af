"""supervision's demo seeder: nearby cases at the parks and streets on their delegated
items, 全域通办 at the stations, a revoked delegation, fast utility connections the
time-limit analysis flags; idempotent."""

import datetime

import pytest

from accounts.demo import seeders
from accounts.models import Department
from catalog.constants import TongbanScope
from catalog.models import Delegation
from intake.models import Application, CaseEvent
from supervision import delegations, demo, rankings, refresh
from supervision.rollups import Filter
from tests.factories import DelegationFactory, ItemVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(at):
    """The demo organisation and accounts and a few items standing for the catalog's
    (the whole demo catalog takes minutes), on Tuesday 3 November 2026 at 11:00."""
    at(2026, 11, 3, 11)
    for seeder in seeders():
        if seeder.name in ("organisation", "accounts"):
            seeder.func()
    departments = {d.code: d for d in Department.objects.all()}
    licence = ItemVersionFactory(name="食品经营许可", department=departments["SCJ"])
    travel = ItemVersionFactory(name="旅行社业务经营许可", department=departments["WLJ"])
    for code in ("BSQ", "JST"):
        DelegationFactory(
            item=licence.item,
            grantee=departments[code],
            batch="第一批",
            granted_on=datetime.date(2020, 6, 30),
        )
    registration = ItemVersionFactory(
        name="个人独资企业设立登记",
        department=departments["SCJ"],
        tongban_scope=TongbanScope.DISTRICT,
        promised_limit_days=1,
        statutory_limit_days=3,
        steps=[{"stage": 1, "name": "登记", "department": departments["SCJ"], "budget_days": 1}],
    )
    registration.accepting_units.add(departments["SCJ-S01"], departments["SCJ-S02"])
    for name in ("供水报装", "供气报装"):
        ItemVersionFactory(
            name=name,
            department=departments["SWU" if name == "供水报装" else "RQG"],
            promised_limit_days=11,
            statutory_limit_days=15,
        )
    return departments, licence, travel, registration


def test_the_demo(organisation):
    departments, licence, travel, _registration = organisation
    (seeder,) = [s for s in seeders() if s.name == "supervision"]
    seeder.func()
    made = Application.objects.filter(outcome_note=demo.NOTE).count()
    events = CaseEvent.objects.count()
    assert made > 180 + 48 + 36 + 30  # the parks, the fast connections, the stations
    seeder.func()  # idempotent
    assert (
        Application.objects.filter(outcome_note=demo.NOTE).count(),
        CaseEvent.objects.count(),
    ) == (
        made,
        events,
    )
    assert Delegation.objects.filter(item=travel.item, revoked_on__isnull=False).count() == 1

    refresh.rebuild()
    units = {r.key: r for r in delegations.unit_rows(Filter())}
    bsq, jst = units[departments["BSQ"].pk], units[departments["JST"].pk]
    assert (bsq.cases.accepted, jst.cases.accepted) == (180, 48)
    assert bsq.delegated.accepted == 180
    assert bsq.cases.concluded == 180
    assert units[departments["PWQ"].pk].revoked == 1
    stations = [r for r in delegations.station_rows(Filter()) if r.cases.accepted]
    assert {r.key for r in stations} == {departments["SCJ-S01"].pk, departments["SCJ-S02"].pk}
    flagged = {row.label for row in rankings.time_limits(Filter()) if row.cuttable}
    assert flagged == {"供水报装", "供气报装"}
