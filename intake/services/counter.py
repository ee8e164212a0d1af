"""Counter intake in one call (窗口办理): registering the applicant, then creating the
application (or every item case of a 一件事), receiving the materials and the clerk's
outcome in ONE transaction, so an outcome the services refuse leaves nothing
half-saved. The workbench pages and the clerks' API both call these; they only parse
what the clerk typed.

``particulars`` is what the clerk records about the application besides the
materials: ``contact_phone``, ``delivery_method``, ``delivery_address``,
``green_channel``, ``assisted`` and the agent (``by_agent``, ``agent_id_number``,
``agent_name``, ``agent_phone``). ``outcome`` is the clerk's conclusion: ``outcome``
(an ``IntakeOutcome``), ``note``, ``conclude_immediately`` (即办件), and for a
refusal ``refusal_kind``, ``refusal_reason`` and ``redirect_to``. A verdict is a dict
as ``intake.services.cases`` takes it. ``submission`` (optional) is the key of the form
or request (``jinpu_portal.submissions``): the first post with it claims it, a second
one is refused with ``DuplicateSubmission`` naming what the first made.
"""

from django.db import IntegrityError, transaction

from accounts.models import Citizen, Enterprise, User, Window
from accounts.selectors import citizen_by_id_number
from accounts.services import citizen_register_at_window, enterprise_register
from catalog.models import Bundle, ItemVersion
from jinpu_portal.submissions import submission_claim, submission_record

from ..constants import Channel, IntakeOutcome, MaterialStatus
from ..errors import IntakeError
from ..models import Application, BundleApplication
from . import cases
from .bundles import bundle_application_create, material_key
from .cases import application_create, clerk_window, counter_receive


def applicant_register_at_window(
    *,
    id_number: str,
    clerk: User,
    person: dict | None = None,
    credit_code: str = "",
    organisation: dict | None = None,
) -> tuple[Citizen, Enterprise | None]:
    """The applicant of a counter intake: the person registered under ``id_number``
    (registered now from ``person``: name and phone, when unknown) and, with a
    ``credit_code``, the enterprise (registered from ``organisation`` when unknown).
    Both or neither are written. Raises ``ValidationError`` (Chinese messages);
    ``IntakeError`` code ``registered_meanwhile`` when someone registered the same
    number at the same moment."""
    window = clerk_window(clerk)
    try:
        with transaction.atomic():
            citizen = citizen_by_id_number(id_number)
            if citizen is None:
                citizen = citizen_register_at_window(
                    name=(person or {}).get("name", ""),
                    id_number=id_number,
                    phone=(person or {}).get("phone", ""),
                    clerk=clerk,
                    window=window,
                )
            enterprise = None
            if credit_code:
                enterprise = Enterprise.objects.filter(credit_code=credit_code).first()
                if enterprise is None:
                    org = organisation or {}
                    enterprise = enterprise_register(
                        name=org.get("name", ""),
                        credit_code=credit_code,
                        legal_representative=org.get("legal_representative", ""),
                        address=org.get("address", ""),
                        phone=org.get("phone", ""),
                    )
    except IntegrityError:
        raise IntakeError(
            "该证件号码刚被登记，请重新查询后继续。", code="registered_meanwhile"
        ) from None
    return citizen, enterprise


def counter_agent(*, particulars: dict, clerk: User, window: Window) -> Citizen | None:
    """The agent (代办人) named in ``particulars``, registered at the window when the
    number is new; None when the applicant came in person. Raises ``IntakeError``
    when the name does not match the registered one or a new agent has no name."""
    if not particulars.get("by_agent"):
        return None
    number = particulars["agent_id_number"]
    agent = citizen_by_id_number(number)
    name = (particulars.get("agent_name") or "").strip()
    if agent is not None:
        if name and name != agent.name:
            raise IntakeError(
                f"代办人姓名与登记信息不一致（该号码登记为 {agent.name}），请核对。",
                code="agent_name",
            )
        return agent
    if not name:
        raise IntakeError("该代办人尚未登记，请填写代办人姓名。", code="agent_name")
    return citizen_register_at_window(
        name=name,
        id_number=number,
        phone=particulars.get("agent_phone", ""),
        clerk=clerk,
        window=window,
    )


def _application_fields(
    *, applicant: Citizen, enterprise: Enterprise | None, actor: User, particulars: dict
) -> dict:
    """The arguments of ``application_create`` (and of a bundle's) at the counter."""
    agent = counter_agent(particulars=particulars, clerk=actor, window=clerk_window(actor))
    return {
        "applicant": applicant,
        "enterprise": enterprise,
        "actor": actor,
        "channel": Channel.COUNTER,
        "agent": agent,
        "contact_phone": particulars.get("contact_phone") or "",
        "delivery_method": particulars["delivery_method"],
        "delivery_address": (particulars.get("delivery_address") or "").strip(),
        "green_channel": bool(particulars.get("green_channel")),
        "assisted": bool(particulars.get("assisted")),
    }


