"""The hall's receivers of intake's signals, connected in HallConfig.ready().

``link_application``: an application accepted or refused at a window while that window
serves a ticket (status SERVING) is recorded on the ticket, with a ticket event, in the
acceptance's transaction. One UPDATE … RETURNING on the partial index of the tickets at
windows finds and links the ticket; a window serving nobody (no ticket system in use
there) costs that one statement only.
Ending the service then offers the rating of that application on the window's counter
pad (``hall.services.calling.service_end``).
"""

from django.db import connection
from django.utils import timezone

from .constants import TicketAction, TicketStatus
from .models import TicketEvent
from .services.base import local_day

# Today's ticket in service at the window, not yet linked (the rule of
# ``hall.services.base.at_window``, narrowed to SERVING: a ticket left in service there
# on an earlier day is not this service, the day's close ends it), linked in the same
# statement that finds it. As a queryset read and then an UPDATE by key, building the
# read cost 0.6 ms of an acceptance's CPU, more than the rest of the receiver.
_LINK_SQL = """
UPDATE hall_ticket SET application_id = %s
WHERE window_id = %s AND day = %s AND status = %s AND application_id IS NULL
RETURNING id, hall_id, label
"""


def link_application(sender, *, application, actor=None, **kwargs) -> None:
    window_id = application.window_id
    if not window_id:
        return
    now = timezone.now()
    day = connection.ops.adapt_datefield_value(local_day(now))
    with connection.cursor() as cursor:
        cursor.execute(_LINK_SQL, [application.pk, window_id, day, TicketStatus.SERVING])
        tickets = cursor.fetchall()
    if not tickets:
        return
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
        for pk, hall_id, _label in sorted(tickets, key=lambda row: row[2])
    )
