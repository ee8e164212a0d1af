"""The enterprise authorization chain (企业授权链): who may act for a company.

* Legal representative (法定代表人): the verified identity whose ID number is the one on
  record for the enterprise. A clerk puts it on record at a window after checking the
  business licence and the legal representative's ID card
  (``legal_representative_record_at_window``); the record says who checked, when and
  where. A verification of that number later is recorded as a match.
* Agents (经办人): authorized online by the legal representative
  (``agent_authorize_online``) or at a window from a paper power of attorney the clerk
  uploads (``agent_record_at_window``): all items or chosen ones, until a date,
  revocable at once (``agent_revoke``). A new authorization supersedes the agent's open
  one; the form that grants it carries a key (``jinpu_portal.submissions``), so the same
  form posted twice (a double click, a resubmitted page) grants once and is shown that
  grant, instead of revoking it and granting again.

Every step is an ``EnterpriseAuthorizationEvent`` row; expiry too
(``agent_authorizations_expire``, a periodic job), although an expired authorization
grants nothing from the day after its last valid day whether or not the job has run:
``accounts.selectors.enterprise_access`` checks dates in the query. Each function
validates fully before it writes anything; refusals are ValidationError (bad input) or
PermissionDenied (not yours to do), in Chinese.
"""

import datetime
import os

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from jinpu_portal.dates import date_text
from jinpu_portal.submissions import submission_claim, submission_record

from .constants import AuthorizationAction, AuthorizationMethod, Role
from .models import (
    Citizen,
    Enterprise,
    EnterpriseAuthorizationEvent,
    EnterpriseRepresentative,
    User,
    Window,
)
from .selectors import citizen_by_id_number, is_legal_representative
from .validators import normalize_identity_number, validate_credit_code, validate_resident_id

MAX_VALIDITY_DAYS = 5 * 366
#: The forms' keys (``FormSubmission.purpose``) and the refusal of a second post.
ONLINE_PURPOSE = "accounts.agent_online"
WINDOW_PURPOSE = "accounts.agent_window"
ALREADY = "该授权表单已提交过，未重复授权。"
ATTORNEY_TYPES = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}


def _event(
    *,
    enterprise: Enterprise,
    action: str,
    actor: User | None,
    citizen: Citizen | None = None,
    authorization: EnterpriseRepresentative | None = None,
    window: Window | None = None,
    note: str = "",
) -> EnterpriseAuthorizationEvent:
    return EnterpriseAuthorizationEvent.objects.create(
        enterprise=enterprise,
        action=action,
        actor=actor,
        citizen=citizen,
        authorization=authorization,
        window=window,
        hall=window.hall if window is not None else None,
        note=note[:300],
    )


def record_legal_matches(*, citizen: Citizen, actor: User | None = None) -> None:
    """A verified identity whose number is on record as an enterprise's legal
    representative: one audit row per enterprise (the access itself needs no row)."""
    if not citizen.is_verified:
        return
    for enterprise in Enterprise.objects.filter(legal_representative_id_number=citizen.id_number):
        _event(
            enterprise=enterprise,
            action=AuthorizationAction.LEGAL_MATCHED,
            actor=actor,
            citizen=citizen,
            note=f"实名认证（{citizen.get_verification_method_display()}）的公民身份号码与登记的法定代表人一致",
        )


def _number(value: str, field: str) -> str:
    number = normalize_identity_number(value or "")
    try:
        validate_resident_id(number)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return number


