"""The waiting counts of a category's day (``DayCounter.waiting_*``, one per lane).

A new ticket's people ahead are the day's waiting tickets of its category in its lane
or a lane before it: the issuing statement adds the ticket to its lane's count and
reads the counts under the counter row's lock (hall.services.tickets), so the kiosk
never counts the queue. Every other move into or out of the waiting state goes through
``waiting_add`` in the same transaction as the ticket's own change: a call (−1), a
re-queue (+1), a transfer (+1 in the category it goes to), a 绿色通道 confirmation of a
waiting ticket (one lane to another) and a cancel of a waiting ticket (−1).

``recount`` sets the counts from the tickets themselves (the migration that added them,
the demo data, a repair by hand).
"""

from django.db.models import Count, F, Q

from ..constants import Lane, TicketStatus
from ..models import DayCounter, Ticket

#: The counter's column of each lane.
WAITING_FIELDS = {
    Lane.PRIORITY: "waiting_priority",
    Lane.APPOINTMENT: "waiting_appointment",
    Lane.NORMAL: "waiting_normal",
}


def ahead_of(lane: int, counts: dict[int, int]) -> int:
    """People ahead of a ticket just added to ``lane``, from the counts that include it."""
    return sum(count for each, count in counts.items() if each <= lane) - 1


def waiting_add(ticket: Ticket, deltas: dict[int, int], *, category_id: int | None = None) -> None:
    """Move the waiting counts of the ticket's day and category (``category_id`` when
    it goes to another one) by ``deltas`` ({lane: ±n}). One UPDATE; the day's row is
    made first when the category issued nothing that day (a transfer into it)."""
    category_id = category_id or ticket.category_id
    changes = {WAITING_FIELDS[lane]: F(WAITING_FIELDS[lane]) + n for lane, n in deltas.items() if n}
    if not changes:
        return
    rows = DayCounter.objects.filter(category_id=category_id, day=ticket.day)
    if not rows.update(**changes):
        DayCounter.objects.get_or_create(
            category_id=category_id, day=ticket.day, defaults={"hall_id": ticket.hall_id}
        )
        rows.update(**changes)


def recount(**filters) -> int:
    """Set the waiting counts of the counters matching ``filters`` (``hall=…, day=…``)
    from the waiting tickets; returns how many counters were written."""
    counters = list(DayCounter.objects.filter(**filters))
    waiting = (
        Ticket.objects.filter(
            status=TicketStatus.WAITING,
            category_id__in={c.category_id for c in counters},
            day__in={c.day for c in counters},
        )
        .values("category_id", "day")
        .annotate(
            **{name: Count("id", filter=Q(lane=lane)) for lane, name in WAITING_FIELDS.items()}
        )
    )
    found = {(row["category_id"], row["day"]): row for row in waiting}
    for counter in counters:
        row = found.get((counter.category_id, counter.day), {})
        for name in WAITING_FIELDS.values():
            setattr(counter, name, row.get(name, 0))
    DayCounter.objects.bulk_update(counters, list(WAITING_FIELDS.values()), batch_size=500)
    return len(counters)
