"""Fixtures and helpers for the comprehensive window's tests (counter, pre-review,
notices, clerk API). Data goes through the real services: catalog.services for the
item, accounts.services for people, intake.services for applications.

Test modules import them with ``from tests.intake.clerk_fixtures import *``.
"""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Department
from accounts.services import staff_assign_window
from catalog.constants import CaseType, Channel, ItemType, Theme
from catalog.models import ServiceObjectType
from catalog.services import item_create, version_publish
from intake.constants import Channel as IntakeChannel
from intake.constants import MaterialStatus
from intake.services.cases import application_create, application_submit, material_upload
from tests.factories import CitizenFactory, HallFactory, UserFactory, WindowFactory

# What ``import *`` brings into a test module: the fixtures only.
__all__ = ["applicant", "immediate_item", "item", "other_clerk"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_codes = itertools.count(1)

MATERIALS = [
    {"name": "申请表", "issuing_body": "申请人", "originals": 1, "copies": 0},
    {
        "name": "场地使用证明",
        "issuing_body": "产权单位",
        "originals": 1,
        "copies": 1,
        "tolerance_allowed": True,
    },
    {
        "name": "其他补充材料",
        "issuing_body": "申请人",
        "originals": 0,
        "copies": 1,
        "requirement": "optional",
    },
]


def make_version(name: str = "食品经营许可", **overrides):
    department, _ = Department.objects.get_or_create(
        code="SPJ", defaults={"name": "金普新区行政审批局", "phone": "0411-87650001"}
    )
    code = f"11210213INTAKE{next(_codes):05d}"
    fields = {
        "name": name,
        "basic_code": "000123456000",
        "item_type": ItemType.LICENSING,
        "department": department,
        "legal_basis": "《中华人民共和国行政许可法》",
        "theme": Theme.BUSINESS_START,
        "case_type": CaseType.PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 10,
        "acceptance_conditions": "申请人符合法定条件。",
        "channels": [Channel.WINDOW, Channel.PC],
        "visits_required": 1,
        "visits_reason": "需现场核验身份。",
        "consult_phone": "0411-87650001",
        **overrides,
    }
    materials = overrides.pop("materials", None)
    version = item_create(
        code=code,
        actor=None,
        materials=[dict(m) for m in (materials or MATERIALS)],
        steps=[{"stage": 1, "name": "审查", "department": department, "budget_days": 5}],
        relations={"service_objects": [ServiceObjectType.objects.get(code="1")]},
        **{k: v for k, v in fields.items() if k != "materials"},
    )
    return version_publish(version=version, actor=None)


@pytest.fixture
def item(db):
    """A published 承诺件 (10 working days) with a required material, a required one
    that allows 容缺, and an optional one."""
    return make_version()


@pytest.fixture
def immediate_item(db):
    return make_version(
        "个体工商户名称变更",
        case_type=CaseType.IMMEDIATE,
        promised_limit_days=0,
        statutory_limit_days=0,
    )


@pytest.fixture
def other_clerk(db):
    """A clerk at another hall's window (金州厅 2 号窗口)."""
    user = UserFactory(clerk=True, username="clerk-jz")
    hall = HallFactory(code="JZ", name="金州厅")
    staff_assign_window(user=user, window=WindowFactory(hall=hall, number=2))
    return user


@pytest.fixture
def applicant(db):
    """A citizen without an enterprise, with a portal account."""
    return CitizenFactory(name="李华", id_number="360426199101010071")


def materials_of(application) -> dict:
    return {slot.material.name: slot.material for slot in application.materials.all()}


def verdict(material, status=MaterialStatus.RECEIVED, **extra) -> dict:
    base = {
        "material": material.pk,
        "status": status,
        "originals": material.originals,
        "copies": material.copies,
    }
    return {**base, **extra}


def all_received(application) -> list[dict]:
    return [
        verdict(slot.material)
        for slot in application.materials.select_related("material")
        if slot.material.requirement == "required"
    ]


def submit_online(citizen, version, *, files=None):
    """An online application with every required material uploaded, submitted."""
    application = application_create(
        item_version=version, applicant=citizen, actor=citizen.user, channel=IntakeChannel.ONLINE
    )
    for material in version.materials.all():
        if material.requirement == "required" or (files and material.name in files):
            material_upload(
                application=application,
                material=material,
                uploaded_file=SimpleUploadedFile(f"m{material.pk}.pdf", PDF, "application/pdf"),
                actor=citizen.user,
            )
    return application_submit(application=application, actor=citizen.user)


def held_at_window(clerk, citizen, version):
    """An online application sent back once for correction by ``clerk``, corrected and
    resubmitted: waiting for pre-review again, at that clerk's window."""
    from intake.services.cases import application_resubmit, intake_request_correction

    application = submit_online(citizen, version)
    form = materials_of(application)["申请表"]
    intake_request_correction(
        application=application,
        actor=clerk,
        verdicts=[verdict(form, MaterialStatus.MISSING)],
    )
    material_upload(
        application=application,
        material=form,
        uploaded_file=SimpleUploadedFile("form.pdf", PDF, "application/pdf"),
        actor=citizen.user,
    )
    return application_resubmit(application=application, actor=citizen.user)


def counter_draft(clerk, citizen, version):
    return application_create(
        item_version=version, applicant=citizen, actor=clerk, channel=IntakeChannel.COUNTER
    )
