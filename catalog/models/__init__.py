from .calendar import CalendarDay, CalendarYear

__all__ = ["CalendarDay", "CalendarYear"]
