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
