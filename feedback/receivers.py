"""Feedback's receivers of the lower apps' signals, connected in FeedbackConfig.ready():
each act a citizen may rate opens its service instance (一次一评) inside the act's own
transaction, so the act and its instance exist together or not at all.

- intake's ``case_accepted`` and ``case_refused``: the window's service (Stage.INTAKE),
  evaluating the clerk and the window. Department: the accepting unit when the case
  was filed with one nearby (就近办理), else the item's department, in whose name the
  comprehensive window accepts. A deemed acceptance (art. 32, no clerk) is rateable
  too, from the moment it is recorded: nobody reviewed the application in time, which
  is exactly what the citizen may want to say.
- approvals' ``case_decided``: the conclusion (Stage.CONCLUSION), evaluating the
  department that decided and the approver who decided; the hall is the case's hall,
  the window is left empty (a window's figures count the window's own service).
- intake's ``case_concluded`` (即办件 concluded at the counter): the conclusion at the
  window, by the clerk.

A walk-in applicant (no portal account) is texted each instance's rating link once the
act commits (``feedback.services.jobs.rating_link_send``).
"""

from django.utils import timezone

from .constants import Stage
from .services.jobs import rating_link_send
from .services.ratings import instance_open


def _unit_id(application) -> int:
    return application.accepting_unit_id or application.item_version.department_id


def _id(user) -> int | None:
    return user.pk if user is not None else None


def open_intake_instance(sender, *, application, actor=None, **kwargs) -> None:
    """A case accepted (or deemed accepted) or refused at a window."""
    served_at = (
        timezone.now()
        if application.auto_accepted or application.accepted_at is None
        else application.accepted_at
    )
    instance_open(
        application=application,
        stage=Stage.INTAKE,
        served_at=served_at,
        department_id=_unit_id(application),
        hall_id=application.hall_id,
        window_id=application.window_id,
        staff_id=_id(actor),
    )
    rating_link_send(application=application, stage=Stage.INTAKE)  # walk-ins: SMS


def open_conclusion_instance(sender, *, application, actor=None, department=None, **kwargs):
    """A 承诺件 decided by a department (approved or not)."""
    instance_open(
        application=application,
        stage=Stage.CONCLUSION,
        served_at=application.concluded_at or timezone.now(),
        department_id=department.pk if department else application.item_version.department_id,
        hall_id=application.hall_id,
        window_id=None,
        staff_id=_id(actor),
    )
    rating_link_send(application=application, stage=Stage.CONCLUSION)  # walk-ins: SMS


def open_immediate_conclusion_instance(sender, *, application, actor=None, **kwargs) -> None:
    """A 即办件 concluded on the spot by the clerk who accepted it."""
    instance_open(
        application=application,
        stage=Stage.CONCLUSION,
        served_at=application.concluded_at or timezone.now(),
        department_id=_unit_id(application),
        hall_id=application.hall_id,
        window_id=application.window_id,
        staff_id=_id(actor),
    )
    rating_link_send(application=application, stage=Stage.CONCLUSION)  # walk-ins: SMS
