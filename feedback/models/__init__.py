"""Models of feedback (好差评): rateable service instances and their ratings; the
rectification orders of 差评, appeals and review batches live beside them."""

from .ratings import Rating, ServiceInstance

__all__ = ["Rating", "ServiceInstance"]
