"""Approvals' kinds of case event, registered with intake's registry (``intake.events``)
from ``ApprovalsConfig.ready()``: intake stores and labels them without importing
approvals.

``public_message`` says whether the applicant may read the event's message. Internal
acts (认领, 改派, 退回, 接办, a step's opinion, a pending or refused extension, 督办)
name staff or concern only the departments: the applicant sees their label, time and
department, never the message. The former records (``note`` rows with the name in
``details["approvals"]``) were converted by migration approvals 0005.
"""

from intake.events import EventKind, register_event_kinds

from .constants import ApprovalEvent as E

_SHOWN = {
    E.STAGE_ROUTED: "bi-diagram-3",
    E.SPECIAL_STARTED: "bi-pause-circle",
    E.SPECIAL_ENDED: "bi-play-circle",
    E.EXTENSION_APPROVED: "bi-hourglass-split",
    E.DELIVERED: "bi-box-seam",
    E.TOLERATED_RECEIVED: "bi-file-earmark-check",
}
_INTERNAL = {
    E.CLAIMED: "bi-person-check",
    E.RELEASED: "bi-arrow-return-left",
    E.REASSIGNED: "bi-people",
    E.TAKEN_OVER: "bi-person-up",
    E.APPROVED: "bi-check2-square",
    E.DENIED: "bi-x-square",
    E.EXTENSION_REQUESTED: "bi-hourglass",
    E.EXTENSION_REJECTED: "bi-hourglass-bottom",
    E.ESCALATED: "bi-flag",
    E.ESCALATION_ANSWERED: "bi-reply",
}

KINDS = tuple(
    EventKind(str(code), str(code.label), icon, public_message=public, owner="approvals")
    for table, public in ((_SHOWN, True), (_INTERNAL, False))
    for code, icon in table.items()
)


def register() -> None:
    register_event_kinds(*KINDS)
