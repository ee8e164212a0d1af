"""A 容缺 material handed in after acceptance: intake owns the material's status, the
approvals side decides who may register it and when (``approvals.services.tolerance``)."""

from django.utils import timezone

from ..constants import MaterialStatus
from ..errors import IntakeError
from ..models import SubmittedMaterial


def tolerated_material_fulfil(*, slot: SubmittedMaterial, actor) -> SubmittedMaterial:
    """Mark the locked ``slot`` (a 容缺 material still owed) received by ``actor``, in the
    caller's transaction. Its due date and the signed pledge stay on record."""
    if slot.status != MaterialStatus.TOLERATED:
        raise IntakeError(f"材料“{slot.material.name}”不是待补交的容缺材料。", code="not_owed")
    slot.status = MaterialStatus.RECEIVED
    slot.checked_by = actor
    slot.checked_at = timezone.now()
    slot.save(update_fields=["status", "checked_by", "checked_at", "updated_at"])
    return slot
