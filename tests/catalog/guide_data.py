"""Items for the guide and search tests, made through catalog.services (item_create and
version_publish) so they pass the same validation as an administrator's edits."""

import itertools

from accounts.constants import DepartmentKind
from accounts.demo import make_credit_code
from accounts.models import Department, Hall
from catalog.constants import CaseType, Channel, ItemType, MaterialRequirement, Theme
from catalog.models import ServiceObjectType
from catalog.services import item_create, version_publish

_numbers = itertools.count(1)


def department(code: str, name: str, kind=DepartmentKind.DEPARTMENT, **fields) -> Department:
    # accounts has no write service for departments: the organisation is seeded data.
    found, _ = Department.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "credit_code": make_credit_code(f"11210213{900 + next(_numbers):08d}"),
            **fields,
        },
    )
    return found


def hall(code: str = "JP", name: str = "金普厅", address: str = "金马路 198 号") -> Hall:
    found, _ = Hall.objects.get_or_create(
        code=code,
        defaults={"name": name, "address": address, "opening_hours": "周一至周五 8:30–17:00"},
    )
    return found


def material(name: str, **fields) -> dict:
    return {"name": name, "issuing_body": "申请人", "originals": 1, "copies": 0, **fields}


def publish_item(
    name: str,
    *,
    dept: Department | None = None,
    objects: tuple[str, ...] = ("1",),
    materials: list[dict] | None = None,
    steps: list[dict] | None = None,
    relations: dict | None = None,
    publish: bool = True,
    code: str | None = None,
    **fields,
):
    """A valid 承诺件 (10 working days, two sequential steps) unless overridden; returns
    its version (published unless ``publish=False``)."""
    dept = dept or department("SCJ", "金普新区市场监督管理局")
    number = next(_numbers)
    values = {
        "name": name,
        "basic_code": f"0001{number:08d}",
        "item_type": ItemType.LICENSING,
        "department": dept,
        "legal_basis": "《中华人民共和国行政许可法》第二十九条",
        "theme": Theme.BUSINESS_START,
        "case_type": CaseType.PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 10,
        "acceptance_conditions": "申请材料齐全、符合法定形式。",
        "channels": [Channel.WINDOW, Channel.PC],
        "visits_required": 1,
        "visits_reason": "领取纸质证照",
        **fields,
    }
    relations = dict(relations or {})
    relations.setdefault(
        "service_objects", list(ServiceObjectType.objects.filter(code__in=objects))
    )
    version = item_create(
        code=code or f"{dept.credit_code}T{number:07d}",
        actor=None,
        materials=materials
        if materials is not None
        else [
            material("申请人身份证件", copies=1),
            material("申请书", requirement=MaterialRequirement.REQUIRED),
        ],
        steps=steps
        if steps is not None
        else [
            {"stage": 1, "name": "审查", "department": dept, "budget_days": 5},
            {"stage": 2, "name": "决定", "department": dept, "budget_days": 3},
        ],
        relations=relations,
        **values,
    )
    if publish:
        version = version_publish(version=version, actor=None)
    return version
