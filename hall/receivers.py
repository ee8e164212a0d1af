"""The hall's receivers of intake's signals, connected in HallConfig.ready().

``link_application``: an application accepted or refused at a window while that window
serves a ticket (status SERVING) is recorded on the ticket, with a ticket event, in the
acceptance's transaction. One UPDATE on the partial index of the tickets at windows; a
window serving nobody (no ticket system in use there) costs that one statement only.
Ending the service then offers the rating of that application on the window's counter
pad (``hall.services.calling.service_end``).
"""

from django.utils import timezone

from .constants import TicketAction, TicketStatus
from .models import Ticket, TicketEvent
from .services.base import at_window


def link_application(sender, *, application, actor=None, **kwargs) -> None:
    window_id = application.window_id
    if not window_id:
        return
    now = timezone.now()
    # Today's (``at_window``): a ticket left in service at the window on an earlier day
    # is not this service (the day's close ends it).
    tickets = list(
        at_window(window_id, now)
        .filter(status=TicketStatus.SERVING, application__isnull=True)
        .values_list("pk", "hall_id")
    )
    if not tickets:
        return
    Ticket.objects.filter(pk__in=[pk for pk, _ in tickets]).update(application=application)
    TicketEvent.objects.bulk_create(
        TicketEvent(
            hall_id=hall_id,
            ticket_id=pk,
            action=TicketAction.APPLICATION,
            at=now,
            actor=actor,
            window_id=window_id,
            details={"application": application.pk},
        )
        for pk, hall_id in tickets
    )