@transaction.atomic
def legal_representative_record_at_window(
    *,
    clerk: User,
    window: Window,
    credit_code: str,
    name: str,
    legal_representative: str,
    id_number: str,
    licence_checked: bool,
    id_card_checked: bool,
    address: str = "",
    phone: str = "",
) -> Enterprise:
    """A clerk at ``window`` checked the business licence and the legal
    representative's ID card: the enterprise (created if new) now has that person on
    record as its legal representative. A previous legal representative loses the
    standing at once (it follows the number on record)."""
    if window is None or not clerk.has_role(Role.CLERK):
        raise PermissionDenied("只有在综合窗口工作的综窗人员可以登记法定代表人。")
    errors = {}
    if not licence_checked:
        errors["licence_checked"] = ["请先查验营业执照原件并勾选确认。"]
    if not id_card_checked:
        errors["id_card_checked"] = ["请先查验法定代表人居民身份证原件并勾选确认。"]
    if not (legal_representative or "").strip():
        errors["legal_representative"] = ["请填写法定代表人姓名。"]
    if not (name or "").strip():
        errors["name"] = ["请填写企业名称。"]
    code = normalize_identity_number(credit_code or "")
    try:
        validate_credit_code(code)
    except ValidationError as error:
        errors["credit_code"] = error.messages
    try:
        number = _number(id_number, "id_number")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    enterprise = Enterprise.objects.select_for_update().filter(credit_code=code).first()
    previous = enterprise.legal_representative_id_number if enterprise else ""
    if enterprise is None:
        enterprise = Enterprise(credit_code=code)
    enterprise.name = name.strip()
    enterprise.legal_representative = legal_representative.strip()
    enterprise.legal_representative_id_number = number
    if address:
        enterprise.address = address.strip()
    if phone:
        enterprise.phone = phone.strip()
    enterprise.full_clean()
    enterprise.save()
    note = "查验营业执照原件和法定代表人居民身份证原件"
    if previous and previous != number:
        note += "；原登记的法定代表人不再具有该身份"
    _event(
        enterprise=enterprise,
        action=AuthorizationAction.LEGAL_RECORDED,
        actor=clerk,
        citizen=citizen_by_id_number(number),
        window=window,
        note=note,
    )
    holder = citizen_by_id_number(number)
    if holder is not None:
        _event(
            enterprise=enterprise,
            action=AuthorizationAction.LEGAL_MATCHED,
            actor=clerk,
            citizen=holder,
            window=window,
            note="登记的法定代表人已完成实名认证",
        )
    return enterprise


def _validity(valid_until) -> datetime.date:
    today = timezone.localdate()
    if not isinstance(valid_until, datetime.date):
        raise ValidationError({"valid_until": ["请填写授权有效期（截止日期）。"]})
    if valid_until < today:
        raise ValidationError({"valid_until": ["授权有效期不能早于今天。"]})
    if valid_until > today + datetime.timedelta(days=MAX_VALIDITY_DAYS):
        raise ValidationError({"valid_until": ["授权有效期最长五年。"]})
    return valid_until


def _supersede(*, enterprise: Enterprise, citizen: Citizen, actor: User, window=None) -> None:
    """An open authorization of the same agent ends when a new one is granted."""
    for old in EnterpriseRepresentative.objects.select_for_update().filter(
        enterprise=enterprise, citizen=citizen, revoked_at__isnull=True
    ):
        _revoke(old, actor=actor, window=window, note="被新的授权取代")


def _create(
    *, enterprise, citizen, items, valid_until, method, actor, window=None, note="", **fields
):
    """The authorization and its audit row (granted online, or recorded at a window),
    in place of the agent's open one (``_supersede``)."""
    items = list(items)
    _supersede(enterprise=enterprise, citizen=citizen, actor=actor, window=window)
    authorization = EnterpriseRepresentative(
        enterprise=enterprise,
        citizen=citizen,
        all_items=not items,
        valid_until=valid_until,
        method=method,
        granted_by=actor,
        window=window,
        hall=window.hall if window is not None else None,
        **fields,
    )
    authorization.full_clean(exclude=["power_of_attorney"] if "power_of_attorney" in fields else [])
    authorization.save()
    if items:
        authorization.items.set(items)
    _event(
        enterprise=enterprise,
        action=AuthorizationAction.AGENT_RECORDED
        if method == AuthorizationMethod.WINDOW
        else AuthorizationAction.AGENT_GRANTED,
        actor=actor,
        citizen=citizen,
        authorization=authorization,
        window=window,
        note=f"{note}{_scope_note(items)}；有效期至 {date_text(valid_until)}",
    )
    return authorization


