"""Builders for approvals tests, through the real services (see conftest.py)."""

import itertools

from accounts.constants import DepartmentKind
from accounts.models import Department
from accounts.services import staff_grant_department, staff_set_department_head
from catalog.constants import CaseType, Channel, ItemType, Theme
from catalog.models import ServiceObjectType
from catalog.services import item_create, version_publish
from intake.constants import Channel as IntakeChannel
from intake.constants import DeliveryMethod, MaterialStatus
from intake.services.cases import application_create, counter_receive, intake_accept
from tests.factories import UserFactory

_codes = itertools.count(1)


def department(code: str, name: str, kind=DepartmentKind.DEPARTMENT) -> Department:
    # accounts has no service for departments: the organisation is seeded data.
    dept, _ = Department.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    return dept


def make_version(
    *,
    department: Department,
    steps: list[tuple[int, str, Department, int]],
    statutory: int = 20,
    promised: int = 10,
    co_departments=(),
    case_type=CaseType.PROMISED,
    code: str | None = None,
    tolerance: bool = False,
    **overrides,
):
    """A published item version with two materials and the given workflow
    [(stage, name, department, budget_days)]; ``tolerance``: 身份证明 may be 容缺."""
    code = code or f"11210213APR{next(_codes):06d}"
    relations = {"service_objects": [ServiceObjectType.objects.get(code="1")]}
    if co_departments:
        relations["co_departments"] = list(co_departments)
    version = item_create(
        code=code,
        actor=None,
        materials=[
            {"name": "申请书", "issuing_body": "申请人", "originals": 1, "copies": 0},
            {
                "name": "身份证明",
                "issuing_body": "公安机关",
                "originals": 1,
                "copies": 1,
                "tolerance_allowed": tolerance,
            },
        ],
        steps=[
            {"stage": stage, "name": name, "department": dept, "budget_days": days}
            for stage, name, dept, days in steps
        ],
        relations=relations,
        **{
            "name": f"测试许可事项{code[-3:]}",
            "basic_code": "000123456000",
            "item_type": ItemType.LICENSING,
            "department": department,
            "legal_basis": "《中华人民共和国行政许可法》",
            "theme": Theme.BUSINESS_START,
            "case_type": case_type,
            "statutory_limit_days": statutory,
            "promised_limit_days": promised if case_type == CaseType.PROMISED else 0,
            "acceptance_conditions": "申请人符合法定条件。",
            "channels": [Channel.WINDOW, Channel.PC],
            "visits_required": 1,
            "visits_reason": "需现场核验身份。",
            "result_name": "测试许可证",
            **overrides,
        },
    )
    return version_publish(version=version, actor=None)


def make_approver(*departments, username=None, head=False, full_name=None):
    user = UserFactory(approver=True, **({"username": username} if username else {}))
    if full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    for dept in departments:
        staff_grant_department(user=user, department=dept)
    if head:
        staff_set_department_head(user=user, department=departments[0])
    return user


def accept_case(
    version,
    *,
    clerk,
    applicant,
    delivery_method=DeliveryMethod.WINDOW,
    delivery_address="",
    accepting_unit=None,
    contact_phone="",
    agent=None,
    tolerated: dict | None = None,
):
    """A case accepted at the counter: created by the clerk, materials received, accepted
    with every material passed (approvals' receiver routes it in the same transaction)."""
    application = application_create(
        item_version=version,
        applicant=applicant,
        actor=clerk,
        channel=IntakeChannel.COUNTER,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        accepting_unit=accepting_unit,
        contact_phone=contact_phone,
        agent=agent,
    )
    counter_receive(application=application, actor=clerk)
    tolerated = tolerated or {}  # material name -> 容缺 due date
    verdicts = [
        {"material": material, "status": MaterialStatus.TOLERATED, "pledge_signed": True}
        | {"tolerance_due_date": tolerated[material.name]}
        if material.name in tolerated
        else {"material": material, "status": MaterialStatus.RECEIVED, "originals": 1}
        for material in version.materials.all()
    ]
    application = intake_accept(application=application, actor=clerk, verdicts=verdicts)
    application.refresh_from_db()
    return application