def outcome_apply(*, application: Application, actor: User, outcome: dict, verdicts: list[dict]):
    """The clerk's conclusion on a received application: accept, one-time correction
    notice or refusal (the services in ``cases`` check every rule). ``outcome["visit"]``
    (optional): the visit the clerk marked it as given for (本次叫号群众办理)."""
    kind = outcome["outcome"]
    # Who concludes what, and for which visit: the same for the three conclusions.
    case = {"application": application, "actor": actor, "visit": outcome.get("visit") or ""}
    if kind == IntakeOutcome.ACCEPT:
        return cases.intake_accept(
            **case,
            verdicts=verdicts,
            conclude_immediately=bool(outcome.get("conclude_immediately")),
            note=outcome.get("note", ""),
        )
    if kind == IntakeOutcome.CORRECTION:
        return cases.intake_request_correction(
            **case, verdicts=verdicts, note=outcome.get("note", "")
        )
    if kind == IntakeOutcome.REFUSE:
        return cases.intake_refuse(
            **case,
            kind=outcome.get("refusal_kind", ""),
            reason=outcome.get("refusal_reason", ""),
            redirect_to=outcome.get("redirect_to", ""),
        )
    raise IntakeError("请选择受理结论：受理、一次性告知补正或不予受理。", code="outcome")


#: The counter's form key (``FormSubmission.purpose``) and its refusal.
PURPOSE = "intake.counter"
ALREADY = "该受理表单已提交过，未重复办理。"


def _claim(key, actor: User) -> None:
    submission_claim(key, user=actor, purpose=PURPOSE, message=ALREADY)


@transaction.atomic
def counter_intake(
    *,
    item_version: ItemVersion,
    applicant: Citizen,
    actor: User,
    particulars: dict,
    verdicts: list[dict],
    outcome: dict,
    enterprise: Enterprise | None = None,
    submission=None,
) -> Application:
    """One item at the counter: ``application_create`` → ``counter_receive`` → the
    outcome, all or nothing, once per ``submission`` key. Returns the application."""
    _claim(submission, actor)
    application = application_create(
        item_version=item_version,
        **_application_fields(
            applicant=applicant, enterprise=enterprise, actor=actor, particulars=particulars
        ),
    )
    counter_receive(application=application, actor=actor, verdicts=verdicts)
    outcome_apply(application=application, actor=actor, outcome=outcome, verdicts=verdicts)
    submission_record(submission, application)
    return application


def bundle_item_verdicts(application: Application, merged: dict[str, dict]) -> list[dict]:
    """The verdicts on a 一件事's merged material list (keyed by ``material_key``)
    mapped onto one item case's own materials, by name. 容缺 of a material that is
    optional for this item records nothing (only items requiring it allow 容缺)."""
    verdicts = []
    for slot in application.materials.select_related("material"):
        verdict = merged.get(material_key(slot.material.name))
        if verdict is None:
            continue
        if verdict["status"] == MaterialStatus.TOLERATED and not slot.material.tolerance_allowed:
            continue
        verdicts.append({**verdict, "material": slot.material_id})
    return verdicts


def _has_problems(verdicts: list[dict]) -> bool:
    return any(v["status"] in (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE) for v in verdicts)


@transaction.atomic
def counter_bundle_intake(
    *,
    bundle: Bundle,
    applicant: Citizen,
    actor: User,
    particulars: dict,
    verdicts: dict[str, dict],
    outcome: dict,
    enterprise: Enterprise | None = None,
    submission=None,
) -> BundleApplication:
    """一件事 at the counter: one case per item, each received and concluded on its own
    from the verdicts on the merged list (``verdicts`` keyed by ``material_key`` of the
    material's name). A correction notice goes only to the item cases with a missing or
    defective material; the others stay received at this window. All or nothing, once
    per ``submission`` key."""
    _claim(submission, actor)
    bundle_application = bundle_application_create(
        bundle=bundle,
        **_application_fields(
            applicant=applicant, enterprise=enterprise, actor=actor, particulars=particulars
        ),
    )
    correcting = outcome["outcome"] == IntakeOutcome.CORRECTION
    corrected = 0
    for application in bundle_application.applications.order_by("pk"):
        item_verdicts = bundle_item_verdicts(application, verdicts)
        counter_receive(application=application, actor=actor, verdicts=item_verdicts)
        if correcting and not _has_problems(item_verdicts):
            continue
        corrected += correcting
        outcome_apply(application=application, actor=actor, outcome=outcome, verdicts=item_verdicts)
    if correcting and not corrected:
        raise IntakeError("没有需要补正的材料，请直接受理。", code="nothing_to_correct")
    submission_record(submission, bundle_application)
    return bundle_application