def _scope_note(items) -> str:
    if not items:
        return "全部事项"
    return "指定事项：" + "、".join(str(item) for item in items)


def _agent_identity(id_number: str, name: str) -> Citizen:
    number = _number(id_number, "id_number")
    agent = citizen_by_id_number(number)
    if agent is None or agent.name != (name or "").strip():
        raise ValidationError(
            {
                "id_number": [
                    "未找到与该姓名和公民身份号码一致的已实名认证人员。"
                    "请经办人先完成实名认证，或到服务大厅窗口办理授权。"
                ]
            }
        )
    return agent


@transaction.atomic
def agent_authorize_online(
    *,
    enterprise: Enterprise,
    actor: User,
    id_number: str,
    name: str,
    valid_until,
    items=(),
    submission=None,
) -> EnterpriseRepresentative:
    """The legal representative (``actor``) authorizes a verified person as agent
    online: ``items`` (catalog.ServiceItem rows) or all items when empty, until
    ``valid_until`` (inclusive). Once per ``submission`` key: a second post of the form
    raises ``DuplicateSubmission`` naming the first one's authorization."""
    if not is_legal_representative(user=actor, enterprise=enterprise):
        raise PermissionDenied("只有该企业已实名认证的法定代表人可以在网上授权经办人。")
    submission_claim(submission, user=actor, purpose=ONLINE_PURPOSE, message=ALREADY)
    valid_until = _validity(valid_until)
    agent = _agent_identity(id_number, name)
    if agent.user_id == actor.pk or agent.id_number == enterprise.legal_representative_id_number:
        raise ValidationError({"id_number": ["法定代表人本人无需授权。"]})
    authorization = _create(
        enterprise=enterprise,
        citizen=agent,
        items=items,
        valid_until=valid_until,
        method=AuthorizationMethod.ONLINE,
        actor=actor,
    )
    submission_record(submission, authorization)
    return authorization


def check_attorney_file(uploaded_file) -> str:
    """The power of attorney is a scan or a photo (PDF, JPEG, PNG by content)."""
    limit = settings.INTAKE_UPLOAD_MAX_BYTES
    if uploaded_file is None:
        raise ValidationError({"power_of_attorney": ["请上传授权委托书扫描件。"]})
    if uploaded_file.size == 0:
        raise ValidationError({"power_of_attorney": ["授权委托书是空文件。"]})
    if uploaded_file.size > limit:
        raise ValidationError(
            {"power_of_attorney": [f"授权委托书超过 {limit / 1048576:.0f} MB 的上限。"]}
        )
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    extension = os.path.splitext(uploaded_file.name or "")[1].lower()
    if mime not in ATTORNEY_TYPES or extension not in ATTORNEY_TYPES[mime]:
        raise ValidationError(
            {"power_of_attorney": ["授权委托书须为 PDF、JPEG 或 PNG 文件（按内容检查）。"]}
        )
    return mime


