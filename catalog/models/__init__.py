"""Models of the catalog: the working-day calendar (``calendar``); items, their
versions, materials, workflow steps, delegations, bundles and the catalog's event record
(``items``)."""

from .calendar import CalendarDay, CalendarYear
from .items import (
    Bundle,
    BundleItem,
    CatalogEvent,
    Delegation,
    ItemMaterial,
    ItemVersion,
    ServiceItem,
    ServiceObjectType,
    WorkflowStep,
)

__all__ = [
    "Bundle",
    "BundleItem",
    "CalendarDay",
    "CalendarYear",
    "CatalogEvent",
    "Delegation",
    "ItemMaterial",
    "ItemVersion",
    "ServiceItem",
    "ServiceObjectType",
    "WorkflowStep",
]
