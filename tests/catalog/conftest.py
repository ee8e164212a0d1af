"""Catalog test data, made through catalog.services so it passes the same validation
as an administrator's edits.

The fixture ``make_item`` is a factory: ``make_item("X")`` gives a published, valid
承诺件 with two materials and two steps; keyword arguments override version fields,
``materials`` and ``steps`` replace the lists (a step may be a tuple ``(stage, name,
days)`` or ``(stage, name, days, department)``), ``relations`` the many-to-many
elements, ``publish=False`` leaves a draft. ``make_department`` and ``make_hall`` give
the organisation rows.
"""

import itertools

import pytest

from accounts.constants import DepartmentKind, Role
from accounts.models import Department, Hall
from accounts.services import user_create
from tests.factories import DepartmentFactory, HallFactory, ItemVersionFactory

PASSWORD = "Catalog-test-2026"
DEFAULT_STEPS = [(1, "审查", 5), (2, "决定", 3)]
_codes = itertools.count(1)


def _make_department(code: str, name: str | None = None, kind=DepartmentKind.DEPARTMENT):
    return DepartmentFactory(code=code, name=name or f"测试部门{code}", kind=kind)


def _make_hall(code: str = "JP", name: str = "金普厅") -> Hall:
    return HallFactory(code=code, name=name)  # an existing code as it is


def default_materials(count: int = 2) -> list[dict]:
    return [
        {
            "name": f"申请材料{index}",
            "issuing_body": "申请人",
            "originals": 1,
            "copies": index % 2,
        }
        for index in range(1, count + 1)
    ]


def _make_item(
    code: str | None = None,
    department: Department | None = None,
    *,
    materials: list[dict] | None = None,
    steps: list | None = None,
    relations: dict | None = None,
    publish: bool = True,
    actor=None,
    **overrides,
):
    """An item through ``tests.factories.ItemVersionFactory`` with the catalog tests'
    defaults (two materials, two steps); returns its version."""
    code = code or f"11210213TEST{next(_codes):06d}"
    return ItemVersionFactory(
        code=code,
        name=overrides.pop("name", f"测试事项{code}"),
        department=department or _make_department("SPJ", "金普新区行政审批局"),
        materials=default_materials() if materials is None else materials,
        steps=DEFAULT_STEPS if steps is None else steps,
        relations=relations,
        publish=publish,
        actor=actor,
        consult_phone=overrides.pop("consult_phone", ""),
        **overrides,
    )


@pytest.fixture
def catalog_admin(db):
    return user_create(
        username="catalog-test",
        password=PASSWORD,
        full_name="孙磊",
        roles=[Role.CATALOG_ADMIN],
    )


@pytest.fixture
def department(db):
    return _make_department("SPJ", "金普新区行政审批局")


@pytest.fixture
def make_item(db):
    return _make_item


@pytest.fixture
def make_department(db):
    return _make_department


@pytest.fixture
def make_hall(db):
    return _make_hall
