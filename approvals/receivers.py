"""Approvals' hooks into intake (connected in ApprovalsConfig.ready)."""

from .services.routing import case_route


def route_accepted_case(sender, *, application, actor, **kwargs) -> None:
    """intake's ``case_accepted`` (inside the accepting transaction): a 承诺件 gets its
    clocks and first tasks there, so a case is never accepted without them; an error
    here rolls the acceptance back."""
    tasks = case_route(application=application, actor=actor)
    if tasks:
        # The sender keeps using its instance: let it see the status routing set.
        application.refresh_from_db(fields=["status", "updated_at"])
