from .clocks import Clock, ClockPause
from .work import Delivery, Escalation, Extension, Task

__all__ = ["Clock", "ClockPause", "Delivery", "Escalation", "Extension", "Task"]
