"""The hall's banner on the clerk's workbench pages (``intake.page_hooks``), registered
by ``register()`` from HallConfig.ready().

While today's ticket at the clerk's window is in service (开始办理 pressed, 结束办理
not yet), every workbench page but the queue panel (which shows it itself) says so
above the page: its number, category and start time, a link back to the panel and the
panel's own 结束办理 (``hall/_act.html``: a POST to ``hall:panel-act`` naming this
ticket, so ``service_end`` checks the seat, the ticket's state and its day as on the
panel, and a second post is refused there). An outcome given at the window (accepted,
refused, sent back for correction) reminds the clerk to end the service. The ticket is
also the visit (``WorkbenchVisit``) the review of an online application offers to mark
as its own (本次叫号群众办理): only then is that outcome linked to the ticket
(``hall.receivers``).

The ticket is read in the statement that loads the clerk's window
(``intake.selectors.workbench_window``): four correlated subqueries of
``selectors.serving_tickets`` on the partial index of the tickets at windows, so the
banner adds no statement to the pages.
"""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from intake.page_hooks import (
    CasePanel,
    WorkbenchBanner,
    WorkbenchVisit,
    register_workbench_banner,
)

from .selectors import serving_tickets

#: Window annotation → the ticket's column it reads.
_COLUMNS = {
    "hall_serving_id": "id",
    "hall_serving_label": "label",
    "hall_serving_category": "category__name",
    "hall_serving_started_at": "started_at",
}


def serving_annotations() -> dict:
    """The ticket in service at the window of the row, as ``Window`` annotations (None
    when there is none)."""
    serving = serving_tickets(OuterRef("pk")).order_by("pk")
    return {name: Subquery(serving.values(column)[:1]) for name, column in _COLUMNS.items()}


def serving_ticket(window) -> dict | None:
    """The ticket in service read with ``window`` (``serving_annotations``), or None."""
    if getattr(window, "hall_serving_id", None) is None:
        return None
    return {
        "id": window.hall_serving_id,
        "label": window.hall_serving_label,
        "category": window.hall_serving_category,
        "started_at": timezone.localtime(window.hall_serving_started_at),
    }


def ticket_banner(window) -> CasePanel | None:
    ticket = serving_ticket(window)
    if ticket is None:
        return None
    return CasePanel("hall/_workbench_ticket.html", ticket)


def end_reminder(window) -> str:
    ticket = serving_ticket(window)
    if ticket is None:
        return ""
    return f"{ticket['label']} 号仍在办理中：办完后请在叫号面板结束办理，或点下方的“结束办理”。"


def ticket_visit(window) -> WorkbenchVisit | None:
    """The ticket in service as the visit an online application's outcome may be marked
    for: its id, and its number for the clerk."""
    ticket = serving_ticket(window)
    if ticket is None:
        return None
    return WorkbenchVisit(key=str(ticket["id"]), label=f"{ticket['label']} 号")


BANNER = WorkbenchBanner(
    annotations=serving_annotations, panel=ticket_banner, reminder=end_reminder, visit=ticket_visit
)


def register() -> None:
    register_workbench_banner(BANNER)
