"""The kinds of case events: every code ``CaseEvent.action`` may hold, with its Chinese
label, its timeline icon and whether its message is for the applicant's eyes.

Intake's own codes are ``CaseAction`` (the moves of ``intake.states`` and intake's acts).
The apps above intake record their acts in the same case record under codes of their
own, which they register here from their ``AppConfig.ready()`` (approvals: claims,
decisions, special procedures, extensions, 督办, delivery); intake never imports them.

Why one table with a registry rather than a table of approvals' own merged into the
timeline: the case record stays one append-only table, so the citizen's timeline, the
staff audit and every count a dashboard makes read one indexed column
(``CaseEvent.action``, index ``case_event_action_at``) with no union, no join and no
second ordering to reconcile; and writing an event stays the one INSERT it was (inside
a ``case_writes`` block, the same INSERT as the transaction's other events). The codes
are plain strings in the database: a registered code's label is looked up here, and an
unregistered code is refused when an event is recorded, so a typo cannot reach the
record.

Messages: a staff member's name may appear in the message of an internal act (认领,
改派...). Citizens never see staff names, so the applicant's pages and the citizen API
show an event's message only when its kind says ``public_message``; otherwise they
show the label, the time, the role and the department (see ``public_message``).
"""

from dataclasses import dataclass

from .constants import CaseAction


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str
    icon: str = "bi-dot"
    # Whether the event's message may be shown to the applicant (it never names staff).
    public_message: bool = True
    # The app that registered the code (for the admin and the docs).
    owner: str = "intake"


_INTAKE_ICONS = {
    CaseAction.CREATE: "bi-file-earmark-plus",
    CaseAction.SUBMIT: "bi-send",
    CaseAction.RECEIVE: "bi-inbox",
    CaseAction.ACCEPT: "bi-check-circle",
    CaseAction.AUTO_ACCEPT: "bi-check-circle",
    CaseAction.REQUEST_CORRECTION: "bi-exclamation-triangle",
    CaseAction.RESUBMIT: "bi-arrow-repeat",
    CaseAction.REFUSE: "bi-x-circle",
    CaseAction.WITHDRAW: "bi-arrow-counterclockwise",
    CaseAction.UPLOAD: "bi-paperclip",
    CaseAction.NOTICE_ISSUED: "bi-file-earmark-text",
    CaseAction.START_APPROVAL: "bi-diagram-3",
    CaseAction.REQUEST_SUPPLEMENT: "bi-exclamation-triangle",
    CaseAction.SUPPLEMENT_RECEIVED: "bi-arrow-repeat",
    CaseAction.CONCLUDE: "bi-flag",
    CaseAction.CONCLUDE_IMMEDIATELY: "bi-flag",
    CaseAction.TERMINATE: "bi-x-octagon",
}

# Intake's events whose messages are internal: a free-text note may name anyone, and the
# pre-review warning is addressed to the windows.
_INTAKE_INTERNAL = {CaseAction.NOTE, CaseAction.OVERDUE_WARNING}

_KINDS: dict[str, EventKind] = {
    str(action): EventKind(
        str(action),
        str(action.label),
        _INTAKE_ICONS.get(action, "bi-dot"),
        public_message=action not in _INTAKE_INTERNAL,
    )
    for action in CaseAction
}


def register_event_kinds(*kinds: EventKind) -> None:
    """Called from an upper app's ``AppConfig.ready()``. A code registers once: a second
    registration with a different meaning is a programming error."""
    for kind in kinds:
        if len(kind.code) > 32:
            raise ValueError(f"Event code {kind.code!r} is longer than 32 characters.")
        known = _KINDS.get(kind.code)
        if known is not None and known != kind:
            raise ValueError(f"Event code {kind.code!r} is already registered as {known}.")
        _KINDS[kind.code] = kind


def event_kind(code: str) -> EventKind:
    """The registered kind of ``code``; an unknown code (a row written by a code since
    removed) shows as itself rather than failing a page."""
    return _KINDS.get(code) or EventKind(code, code, public_message=False, owner="")


def is_registered(code: str) -> bool:
    return code in _KINDS


def event_choices() -> list[tuple[str, str]]:
    """``CaseEvent.action``'s choices (a callable: Django evaluates it when needed, so the
    codes registered in ``ready()`` are included and no migration follows a new code)."""
    return [(kind.code, kind.label) for kind in _KINDS.values()]


def event_label(code: str) -> str:
    return event_kind(code).label


def public_message(event) -> str:
    """What the applicant may read of ``event``'s message: all of it or nothing."""
    return event.message if event_kind(event.action).public_message else ""
