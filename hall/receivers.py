"""The hall's receivers of intake's signals, connected in HallConfig.ready().

``link_application``: an application accepted, refused or sent back for correction
(一次性告知补正) by the clerk of a window while that window serves a ticket (status
SERVING) is recorded on the ticket, with a ticket event saying what the service produced
(``details``: the application and the outcome, an ``IntakeOutcome`` code), in the
outcome's transaction, when it is what that visit brought:

- a counter intake (channel counter) received at the window during the service (its
  ``received_at`` not before the ticket's start): the one-form counter intake, a
  一件事's item cases, the corrected materials brought back (收取补正材料) and then
  concluded. One received there before the service began (a 一件事's item left received,
  concluded while the window serves someone else) is not this visit's;
- an application the clerk marked as given for this ticket (本次叫号群众办理 on the
  review of an online or kiosk application: the signal's ``visit``, the ticket's id
  from ``hall.workbench.ticket_visit``), linked to that ticket only while it is still in
  service there. The page and the API check that before the service; a ticket ended
  in between (another tab, the panel's 结束办理, the day's close) makes the receiver
  raise the same refusal (``intake.page_hooks.VisitRefused``), so the outcome is rolled
  back with it instead of saved unlinked.

An online application pre-reviewed at the window without that mark is not linked: its
applicant is usually not the person at the window, and the receiver then runs no
statement. One UPDATE … RETURNING on the partial index of the tickets at windows finds
and links the ticket; a window serving nobody (no ticket system in use there) costs that
one statement only. A ticket already linked to another application (the second item
case of a 一件事) keeps its own; the same application concluded again in the same
service (corrected on the spot, then accepted) records the new outcome, so the ticket's
latest event says what the visit produced. An acceptance with no clerk (逾期视为受理,
the pre-review sweep) is no act at the window: nothing is linked. Ending the service
then offers the rating of that application on the window's counter pad
(``hall.services.calling.service_end``).
"""

from django.db import connection
from django.utils import timezone

from intake.constants import Channel, IntakeOutcome
from intake.page_hooks import WorkbenchVisit, visit_refusal
from intake.services.cases import case_accepted, case_correction_requested, case_refused

from .constants import TicketAction, TicketStatus
from .models import TicketEvent
from .selectors import serving_tickets
from .services.base import local_day

#: The signal an outcome at the window is sent with → the outcome the ticket records.
OUTCOMES = {
    case_accepted: IntakeOutcome.ACCEPT,
    case_refused: IntakeOutcome.REFUSE,
    case_correction_requested: IntakeOutcome.CORRECTION,
}

# Today's ticket in service at the window, not yet linked to another application (the
# rule of ``hall.services.base.at_window``, narrowed to SERVING: a ticket left in
# service there on an earlier day is not this service, the day's close ends it), linked
# in the same statement that finds it. As a queryset read and then an UPDATE by key,
# building the read cost 0.6 ms of an acceptance's CPU, more than the rest of the receiver.
# The last condition says which visit: the ticket the clerk marked, or the one whose
# service began by the time the counter received the application.
_LINK_MARKED = """
UPDATE hall_ticket SET application_id = %s
WHERE window_id = %s AND day = %s AND status = %s
AND (application_id IS NULL OR application_id = %s)
AND id = %s
RETURNING id, hall_id, label
"""
_LINK_RECEIVED = """
UPDATE hall_ticket SET application_id = %s
WHERE window_id = %s AND day = %s AND status = %s
AND (application_id IS NULL OR application_id = %s)
AND started_at <= %s
RETURNING id, hall_id, label
"""


def _visit_condition(application, visit) -> tuple[str, object] | None:
    """The statement and its last parameter for the visit ``application``'s outcome
    belongs to (see the module), or None when it belongs to none. A marked visit that
    is no ticket id gets a statement finding nothing (and is then refused)."""
    if visit:
        visit = str(visit)
        return _LINK_MARKED, int(visit) if visit.isdigit() and len(visit) <= 18 else 0
    if application.channel == Channel.COUNTER and application.received_at is not None:
        return _LINK_RECEIVED, connection.ops.adapt_datetimefield_value(application.received_at)
    return None


def _unlinked_mark(window_id: int, visit) -> None:
    """A marked outcome whose ticket the UPDATE did not link: still in service there but
    linked to another application (a second application of the same visit; the ticket
    keeps its own, the outcome stands), or no longer in service at the window (it ended
    after the clerk's page or the API checked it: ``VisitRefused`` as that check gives
    it, which rolls the whole outcome back). One more statement, on this path only."""
    serving = [
        WorkbenchVisit(key=str(pk), label=label)
        for pk, label in serving_tickets(window_id).order_by("pk").values_list("pk", "label")
    ]
    if any(current.key == str(visit) for current in serving):
        return
    raise visit_refusal(serving[0] if serving else None, str(visit))


def link_application(sender, *, signal, application, actor=None, visit="", **kwargs) -> None:
    window_id = application.window_id
    if not window_id or actor is None:
        return
    condition = _visit_condition(application, visit)
    if condition is None:
        return
    sql, which = condition
    now = timezone.now()
    day = connection.ops.adapt_datefield_value(local_day(now))
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [application.pk, window_id, day, TicketStatus.SERVING, application.pk, which]
        )
        tickets = cursor.fetchall()
    if not tickets:
        if visit:
            _unlinked_mark(window_id, visit)
        return
    details = {"application": application.pk, "outcome": str(OUTCOMES[signal])}
    TicketEvent.objects.bulk_create(
        TicketEvent(
            hall_id=hall_id,
            ticket_id=pk,
            action=TicketAction.APPLICATION,
            at=now,
            actor=actor,
            window_id=window_id,
            details=details,
        )
        for pk, hall_id, _label in sorted(tickets, key=lambda row: row[2])
    )


def connect() -> None:
    """Called from HallConfig.ready(): one receiver for every outcome at a window."""
    for signal, outcome in OUTCOMES.items():
        signal.connect(link_application, dispatch_uid=f"hall.link_{outcome}")
