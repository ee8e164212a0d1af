"""Models of the hall (取号叫号): categories, windows' seats, daily counters, tickets and
their events, appointments."""

from .appointments import Appointment
from .queue import DayCounter, ServiceCategory, Ticket, TicketEvent, WindowSeat

__all__ = ["Appointment", "DayCounter", "ServiceCategory", "Ticket", "TicketEvent", "WindowSeat"]
