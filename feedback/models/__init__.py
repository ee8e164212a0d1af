"""Models of feedback (好差评): rateable service instances and their ratings; the
rectification orders of 差评, appeals and review batches live beside them."""

from .orders import (
    Appeal,
    OrderEvent,
    RectificationOrder,
    ReturnVisit,
    ReviewBatch,
    ReviewEntry,
)
from .pads import Pad
from .ratings import Rating, ServiceInstance

__all__ = [
    "Appeal",
    "OrderEvent",
    "Pad",
    "Rating",
    "RectificationOrder",
    "ReturnVisit",
    "ReviewBatch",
    "ReviewEntry",
    "ServiceInstance",
]
