"""What only the online channel (网上办) needs on top of ``cases``: the applicant's
own notes on the form, an agent (代办人) with the power of attorney (授权委托书) the
agent needs, and the submission guard that asks for it.

The agent is the applicant's note, not ``Application.agent``: that foreign key needs a
``Citizen`` row, and registering identities from what one citizen types about another
would let anyone squat a stranger's ID number. A clerk who meets the agent at the
counter registers them properly. The power of attorney is not a material of the item
version, so it has no ``SubmittedMaterial`` slot; its file is stored beside the
materials and recorded in ``form_data["agent"]["power_of_attorney"]``.

``form_data`` shape written here::

    {"note": "...",
     "agent": {"name": "...", "id_number": "...", "phone": "...",
               "power_of_attorney": {"file": "<storage name>", "original_filename": "...",
                                     "content_type": "...", "size": 123,
                                     "uploaded_at": "<ISO datetime>"}}}
"""

import copy
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.validators import (
    mask_identity_number,
    normalize_identity_number,
    validate_resident_id,
)
from catalog.models import ItemMaterial
from jinpu_portal.files import random_name

from ..constants import CaseAction, CaseStatus, Channel, DeliveryMethod
from ..errors import IntakeError
from ..models import Application
from ..states import record_event
from .cases import (
    EDITABLE_BY_APPLICANT,
    _lock,
    _missing_uploads,
    _require_applicant,
    application_create,
    application_update_draft,
    material_upload,
    not_editable,
    submit_locked,
)
from .uploads import check_upload

NOTE_MAX_LENGTH = 500
POWER_OF_ATTORNEY = "授权委托书"


def agent_of(application: Application) -> dict | None:
    """The agent the applicant named (a dict as stored), or None."""
    agent = (application.form_data or {}).get("agent")
    return agent or None


def agent_public(application: Application) -> dict | None:
    """The agent as pages and the API show it: the ID number masked."""
    agent = agent_of(application)
    if agent is None:
        return None
    attorney = agent.get("power_of_attorney") or None
    return {
        "name": agent.get("name", ""),
        "id_number": mask_identity_number(agent.get("id_number", "")),
        "phone": agent.get("phone", ""),
        "power_of_attorney": {
            "original_filename": attorney.get("original_filename", ""),
            "size": attorney.get("size", 0),
            "uploaded_at": attorney.get("uploaded_at", ""),
        }
        if attorney
        else None,
    }


def _clean_agent(application: Application, agent: dict) -> dict:
    name = (agent.get("name") or "").strip()
    id_number = normalize_identity_number(agent.get("id_number") or "")
    phone = (agent.get("phone") or "").strip()
    if not name:
        raise IntakeError("请填写代办人姓名。", code="agent_name")
    if len(name) > 50:
        raise IntakeError("代办人姓名不能超过 50 个字。", code="agent_name")
    try:
        validate_resident_id(id_number)
    except ValidationError as error:
        raise IntakeError("代办人" + "".join(error.messages), code="agent_id_number") from None
    if id_number == application.applicant.id_number:
        raise IntakeError(
            "代办人不能是申请人本人；本人办理时请不要填写代办人。", code="agent_is_applicant"
        )
    if len(phone) > 20:
        raise IntakeError("代办人联系电话过长。", code="agent_phone")
    return {"name": name, "id_number": id_number, "phone": phone}


def _delete_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def application_update_online(
    *,
    application: Application,
    actor: User,
    note: str | None = None,
    agent: dict | None = None,
    clear_agent: bool = False,
    **fields,
) -> Application:
    """Update an online draft (or an application waiting for corrections): the fields
    ``application_update_draft`` allows (contact_phone, delivery_method,
    delivery_address), plus the applicant's ``note`` and ``agent`` (name, id_number,
    phone). ``clear_agent`` removes the agent and their power of attorney.

    A changed agent keeps the uploaded power of attorney only if it is the same person.
    """
    locked = _lock(application)
    _require_applicant(locked, actor)
    if locked.status not in EDITABLE_BY_APPLICANT:
        raise not_editable(locked, "申请内容")
    form_data = copy.deepcopy(locked.form_data or {})
    if note is not None:
        note = note.strip()
        if len(note) > NOTE_MAX_LENGTH:
            raise IntakeError(f"申请说明不能超过 {NOTE_MAX_LENGTH} 个字。", code="note")
        if note:
            form_data["note"] = note
        else:
            form_data.pop("note", None)
    stale_file = ""
    previous = form_data.get("agent") or {}
    if clear_agent:
        stale_file = (previous.get("power_of_attorney") or {}).get("file", "")
        form_data.pop("agent", None)
    elif agent is not None:
        cleaned = _clean_agent(locked, agent)
        attorney = previous.get("power_of_attorney")
        if attorney and previous.get("id_number") == cleaned["id_number"]:
            cleaned["power_of_attorney"] = attorney
        elif attorney:
            stale_file = attorney.get("file", "")
        form_data["agent"] = cleaned
    if (
        fields.get("delivery_method") == DeliveryMethod.POST
        and not locked.item_version.postal_delivery_supported
    ):
        raise IntakeError("该事项不支持邮寄送达办理结果。", code="no_post")
    try:
        updated = application_update_draft(
            application=locked, actor=actor, form_data=form_data, **fields
        )
    except IntakeError:
        raise
    except ValidationError as error:  # the model's own checks (full_clean), in Chinese
        raise IntakeError("；".join(error.messages), code="invalid") from None
    _delete_after_commit(stale_file)
    return updated


