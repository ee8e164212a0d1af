"""Helpers for the applicant-side intake tests: items made through catalog.services,
people through accounts.services (tests.factories), applications through the intake
services, and small but real PDF / PNG / JPEG files for uploads.

Plain functions, not fixtures, so the test modules of the clerk's side and of the
applicant's side never shadow each other's conftest fixtures.
"""

import io
import itertools
import zlib
from struct import pack

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Department
from accounts.services import staff_assign_window
from catalog.constants import CaseType, Channel, ItemType, MaterialRequirement, Theme
from catalog.models import Bundle, BundleItem, ServiceObjectType
from catalog.services import item_create, version_publish
from intake.constants import Channel as IntakeChannel
from intake.constants import MaterialStatus
from intake.services.cases import application_create, intake_request_correction, material_upload
from tests.factories import CitizenFactory, EnterpriseFactory, HallFactory, UserFactory

_codes = itertools.count(1)

# --- files ---------------------------------------------------------------------------


def pdf_bytes(text: str = "Jinpu test") -> bytes:
    """A minimal valid one-page PDF."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A small valid red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def exe_bytes() -> bytes:
    """The start of a Windows executable (MZ header, PE signature)."""
    header = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 2)
    header += b"\x00" * (0x3C - len(header)) + pack("<I", 0x40)
    header += b"PE\x00\x00" + b"\x00" * 200
    return bytes(header)


def pdf_file(name: str = "材料.pdf", text: str = "Jinpu test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def png_file(name: str = "照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


# --- catalog -------------------------------------------------------------------------


def department(code: str = "SPJ", name: str = "金普新区行政审批局") -> Department:
    # accounts has no service for departments: the organisation is seeded data.
    found, _ = Department.objects.get_or_create(code=code, defaults={"name": name})
    return found


def make_item(
    *,
    name: str | None = None,
    materials: list[dict] | None = None,
    online: bool = True,
    code: str | None = None,
    **overrides,
):
    """A published 承诺件 through catalog.services (item_create + version_publish).
    Materials default to a required 身份证明 and 申请表 and an optional 其他材料."""
    code = code or f"11210213CIT{next(_codes):06d}"
    dept = overrides.pop("department", None) or department()
    if materials is None:
        materials = [
            {"name": "身份证明", "issuing_body": "公安机关", "originals": 1},
            {"name": "申请表", "issuing_body": "申请人", "originals": 1, "notes": "须本人签字"},
            {
                "name": "其他材料",
                "issuing_body": "申请人",
                "originals": 0,
                "copies": 1,
                "requirement": MaterialRequirement.OPTIONAL,
            },
        ]
    fields = {
        "name": name or f"测试事项{code[-4:]}",
        "basic_code": "000123456000",
        "item_type": ItemType.LICENSING,
        "department": dept,
        "legal_basis": "《中华人民共和国行政许可法》",
        "theme": Theme.BUSINESS_START,
        "case_type": CaseType.PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 10,
        "acceptance_conditions": "申请人符合法定条件。",
        "channels": [Channel.WINDOW, Channel.PC],
        "visits_required": 1,
        "visits_reason": "需现场核验原件。",
        "online_available": online,
        "not_online_reason": "" if online else "需现场采集指纹和照片",
        "location": "金普新区政务服务中心金普厅",
        **overrides,
    }
    version = item_create(
        code=code,
        actor=None,
        materials=[dict(m) for m in materials],
        steps=[{"stage": 1, "name": "审查", "department": dept, "budget_days": 5}],
        relations={"service_objects": list(ServiceObjectType.objects.filter(code__in=["1", "2"]))},
        **fields,
    )
    return version_publish(version=version, actor=None)


def make_bundle(code: str, versions, name: str = "我要开办企业") -> Bundle:
    # catalog has no bundle service yet: bundles are catalogue data, like departments.
    bundle = Bundle.objects.create(code=code, name=name, theme=Theme.BUSINESS_START)
    for position, version in enumerate(versions, start=1):
        BundleItem.objects.create(bundle=bundle, item=version.item, position=position)
    return bundle


# --- people --------------------------------------------------------------------------


def make_citizen(name: str = "李明", **kwargs):
    """A citizen with a portal account (role citizen), through accounts.services."""
    return CitizenFactory(name=name, user=UserFactory(citizen=True), **kwargs)


def make_enterprise(representative, **kwargs):
    return EnterpriseFactory(representative=representative, **kwargs)


def make_clerk(hall_code: str = "JP", number: int = 1, username: str | None = None):
    from tests.factories import WindowFactory

    user = UserFactory(clerk=True, **({"username": username} if username else {}))
    hall = HallFactory(code=hall_code, name="金普厅" if hall_code == "JP" else "金州厅")
    staff_assign_window(user=user, window=WindowFactory(hall=hall, number=number))
    return user


# --- applications --------------------------------------------------------------------


def start_online(version, citizen, **kwargs):
    return application_create(
        item_version=version,
        applicant=citizen,
        actor=citizen.user,
        channel=IntakeChannel.ONLINE,
        **kwargs,
    )


def upload_required(application, actor=None):
    """Upload a small PDF into every required slot."""
    for slot in application.materials.select_related("material"):
        if slot.material.requirement == MaterialRequirement.REQUIRED:
            material_upload(
                application=application,
                material=slot.material,
                uploaded_file=pdf_file(f"{slot.material.name}.pdf"),
                actor=actor or application.applicant.user,
            )


def request_correction(application, clerk, *, defective: str, reason: str = "签字缺失"):
    """As a clerk: everything received except ``defective`` (a material name)."""
    verdicts = []
    for slot in application.materials.select_related("material"):
        if slot.material.name == defective:
            verdicts.append(
                {"material": slot.material, "status": MaterialStatus.DEFECTIVE, "reason": reason}
            )
        else:
            verdicts.append(
                {"material": slot.material, "status": MaterialStatus.RECEIVED, "originals": 1}
            )
    return intake_request_correction(application=application, actor=clerk, verdicts=verdicts)


def accept_all(application, clerk):
    from intake.services.cases import intake_accept

    verdicts = [
        {"material": slot.material, "status": MaterialStatus.RECEIVED, "originals": 1}
        for slot in application.materials.select_related("material")
    ]
    return intake_accept(application=application, actor=clerk, verdicts=verdicts)
