"""The one table of allowed moves of an application/case, and the one function that
makes a move. Every service that changes a status calls ``transition``; it checks the
table, saves the status with the caller's other field changes, and appends the
``CaseEvent`` in the same transaction. A service that moves a case more than once in
one transaction can collect the writes in ``case_writes`` and write them together."""

from contextlib import contextmanager

from django.utils import timezone

from accounts.constants import Role
from jinpu_portal.db import insert, update

from .constants import CaseAction as A
from .constants import CaseStatus as S
from .errors import IntakeError
from .events import is_registered
from .models import Application, CaseEvent

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.RECEIVE): S.SUBMITTED,
    (S.DRAFT, A.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, A.AUTO_ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, A.REQUEST_CORRECTION): S.CORRECTION_REQUESTED,
    (S.SUBMITTED, A.REFUSE): S.REFUSED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.CORRECTION_REQUESTED, A.RESUBMIT): S.SUBMITTED,
    (S.CORRECTION_REQUESTED, A.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, A.START_APPROVAL): S.IN_APPROVAL,
    (S.ACCEPTED, A.CONCLUDE_IMMEDIATELY): S.CONCLUDED,
    (S.ACCEPTED, A.TERMINATE): S.TERMINATED,
    (S.IN_APPROVAL, A.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.IN_APPROVAL, A.CONCLUDE): S.CONCLUDED,
    (S.IN_APPROVAL, A.TERMINATE): S.TERMINATED,
    (S.SUPPLEMENT_REQUESTED, A.SUPPLEMENT_RECEIVED): S.IN_APPROVAL,
    (S.SUPPLEMENT_REQUESTED, A.TERMINATE): S.TERMINATED,
}


def allowed_actions(status: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == status]


def can(application: Application, action: str) -> bool:
    return (application.status, action) in TRANSITIONS


def require_can(application: Application, action: str) -> None:
    """Raise the transition table's refusal, in Chinese, when ``action`` is not allowed now."""
    if not can(application, action):
        raise IntakeError(
            f"当前状态（{S(application.status).label}）下不能执行“{A(action).label}”。",
            code="transition",
        )


def actor_role(actor, application: Application | None = None) -> str:
    """The actor in role terms, as the timeline shows them (申请人, 综窗人员, 系统...)."""
    if actor is None:
        return "系统"
    if application is not None and application.applicant.user_id == actor.pk:
        return "申请人"
    for role in (Role.CLERK, Role.APPROVER, Role.SUPERVISOR, Role.SYSTEM_ADMIN, Role.CITIZEN):
        if actor.has_role(role):
            return str(role.label)
    return "用户"


def record_event(
    application: Application,
    action: str,
    *,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    at=None,
    channel: str = "",
    hall=None,
    window=None,
    department=None,
    **details,
) -> CaseEvent:
    # A back-office event (a department acting) happened at no window: only intake's
    # events default to where the application came in.
    # The applicant's own acts online happened at no window either.
    by_applicant = actor is not None and application.applicant.user_id == actor.pk
    at_counter = department is None and not by_applicant
    event = CaseEvent(
        application=application,
        at=at or timezone.now(),
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_role=actor_role(actor, application),
        channel=channel
        or ("online" if by_applicant else application.channel if at_counter else ""),
        hall_id=hall.pk if hall is not None else application.hall_id if at_counter else None,
        window_id=window.pk
        if window is not None
        else application.window_id
        if at_counter
        else None,
        department=department,
        message=message,
        details=details,
    )
    return event_append(application, event)


def event_append(application: Application, event: CaseEvent) -> CaseEvent:
    """Write ``event``, built by the caller, in ``application``'s record: now, or with
    the case's other writes at the end of a ``case_writes`` block."""
    if not is_registered(event.action):
        # A code nobody registered (intake.events) would reach the record unlabelled.
        raise ValueError(f"Unregistered case event code {event.action!r}.")
    writes = getattr(application, "_case_writes", None)
    if writes is None:
        insert([event])
    else:
        writes.events.append(event)
    return event


class _CaseWrites:
    def __init__(self):
        self.fields: set[str] = set()
        self.events: list[CaseEvent] = []


@contextmanager
def case_writes(application: Application):
    """Collect the writes of ``application``'s transitions and events inside the block
    and make them at its end, still in the caller's transaction: the changed fields in
    one UPDATE, the events in one INSERT, in the order they happened. Acceptance moves a
    case twice (accepted, then in approval) and records three events; this writes
    them in two statements instead of six. The block yields the collected writes:
    ``writes.fields.add(name)`` adds a field the caller changed itself. Nothing is
    written when the block raises (the transaction is rolled back anyway)."""
    if hasattr(application, "_case_writes"):
        raise RuntimeError("case_writes blocks on one application do not nest.")
    writes = application._case_writes = _CaseWrites()
    try:
        yield writes
    finally:
        del application._case_writes
    if writes.fields:
        update(application, sorted({*writes.fields, "updated_at"}))
    insert(writes.events)


def transition(
    application: Application,
    action: str,
    *,
    actor,
    message: str = "",
    update_fields: tuple[str, ...] = (),
    event_details: dict | None = None,
    at=None,
    department=None,
    channel: str = "",
) -> CaseEvent:
    """Move ``application`` (locked by the caller with select_for_update) by ``action``."""
    source = application.status
    require_can(application, action)
    target = TRANSITIONS[(source, action)]
    application.status = target
    writes = getattr(application, "_case_writes", None)
    if writes is None:
        update(application, ["status", "updated_at", *update_fields])
    else:
        writes.fields.update(("status", *update_fields))
    return record_event(
        application,
        action,
        actor=actor,
        from_status=source,
        to_status=target,
        message=message,
        at=at,
        department=department,
        channel=channel,
        **(event_details or {}),
    )