@transaction.atomic
def power_of_attorney_upload(*, application: Application, uploaded_file, actor: User) -> dict:
    """Attach the 授权委托书 for the agent named on the application (PDF, JPEG or PNG,
    checked by content). Returns the stored record."""
    locked = _lock(application)
    _require_applicant(locked, actor)
    if locked.status not in EDITABLE_BY_APPLICANT:
        raise not_editable(locked)
    form_data = copy.deepcopy(locked.form_data or {})
    agent = form_data.get("agent")
    if not agent:
        raise IntakeError("请先填写代办人信息，再上传授权委托书。", code="no_agent")
    mime = check_upload(uploaded_file)
    now = timezone.now()
    stored = default_storage.save(
        random_name("intake/attorney", uploaded_file.name), uploaded_file, max_length=100
    )
    stale_file = (agent.get("power_of_attorney") or {}).get("file", "")
    agent["power_of_attorney"] = {
        "file": stored,
        "original_filename": uploaded_file.name[:200],
        "content_type": mime,
        "size": uploaded_file.size,
        "uploaded_at": now.isoformat(),
    }
    locked.form_data = form_data
    locked.save(update_fields=["form_data", "updated_at"])
    record_event(locked, CaseAction.UPLOAD, actor=actor, message=f"上传材料：{POWER_OF_ATTORNEY}")
    _delete_after_commit(stale_file)
    return agent["power_of_attorney"]


def application_start_online(
    *,
    item_version,
    applicant,
    actor: User,
    enterprise=None,
    fields: dict | None = None,
    submission=None,
) -> Application:
    """An online draft and the form's ``fields`` (``application_update_online``
    keyword arguments) in one transaction; without fields the create's own
    transaction is enough (no savepoint round trips). ``submission``: the request's
    key, as ``application_create`` takes it."""
    start = {
        "item_version": item_version,
        "applicant": applicant,
        "actor": actor,
        "channel": Channel.ONLINE,
        "enterprise": enterprise,
        "submission": submission,
    }
    if not fields:
        return application_create(**start)
    with transaction.atomic():
        application = application_create(**start)
        return application_update_online(application=application, actor=actor, **fields)


@transaction.atomic
def draft_save_online(
    *,
    application: Application,
    actor: User,
    fields: dict | None = None,
    files: Iterable[tuple[ItemMaterial, object]] = (),
    power_of_attorney=None,
) -> None:
    """The applicant saves the form of a draft (or of an application waiting for
    corrections): ``fields`` for ``application_update_online`` first (they may
    refuse), then each (material, file) of ``files``, then the power of attorney.
    All of it or none."""
    if fields is not None:
        application_update_online(application=application, actor=actor, **fields)
    for material, uploaded in files:
        material_upload(
            application=application, material=material, uploaded_file=uploaded, actor=actor
        )
    if power_of_attorney:
        power_of_attorney_upload(
            application=application, uploaded_file=power_of_attorney, actor=actor
        )


def submission_missing(application: Application) -> list[str]:
    """Names of what must still be uploaded before an online submission."""
    missing = _missing_uploads(application)
    agent = agent_of(application)
    if agent is not None and not agent.get("power_of_attorney"):
        missing.append(POWER_OF_ATTORNEY)
    return missing


@transaction.atomic
def application_submit_online(*, application: Application, actor: User) -> Application:
    """Submit an online draft for pre-review: every required material uploaded and,
    when an agent is named, the power of attorney too. Nothing changes otherwise."""
    locked = _lock(application)
    _require_applicant(locked, actor)
    if locked.status == CaseStatus.DRAFT:
        missing = submission_missing(locked)
        if missing:
            raise IntakeError(f"请先上传必要材料：{'、'.join(missing)}", code="missing_uploads")
    return submit_locked(locked, actor)
