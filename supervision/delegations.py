"""Delegations and nearby service (赋权与就近办理): the powers delegated to each park and
street (catalog's ``Delegation``: an item granted to a unit, active or revoked) with the
cases each unit handled, the 全域通办 cases accepted at each market-supervision station,
and the list of delegations with their cases, for a ``rollups.Filter`` within the
supervisor's scope.

What is counted
---------------
- a unit's cases: the rollups' ``unit`` dimension (``Application.accepting_unit``: the
  park, street or station where the case was applied for nearby), counted as the
  rollups count them (received, accepted, concluded, on time: ``rollups`` docstring);
  ``delegated``: those of items delegated to that unit (a delegation of the item to the
  unit, active or since revoked: the cases it brought while it held);
- powers: the unit's delegations, ``active`` (not revoked) and ``revoked``, of items
  whose current version's implementing department is in scope (and the filter's
  department and item);
- 全域通办 at a station: its cases of items whose current version's 通办范围 is
  ``TongbanScope.DISTRICT`` (全域通办: any station of the district accepts them);
- 好评率: the ratings of the cases accepted at the unit (``rollups.rating_breakdown``).

Every function answers in a fixed number of queries whatever the data (the per-unit and
item rollups, the delegations in one query, the units and items' labels).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from accounts.constants import DepartmentKind
from accounts.models import Department
from catalog.constants import TongbanScope
from catalog.models import Delegation, ServiceItem
from feedback.figures import FIGURES, Counts

from . import rollups
from .rollups import CaseFigures

#: The units powers are delegated to.
GRANTEE_KINDS = (DepartmentKind.PARK, DepartmentKind.STREET)


def _units(f: rollups.Filter, kinds) -> list[Department]:
    units = Department.objects.filter(kind__in=kinds)
    if f.unit is not None:
        units = units.filter(pk=f.unit)
    return list(units.order_by("sort_order", "code"))


def _delegations(f: rollups.Filter):
    """The delegations in scope and in the filter's department and item."""
    q = Q()
    if f.scope is not None:
        q &= Q(item__current_version__department_id__in=sorted(f.scope))
    if f.department is not None:
        q &= Q(item__current_version__department_id=f.department)
    if f.item is not None:
        q &= Q(item_id=f.item)
    if f.unit is not None:
        q &= Q(grantee_id=f.unit)
    return Delegation.objects.filter(q)


@dataclass
class UnitRow:
    key: int
    label: str
    kind: str
    active: int = 0
    revoked: int = 0
    cases: CaseFigures = field(default_factory=CaseFigures)
    delegated: CaseFigures = field(default_factory=CaseFigures)
    ratings: Counts = field(default_factory=Counts)
    items: int = 0  # the items with cases (全域通办 at a station)

    @property
    def good_rate(self):
        return FIGURES["good_rate"](self.ratings)


def unit_item_grid(f: rollups.Filter) -> dict:
    """The case figures per delegated unit and item (``rollups.case_grid``): what each
    reader below starts from; a page that shows several reads it once and passes it."""
    return rollups.case_grid(f, "unit", "item")


def unit_rows(f: rollups.Filter, grid: dict | None = None) -> list[UnitRow]:
    """Each park and street: its delegated powers, the cases accepted there (and those
    of its delegated items), their on-time rate and 好评率."""
    units = _units(f, GRANTEE_KINDS)
    rows = {u.pk: UnitRow(u.pk, u.name, u.get_kind_display()) for u in units}
    pairs = set()
    for grantee_id, item_id, revoked_on in _delegations(f).values_list(
        "grantee_id", "item_id", "revoked_on"
    ):
        pairs.add((grantee_id, item_id))
        if grantee_id in rows:
            if revoked_on is None:
                rows[grantee_id].active += 1
            else:
                rows[grantee_id].revoked += 1
    grid = unit_item_grid(f) if grid is None else grid
    for (unit_id, item_id), figures in grid.items():
        row = rows.get(unit_id)
        if row is None:
            continue
        row.cases += figures
        if (unit_id, item_id) in pairs:
            row.delegated += figures
    for rating in rollups.rating_breakdown(f, "unit"):
        if rating.key in rows:
            rows[rating.key].ratings = rating.figures
    return sorted(rows.values(), key=lambda r: (-r.active, -r.cases.accepted, r.label))


def station_rows(f: rollups.Filter, grid: dict | None = None) -> list[UnitRow]:
    """Each market-supervision station: the 全域通办 cases accepted there."""
    units = _units(f, (DepartmentKind.STATION,))
    rows = {u.pk: UnitRow(u.pk, u.name, u.get_kind_display()) for u in units}
    district = set(
        ServiceItem.objects.filter(
            current_version__tongban_scope=TongbanScope.DISTRICT
        ).values_list("pk", flat=True)
    )
    items: dict[int, set] = {}
    grid = unit_item_grid(f) if grid is None else grid
    for (unit_id, item_id), figures in grid.items():
        if unit_id in rows and item_id in district:
            rows[unit_id].cases += figures
            items.setdefault(unit_id, set()).add(item_id)
    for unit_id, held in items.items():
        rows[unit_id].items = len(held)
    return sorted(rows.values(), key=lambda r: (-r.cases.accepted, -r.cases.received, r.label))


@dataclass
class DelegationRow:
    delegation: Delegation
    cases: CaseFigures

    @property
    def active(self) -> bool:
        return self.delegation.revoked_on is None


def delegation_rows(f: rollups.Filter, grid: dict | None = None) -> list[DelegationRow]:
    """Every delegation in scope with the cases its unit accepted of its item in the
    period (active first, the busiest first)."""
    delegations = list(
        _delegations(f)
        .filter(grantee__kind__in=GRANTEE_KINDS)
        .select_related("item__current_version", "grantee")
    )
    if grid is None:
        grid = unit_item_grid(f) if delegations else {}
    rows = [
        DelegationRow(d, grid.get((d.grantee_id, d.item_id), CaseFigures())) for d in delegations
    ]
    rows.sort(
        key=lambda r: (
            not r.active,
            -r.cases.accepted,
            r.delegation.grantee.sort_order,
            r.delegation.item.code,
        )
    )
    return rows
