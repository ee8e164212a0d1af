"""Models of approvals: deadline clocks and their pauses (``clocks``); tasks,
extensions, escalations (督办) and deliveries (``work``)."""

from .clocks import Clock, ClockPause
from .work import Delivery, Escalation, Extension, Task

__all__ = ["Clock", "ClockPause", "Delivery", "Escalation", "Extension", "Task"]
