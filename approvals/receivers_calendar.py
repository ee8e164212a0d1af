"""Calendar edits move due dates: catalog announces the edit (after commit), approvals
queues the re-derivation of every open clock (connected in ApprovalsConfig.ready)."""

from .services.rederive import rederive_request


def rederive_on_calendar_edit(sender, **kwargs) -> None:
    rederive_request()