@transaction.atomic
def agent_record_at_window(
    *,
    clerk: User,
    window: Window,
    enterprise: Enterprise,
    id_number: str,
    name: str,
    valid_until,
    power_of_attorney,
    attorney_checked: bool,
    items=(),
    submission=None,
) -> EnterpriseRepresentative:
    """A clerk at ``window`` records an agent from the paper power of attorney
    (signed by the legal representative, sealed by the enterprise) and the agent's ID
    card: the scan is uploaded and kept under a random name. An agent without a
    verified identity yet is registered as one (the clerk checked the ID card). Once
    per ``submission`` key, as ``agent_authorize_online``."""
    from .services import citizen_register_at_window

    if window is None or not clerk.has_role(Role.CLERK):
        raise PermissionDenied("只有在综合窗口工作的综窗人员可以登记经办人授权。")
    submission_claim(submission, user=clerk, purpose=WINDOW_PURPOSE, message=ALREADY)
    errors = {}
    if not attorney_checked:
        errors["attorney_checked"] = [
            "请先核对授权委托书原件（法定代表人签字、企业盖章）和经办人身份证原件并勾选确认。"
        ]
    for check in (
        lambda: _validity(valid_until),
        lambda: check_attorney_file(power_of_attorney),
        lambda: _number(id_number, "id_number"),
    ):
        try:
            check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if not (name or "").strip():
        errors["name"] = ["请填写经办人姓名。"]
    if errors:
        raise ValidationError(errors)
    number = _number(id_number, "id_number")
    if number == enterprise.legal_representative_id_number:
        raise ValidationError({"id_number": ["法定代表人本人无需授权。"]})
    agent = citizen_by_id_number(number)
    if agent is None:
        agent = citizen_register_at_window(name=name, id_number=number, clerk=clerk, window=window)
    elif agent.name != name.strip():
        raise ValidationError({"name": ["姓名与该公民身份号码已核验的姓名不一致。"]})
    mime = check_attorney_file(power_of_attorney)
    authorization = _create(
        enterprise=enterprise,
        citizen=agent,
        items=items,
        valid_until=valid_until,
        method=AuthorizationMethod.WINDOW,
        actor=clerk,
        window=window,
        power_of_attorney=power_of_attorney,
        power_of_attorney_name=os.path.basename(power_of_attorney.name or "")[:200],
        power_of_attorney_type=mime,
        note="纸质授权委托书；",
    )
    submission_record(submission, authorization)
    return authorization


def _revoke(authorization: EnterpriseRepresentative, *, actor: User, window=None, note=""):
    authorization.revoked_at = timezone.now()
    authorization.revoked_by = actor
    authorization.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    _event(
        enterprise=authorization.enterprise,
        action=AuthorizationAction.AGENT_REVOKED,
        actor=actor,
        citizen=authorization.citizen,
        authorization=authorization,
        window=window,
        note=note,
    )


@transaction.atomic
def agent_revoke(
    *, authorization: EnterpriseRepresentative, actor: User, window: Window | None = None
) -> EnterpriseRepresentative:
    """End an agent's authorization now: by the enterprise's legal representative
    online, or by a clerk at a window. Access ends with the commit (the rule reads
    ``revoked_at``); the agent's cached token user is dropped too (accounts.signals)."""
    authorization = (
        EnterpriseRepresentative.objects.select_for_update()
        .select_related("enterprise", "citizen")
        .get(pk=authorization.pk)
    )
    at_window = window is not None and actor.has_role(Role.CLERK)
    if not at_window and not is_legal_representative(
        user=actor, enterprise=authorization.enterprise
    ):
        raise PermissionDenied("只有该企业的法定代表人或窗口工作人员可以撤销经办人授权。")
    if authorization.revoked_at is not None:
        raise ValidationError("该授权已撤销。", code="revoked")
    _revoke(
        authorization,
        actor=actor,
        window=window if at_window else None,
        note="窗口撤销" if at_window else "法定代表人网上撤销",
    )
    return authorization


def agent_authorizations_expire(*, today: datetime.date | None = None) -> int:
    """Write the expiry audit row of every authorization past its last valid day (the
    rule already ignores them: this is the record, not the gate). Idempotent."""
    today = today or timezone.localdate()
    expired = EnterpriseRepresentative.objects.filter(
        revoked_at__isnull=True, valid_until__lt=today
    ).exclude(events__action=AuthorizationAction.AGENT_EXPIRED)
    count = 0
    for authorization in expired.select_related("enterprise", "citizen"):
        with transaction.atomic():
            _, created = EnterpriseAuthorizationEvent.objects.get_or_create(
                authorization=authorization,
                action=AuthorizationAction.AGENT_EXPIRED,
                defaults={
                    "enterprise": authorization.enterprise,
                    "citizen": authorization.citizen,
                    "note": f"有效期至 {date_text(authorization.valid_until)}，已到期",
                },
            )
        count += created
    return count
