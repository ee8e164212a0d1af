"""The one way tests make data: factory_boy factories that go through the real
services (accounts, catalog, intake, approvals), so a test's data passes the same
validation, role wiring and transitions as a user's would. People and the
organisation, published item versions, clerks, approvers and supervisors, and
applications in every state of a case (``ApplicationFactory`` traits)."""

import datetime
import io
import itertools
import zlib
from struct import pack

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import services
from accounts.constants import DepartmentKind, Role
from accounts.demo import make_credit_code, make_resident_id
from accounts.models import Citizen, Department, Enterprise, Hall, User, Window
from accounts.services import (
    staff_assign_window,
    staff_grant_department,
    staff_set_department_head,
    staff_set_district_wide,
)
from approvals.constants import OPEN_TASK_STATUSES, ClockKind
from approvals.models import Clock
from approvals.services.clocks import clock_start
from approvals.services.delivery import result_download
from approvals.services.tasks import task_approve, task_request_supplement
from catalog.constants import CaseType, ItemType, MaterialRequirement, Theme
from catalog.constants import Channel as CatalogChannel
from catalog.models import Bundle, BundleItem, Delegation, ItemVersion, ServiceObjectType
from catalog.services import item_create, version_publish
from feedback.constants import InstanceState, Level, RatingChannel, Stage
from feedback.models import Rating, ServiceInstance
from hall.models import ServiceCategory, Ticket, WindowSeat
from intake.constants import CaseStatus, DeliveryMethod, MaterialStatus, NoticeKind, RefusalKind
from intake.constants import Channel as IntakeChannel
from intake.models import Application
from intake.services.cases import (
    application_create,
    application_resubmit,
    application_submit,
    application_withdraw,
    counter_receive,
    intake_accept,
    intake_refuse,
    intake_request_correction,
    material_upload,
)
from intake.services.notices import notice_render

PASSWORD = "Test-pass-2026"


def resident_id(n: int) -> str:
    """A valid resident ID, distinct for n < 1000 (born 1990-01-01 in 210213)."""
    return make_resident_id(f"21021319900101{n % 1000:03d}")


def credit_code(n: int) -> str:
    return make_credit_code(f"91210213MA{n % 1_000_000:06d}")


class UserFactory(factory.Factory):
    """``UserFactory(clerk=True)`` and so on give the role; the password is PASSWORD."""

    class Meta:
        model = User

    class Params:
        citizen = factory.Trait(roles=[Role.CITIZEN])
        clerk = factory.Trait(roles=[Role.CLERK])
        approver = factory.Trait(roles=[Role.APPROVER])
        government_head = factory.Trait(roles=[Role.GOVERNMENT_HEAD])
        supervisor = factory.Trait(roles=[Role.SUPERVISOR])
        catalog_admin = factory.Trait(roles=[Role.CATALOG_ADMIN])
        system_admin = factory.Trait(roles=[Role.SYSTEM_ADMIN])

    username = factory.Sequence(lambda n: f"user{n}")
    password = PASSWORD
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    phone = ""
    roles = ()

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.user_create(**kwargs)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    credit_code = factory.Sequence(lambda n: make_credit_code(f"11210213{n:08d}"))


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"H{n}")
    name = factory.Sequence(lambda n: f"测试厅{n}")


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    hall = factory.SubFactory(HallFactory)
    number = factory.Sequence(lambda n: n + 1)


class CitizenFactory(factory.Factory):
    """A real-name identity registered through ``citizen_register``; ``user`` may be None."""

    class Meta:
        model = Citizen

    name = factory.Sequence(lambda n: f"居民{n}")
    id_number = factory.Sequence(resident_id)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    user = factory.SubFactory(UserFactory)
    verified = True

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.citizen_register(**kwargs)


class EnterpriseFactory(factory.Factory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"大连测试企业{n}有限公司")
    credit_code = factory.Sequence(credit_code)
    legal_representative = "张三"
    representative = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.enterprise_register(**kwargs)


# --- the catalog -----------------------------------------------------------------------

# The default materials: a required one, a required one that allows 容缺, an optional one.
MATERIALS = (
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
        "requirement": MaterialRequirement.OPTIONAL,
    },
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def approval_department() -> Department:
    """The 行政审批局 (SPJ), where the default items are handled."""
    return DepartmentFactory(code="SPJ", name="金普新区行政审批局", phone="0411-87650001")


class ItemVersionFactory(factory.Factory):
    """A published item version, through ``catalog.services`` (``item_create`` then
    ``version_publish``): a 承诺件 of 10 working days with ``MATERIALS`` and one 审查
    step at its department. ``steps`` are dicts as ``item_create`` takes them;
    traits: ``immediate`` (即办件), ``offline`` (not applicable online)."""

    class Meta:
        model = ItemVersion

    class Params:
        immediate = factory.Trait(
            case_type=CaseType.IMMEDIATE, promised_limit_days=0, statutory_limit_days=0
        )
        offline = factory.Trait(online_available=False, not_online_reason="需现场采集指纹和照片")

    # A real implementation code's length (30: the department's 18-character credit code
    # and the 12-digit basic code), so pages are tested with codes as long as the demo's.
    code = factory.Sequence(lambda n: f"11210213MB{n:08d}000102001000")
    name = factory.Sequence(lambda n: f"测试许可事项{n}")
    department = factory.LazyFunction(approval_department)
    materials = factory.LazyFunction(lambda: [dict(m) for m in MATERIALS])
    steps = factory.LazyAttribute(
        lambda o: [{"stage": 1, "name": "审查", "department": o.department, "budget_days": 5}]
    )
    service_object_codes = ("1",)
    basic_code = "000123456000"
    item_type = ItemType.LICENSING
    legal_basis = "《中华人民共和国行政许可法》"
    theme = Theme.BUSINESS_START
    case_type = CaseType.PROMISED
    statutory_limit_days = 20
    promised_limit_days = 10
    acceptance_conditions = "申请人符合法定条件。"
    channels = factory.LazyFunction(lambda: [CatalogChannel.WINDOW, CatalogChannel.PC])
    visits_required = 1
    visits_reason = "需现场核验身份。"
    consult_phone = "0411-87650001"
    online_available = True
    not_online_reason = ""
    relations = None  # the many-to-many elements; default: the service objects' codes
    publish = True  # False: the draft
    actor = None

    @classmethod
    def _create(
        cls,
        model_class,
        *,
        code,
        materials,
        steps,
        service_object_codes,
        relations,
        publish,
        actor,
        **fields,
    ):
        if relations is None:
            relations = {
                "service_objects": list(
                    ServiceObjectType.objects.filter(code__in=service_object_codes)
                )
            }
        version = item_create(
            code=code,
            actor=actor,
            materials=[dict(m) for m in materials],
            steps=[_step(step, fields["department"]) for step in steps],
            relations=relations,
            **fields,
        )
        return version_publish(version=version, actor=actor) if publish else version


def _step(step, department) -> dict:
    """A workflow step as ``item_create`` takes it, from a dict or a tuple ``(stage,
    name, days)``, ``(stage, name, days, department)`` or ``(stage, name, department,
    days)``."""
    if isinstance(step, dict):
        return dict(step)
    stage, name, *rest = step
    if isinstance(rest[0], Department):
        department, days = rest[0], rest[1]
    else:
        days, department = rest[0], (rest[1] if len(rest) > 1 else department)
    return {"stage": stage, "name": name, "department": department, "budget_days": days}


# --- staff -----------------------------------------------------------------------------


class ClerkFactory(factory.Factory):
    """A clerk (综窗人员) seated at a window of a hall (默认 金普厅), through
    ``staff_assign_window``."""

    class Meta:
        model = User

    user = factory.SubFactory(UserFactory, clerk=True)
    hall_code = "JP"
    hall_name = "金普厅"
    window_number = factory.Sequence(lambda n: 100 + n)

    @classmethod
    def _create(cls, model_class, *, user, hall_code, hall_name, window_number):
        hall = HallFactory(code=hall_code, name=hall_name)
        staff_assign_window(user=user, window=WindowFactory(hall=hall, number=window_number))
        return user


class ApproverFactory(factory.Factory):
    """An approver granted ``departments`` (default: the 审批局), through the services."""

    class Meta:
        model = User

    user = factory.SubFactory(UserFactory, approver=True)
    departments = factory.LazyFunction(lambda: [approval_department()])

    @classmethod
    def _create(cls, model_class, *, user, departments):
        for department in departments:
            staff_grant_department(user=user, department=department)
        return user


def department_granter(user):
    """``add(n)``: grant ``user`` n more new departments (for growing lists)."""

    def add(n: int) -> None:
        for _ in range(n):
            staff_grant_department(user=user, department=DepartmentFactory())

    return add


# --- applications and cases ------------------------------------------------------------


def verdicts_all_received(application) -> list[dict]:
    """The clerk's verdicts: every material of the application received as asked."""
    return [
        {
            "material": slot.material_id,
            "status": MaterialStatus.RECEIVED,
            "originals": slot.material.originals,
            "copies": slot.material.copies,
        }
        for slot in application.materials.select_related("material")
    ]


def _submitted(application, applicant_user):
    for slot in application.materials.select_related("material"):
        if slot.material.requirement == MaterialRequirement.REQUIRED:
            material_upload(
                application=application,
                material=slot.material,
                uploaded_file=pdf_upload(f"{slot.material.name}.pdf"),
                actor=applicant_user,
            )
    return application_submit(application=application, actor=applicant_user)


def _first_material(application):
    return application.materials.select_related("material").order_by("material__position")[0]


def _approve_all(application, approver) -> None:
    while application.tasks.filter(status__in=OPEN_TASK_STATUSES).exists():
        for task in application.tasks.filter(status__in=OPEN_TASK_STATUSES):
            task_approve(task=task, actor=approver, opinion="符合条件，同意。")


class ApplicationFactory(factory.Factory):
    """An application brought to its state through the intake and approvals services,
    never by writing ``status``: one trait per state of a case.

    ``draft`` (default, online), ``submitted`` (required materials uploaded, 待预审),
    ``correction_requested`` (the first material missing, 待补正), ``accepted`` (an
    即办件 accepted, not yet concluded), ``in_approval`` (a 承诺件 accepted and routed),
    ``supplement_requested`` (审批补正), ``concluded`` (every step approved),
    ``delivered`` (concluded and downloaded by the applicant: 电子送达), ``refused``,
    ``withdrawn``. The clerk and the approver are made when not given; the item version
    is an immediate one for ``accepted``.
    """

    class Meta:
        model = Application

    class Params:
        submitted = factory.Trait(state=CaseStatus.SUBMITTED)
        correction_requested = factory.Trait(state=CaseStatus.CORRECTION_REQUESTED)
        accepted = factory.Trait(
            state=CaseStatus.ACCEPTED,
            item_version=factory.SubFactory(ItemVersionFactory, immediate=True),
        )
        in_approval = factory.Trait(state=CaseStatus.IN_APPROVAL)
        supplement_requested = factory.Trait(state=CaseStatus.SUPPLEMENT_REQUESTED)
        concluded = factory.Trait(state=CaseStatus.CONCLUDED)
        delivered = factory.Trait(state="delivered", delivery_method=DeliveryMethod.ELECTRONIC)
        refused = factory.Trait(state=CaseStatus.REFUSED)
        withdrawn = factory.Trait(state=CaseStatus.WITHDRAWN)

    state = CaseStatus.DRAFT  # set by the traits; not a field: _create acts on it
    item_version = factory.SubFactory(ItemVersionFactory)
    applicant = factory.SubFactory(CitizenFactory)
    clerk = factory.LazyFunction(lambda: ClerkFactory())
    approver = None
    delivery_method = DeliveryMethod.WINDOW
    channel = IntakeChannel.ONLINE

    @classmethod
    def _create(cls, model_class, *, state, clerk, approver, channel, **fields):
        applicant = fields["applicant"]
        application = application_create(
            actor=applicant.user if channel == IntakeChannel.ONLINE else clerk,
            channel=channel,
            **fields,
        )
        if state == CaseStatus.DRAFT:
            return application
        if state == CaseStatus.WITHDRAWN:
            application_withdraw(application=application, actor=applicant.user, reason="不办了")
            return _fresh(application)
        if channel == IntakeChannel.ONLINE:
            _submitted(application, applicant.user)
        else:
            counter_receive(application=application, actor=clerk)
        if state == CaseStatus.SUBMITTED:
            return _fresh(application)
        if state == CaseStatus.CORRECTION_REQUESTED:
            slot = _first_material(application)
            intake_request_correction(
                application=application,
                actor=clerk,
                verdicts=[{"material": slot.material_id, "status": MaterialStatus.MISSING}],
            )
            return _fresh(application)
        if state == CaseStatus.REFUSED:
            intake_refuse(
                application=application,
                actor=clerk,
                kind=RefusalKind.NOT_ELIGIBLE,
                reason="申请人不符合法定条件。",
            )
            return _fresh(application)
        intake_accept(
            application=application, actor=clerk, verdicts=verdicts_all_received(application)
        )
        if state in (CaseStatus.ACCEPTED, CaseStatus.IN_APPROVAL):
            return _fresh(application)
        approver = approver or ApproverFactory(departments=[application.item_version.department])
        if state == CaseStatus.SUPPLEMENT_REQUESTED:
            task = application.tasks.order_by("stage", "pk").first()
            task_request_supplement(task=task, actor=approver, items=["补充说明"], note="请补充")
            return _fresh(application)
        _approve_all(application, approver)
        if state == CaseStatus.CONCLUDED:
            return _fresh(application)
        decision = application.notices.get(kind=NoticeKind.APPROVAL_DECISION)
        notice_render(notice_id=decision.pk)
        result_download(application=_fresh(application), actor=applicant.user)
        return _fresh(application)


def _fresh(application):
    application.refresh_from_db()
    return application


# --- helpers for the comprehensive window's tests (formerly tests/intake/clerk_fixtures) --


def materials_of(application) -> dict:
    """The application's catalog materials by name."""
    return {slot.material.name: slot.material for slot in application.materials.all()}


def verdict(material, status=MaterialStatus.RECEIVED, **extra) -> dict:
    """A clerk's verdict on ``material`` as the intake services take it."""
    base = {
        "material": material.pk,
        "status": status,
        "originals": material.originals,
        "copies": material.copies,
    }
    return {**base, **extra}


def all_received(application) -> list[dict]:
    """Verdicts: every required material received."""
    return [
        verdict(slot.material)
        for slot in application.materials.select_related("material")
        if slot.material.requirement == MaterialRequirement.REQUIRED
    ]


def submit_online(citizen, version, *, files=None, **fields):
    """An online application with every required material (and those named in
    ``files``) uploaded, submitted; ``fields`` go to ``application_create``
    (green_channel, ...)."""
    if not files:
        return ApplicationFactory(submitted=True, applicant=citizen, item_version=version, **fields)
    application = ApplicationFactory(applicant=citizen, item_version=version, **fields)
    for material in version.materials.all():
        if material.requirement != MaterialRequirement.REQUIRED and material.name in files:
            material_upload(
                application=application,
                material=material,
                uploaded_file=pdf_upload(f"m{material.pk}.pdf"),
                actor=citizen.user,
            )
    return _submitted(application, citizen.user)


def held_at_window(clerk, citizen, version):
    """An online application sent back once for correction by ``clerk``, corrected and
    resubmitted: waiting for pre-review again, at that clerk's window."""
    application = submit_online(citizen, version)
    form = materials_of(application)["申请表"]
    intake_request_correction(
        application=application,
        actor=clerk,
        verdicts=[verdict(form, MaterialStatus.MISSING)],
    )
    return resubmit_with(application, form, name="form.pdf")


def resubmit_with(application, material, *, name: str = "补正.pdf"):
    """The applicant answers a correction: uploads ``material`` again (a small PDF named
    ``name``) and resubmits, through the intake services."""
    actor = application.applicant.user
    material_upload(
        application=application, material=material, uploaded_file=pdf_upload(name), actor=actor
    )
    return application_resubmit(application=application, actor=actor)


def counter_draft(clerk, citizen, version):
    """A counter application (草稿) created by ``clerk``."""
    return ApplicationFactory(
        channel=IntakeChannel.COUNTER, clerk=clerk, applicant=citizen, item_version=version
    )


# --- files for uploads (formerly tests/intake/citizen_support) -----------------------


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


# --- the applicant's side (formerly tests/intake/citizen_support) --------------------

ONLINE_MATERIALS = (
    {"name": "身份证明", "issuing_body": "公安机关", "originals": 1},
    {"name": "申请表", "issuing_body": "申请人", "originals": 1, "notes": "须本人签字"},
    {
        "name": "其他材料",
        "issuing_body": "申请人",
        "originals": 0,
        "copies": 1,
        "requirement": MaterialRequirement.OPTIONAL,
    },
)


def department(
    code: str = "SPJ", name: str = "金普新区行政审批局", kind=DepartmentKind.DEPARTMENT, **fields
) -> Department:
    """A department (the organisation is seeded data: no service makes them); an
    existing code is returned as it is."""
    return DepartmentFactory(code=code, name=name, kind=kind, **fields)


def hall(code: str = "JP", name: str = "金普厅", address: str = "金马路 198 号") -> Hall:
    """A hall with its address and opening hours (an existing code as it is)."""
    return HallFactory(code=code, name=name, address=address, opening_hours="周一至周五 8:30–17:00")


def material(name: str, **fields) -> dict:
    """A material as ``item_create`` takes it: one original, handed in by the applicant."""
    return {"name": name, "issuing_body": "申请人", "originals": 1, "copies": 0, **fields}


_guide_numbers = itertools.count(1)


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
    """An item for the guide and search tests (``ItemVersionFactory``): a 承诺件 of the
    市场监督管理局 with two materials and two sequential steps unless overridden;
    published unless ``publish=False``."""
    dept = dept or department("SCJ", "金普新区市场监督管理局")
    number = next(_guide_numbers)
    relations = dict(relations or {})
    relations.setdefault(
        "service_objects", list(ServiceObjectType.objects.filter(code__in=objects))
    )
    values = {
        "code": code or f"{dept.credit_code}T{number:07d}",
        "name": name,
        "basic_code": f"0001{number:08d}",
        "department": dept,
        "legal_basis": "《中华人民共和国行政许可法》第二十九条",
        "acceptance_conditions": "申请材料齐全、符合法定形式。",
        "visits_reason": "领取纸质证照",
        "consult_phone": "",
        "materials": materials
        if materials is not None
        else [
            material("申请人身份证件", copies=1),
            material("申请书", requirement=MaterialRequirement.REQUIRED),
        ],
        "steps": steps if steps is not None else [(1, "审查", dept, 5), (2, "决定", dept, 3)],
        "relations": relations,
        "publish": publish,
        **fields,
    }
    return ItemVersionFactory(**values)


def make_item(
    *,
    name: str | None = None,
    materials: list[dict] | None = None,
    online: bool = True,
    code: str | None = None,
    **overrides,
):
    """An item for the applicant's side: required 身份证明 and 申请表, an optional
    其他材料, for 个人 and 法人, at the 金普厅 (``ItemVersionFactory``)."""
    fields = {
        "materials": [dict(m) for m in (materials or ONLINE_MATERIALS)],
        "online_available": online,
        "not_online_reason": "" if online else "需现场采集指纹和照片",
        "service_object_codes": ("1", "2"),
        "visits_reason": "需现场核验原件。",
        "location": "金普新区政务服务中心金普厅",
        "consult_phone": "",
        **overrides,
    }
    if code:
        fields["code"] = code
    if name:
        fields["name"] = name
    fields.setdefault("department", department())
    return ItemVersionFactory(**fields)


def make_bundle(
    code: str, versions=(), name: str = "我要开办企业", *, theme=Theme.BUSINESS_START, **fields
) -> Bundle:
    """A bundle (一件事) of ``versions``' items, in that order; ``fields`` (``is_active``,
    ``description``) as given."""
    # catalog has no bundle service yet: bundles are catalogue data, like departments.
    bundle = Bundle.objects.create(code=code, name=name, theme=theme, **fields)
    for version in versions:
        bundle_add(bundle, version)
    return bundle


def bundle_add(bundle: Bundle, version) -> BundleItem:
    """``version``'s item as the bundle's last item."""
    position = BundleItem.objects.filter(bundle=bundle).count() + 1
    return BundleItem.objects.create(bundle=bundle, item=version.item, position=position)


class DelegationFactory(factory.django.DjangoModelFactory):
    """An item delegated (赋权) to a park or street: ``DelegationFactory(item=version.item,
    grantee=park)``. Catalogue data the administrators keep in the admin, like
    departments: no service makes them."""

    class Meta:
        model = Delegation

    item = factory.LazyFunction(lambda: ItemVersionFactory().item)
    grantee = factory.SubFactory(DepartmentFactory, kind=DepartmentKind.PARK)
    batch = "第一批"
    granted_on = datetime.date(2026, 1, 1)


def make_citizen(name: str = "李明", **kwargs):
    """A citizen with a portal account (role citizen), through accounts.services."""
    return CitizenFactory(name=name, user=UserFactory(citizen=True), **kwargs)


def make_enterprise(representative, **kwargs):
    """An enterprise whose legal representative on record is ``representative``."""
    return EnterpriseFactory(representative=representative, **kwargs)


def authorize_agent(enterprise, legal_representative, agent, items=(), days: int = 30):
    """The legal representative authorizes ``agent`` online (accounts.authorization)."""
    import datetime

    from accounts.authorization import agent_authorize_online

    return agent_authorize_online(
        enterprise=enterprise,
        actor=legal_representative.user,
        id_number=agent.id_number,
        name=agent.name,
        valid_until=timezone.localdate() + datetime.timedelta(days=days),
        items=items,
    )


def make_clerk(hall_code: str = "JP", number: int = 1, username: str | None = None):
    """A clerk at window ``number`` of the 金普厅 (JP) or the 金州厅 (any other code)."""
    user = UserFactory(clerk=True, **({"username": username} if username else {}))
    return ClerkFactory(
        user=user,
        hall_code=hall_code,
        hall_name="金普厅" if hall_code == "JP" else "金州厅",
        window_number=number,
    )


def start_online(version, citizen, **kwargs):
    """An online draft of ``citizen`` (``application_create``; ``kwargs`` pass on)."""
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
    """As a clerk: accept with every material received."""
    verdicts = [
        {"material": slot.material, "status": MaterialStatus.RECEIVED, "originals": 1}
        for slot in application.materials.select_related("material")
    ]
    return intake_accept(application=application, actor=clerk, verdicts=verdicts)


# --- approvals (formerly tests/approvals/builders, sweep_fixtures) ---------------------

_approval_codes = itertools.count(1)


def make_version(
    *,
    department: Department,
    steps: list[tuple],
    statutory: int = 20,
    promised: int = 10,
    co_departments=(),
    case_type=CaseType.PROMISED,
    code: str | None = None,
    tolerance: bool = False,
    **overrides,
):
    """A published version for the approvals tests: 申请书 and 身份证明 (容缺 allowed
    with ``tolerance``) and the workflow ``steps`` [(stage, name, department, days)]."""
    code = code or f"11210213APR{next(_approval_codes):06d}"
    relations = {"service_objects": [ServiceObjectType.objects.get(code="1")]}
    if co_departments:
        relations["co_departments"] = list(co_departments)
    fields = {
        "code": code,
        "name": f"测试许可事项{code[-3:]}",
        "department": department,
        "materials": [
            {"name": "申请书", "issuing_body": "申请人", "originals": 1, "copies": 0},
            {
                "name": "身份证明",
                "issuing_body": "公安机关",
                "originals": 1,
                "copies": 1,
                "tolerance_allowed": tolerance,
            },
        ],
        "steps": steps,
        "relations": relations,
        "case_type": case_type,
        "statutory_limit_days": statutory,
        "promised_limit_days": promised if case_type == CaseType.PROMISED else 0,
        "consult_phone": "",
        "result_name": "测试许可证",
        **overrides,
    }
    return ItemVersionFactory(**fields)


def start_clock(
    department, started_on: datetime.date, budget_days: int, kind=ClockKind.PROMISED
) -> Clock:
    """A clock through ``clock_start`` (no case needed: ``Clock.application`` is
    nullable)."""
    return clock_start(
        kind=kind, department=department, budget_days=budget_days, started_on=started_on
    )


def make_approver(*departments, username=None, head=False, full_name=None):
    """An approver of ``departments`` (the first one's head with ``head``)."""
    extra = {"username": username} if username else {}
    if full_name:
        extra["full_name"] = full_name
    user = ApproverFactory(user=UserFactory(approver=True, **extra), departments=list(departments))
    if head:
        staff_set_department_head(user=user, department=departments[0])
    return user


def make_supervisor(*departments, username=None):
    """A supervisor (督查人员) watching ``departments``, or the whole district (全区督查)
    when none is given, through the accounts services."""
    user = UserFactory(supervisor=True, **({"username": username} if username else {}))
    if not departments:
        staff_set_district_wide(user=user, district_wide=True)
    for watched in departments:
        staff_grant_department(user=user, department=watched, supervise=True)
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
    enterprise=None,
    conclude_immediately=False,
):
    """A case accepted at the counter: created by the clerk, materials received, accepted
    with every material passed (approvals' receiver routes it in the same transaction);
    ``tolerated``: material name → 容缺 due date; ``enterprise``: the one the applicant
    acts for; ``conclude_immediately``: a 即办件 concluded on the spot."""
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
        enterprise=enterprise,
    )
    counter_receive(application=application, actor=clerk)
    tolerated = tolerated or {}
    verdicts = [
        {"material": material, "status": MaterialStatus.TOLERATED, "pledge_signed": True}
        | {"tolerance_due_date": tolerated[material.name]}
        if material.name in tolerated
        else {"material": material, "status": MaterialStatus.RECEIVED, "originals": 1}
        for material in version.materials.all()
    ]
    application = intake_accept(
        application=application,
        actor=clerk,
        verdicts=verdicts,
        conclude_immediately=conclude_immediately,
    )
    application.refresh_from_db()
    return application


def accept_case_in_the_past(monkeypatch, working_days_ago: int, version, **kwargs):
    """``accept_case`` that many working days ago (the portal's clock set back meanwhile),
    with the lights the minute sweep would have stored by now."""
    import zoneinfo

    from approvals.services.clocks import clock_derive
    from catalog.calendar import subtract_working_days

    day = subtract_working_days(timezone.localdate(), working_days_ago)
    moment = datetime.datetime.combine(
        day, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")
    )
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        case = accept_case(version, **kwargs)
    for clock in Clock.objects.filter(application=case):
        clock_derive(clock)
        clock.save(update_fields=["light"])
    return case


def service_instance(application, stage: str = Stage.INTAKE, **fields) -> ServiceInstance:
    """The rateable instance (一次一评) of a case's intake or conclusion: the one feedback
    made for the case when there is one, else made here with the case's dimensions."""
    served_at = application.concluded_at if stage == Stage.CONCLUSION else application.accepted_at
    served_at = fields.pop("served_at", None) or served_at or timezone.now()
    defaults = {
        "item": application.item_version.item,
        "department": application.item_version.department,
        "hall": application.hall,
        "window": application.window,
        "staff": application.accepted_by,
        "served_at": served_at,
        "rate_until": served_at + datetime.timedelta(days=7),
        **fields,
    }
    instance, _ = ServiceInstance.objects.get_or_create(
        application=application, stage=stage, defaults=defaults
    )
    return instance


def rating_of(
    instance, level: int = Level.SATISFIED, channel: str | None = None, **fields
) -> Rating:
    """A rating of ``instance`` through the rating service (``rating_record``), as a
    citizen gives it: ONLINE by the case's applicant unless ``actor`` is given (by
    default; a walk-in without an account by the QR code's link); a 差评
    with the reason 服务态度 unless ``reasons`` are given; ``text``, ``sub_scores`` and
    ``address`` go to the service too. ``rated_at``: the moment it is given (the portal's
    clock set to it meanwhile; it must fall in the rating period). ``channel=DEFAULT``
    writes the default rating the job writes (基本满意, no rater). Any other field
    (``excluded``, ``push_status``...) is set on the row afterwards."""
    import contextlib
    from unittest import mock

    from django.utils import timezone

    from feedback.services.ratings import rating_record

    rated_at = fields.pop("rated_at", None)
    if channel is None:
        has_account = instance.application.applicant.user_id is not None
        channel = RatingChannel.ONLINE if has_account else RatingChannel.QR
    if channel == RatingChannel.DEFAULT:
        rating = Rating.objects.create(
            instance=instance,
            level=Level.BASIC,
            channel=RatingChannel.DEFAULT,
            is_default=True,
            rated_at=rated_at or instance.rate_until,
            **fields,
        )
        ServiceInstance.objects.filter(pk=instance.pk).update(state=InstanceState.DEFAULTED)
        return rating
    arguments = {
        name: fields.pop(name)
        for name in ("reasons", "text", "sub_scores", "actor", "address")
        if name in fields
    }
    if level >= Level.DISSATISFIED:
        arguments.setdefault("reasons", ["attitude"])
    if channel == RatingChannel.ONLINE and "actor" not in arguments:
        applicant_user = instance.application.applicant.user
        if applicant_user is None:
            raise ValueError("The applicant has no account: rate with channel=RatingChannel.QR.")
        arguments["actor"] = applicant_user
    clock = (
        mock.patch.object(timezone, "now", return_value=rated_at)
        if rated_at
        else contextlib.nullcontext()
    )
    with clock:
        rating = rating_record(instance=instance, level=level, channel=channel, **arguments)
    if fields:
        Rating.objects.filter(pk=rating.pk).update(**fields)
        rating.refresh_from_db()
    return rating


# --- the hall (取号叫号) -------------------------------------------------------------------


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    """A business category of a hall (default 金普厅), letters A, B, C … in turn."""

    class Meta:
        model = ServiceCategory
        skip_postgeneration_save = True

    hall = factory.LazyFunction(lambda: HallFactory(code="JP", name="金普厅"))
    letter = factory.Sequence(lambda n: chr(ord("A") + n % 26) + ("" if n < 26 else "Z"))
    name = factory.Sequence(lambda n: f"测试业务{n}")
    appointment_limit = 2
    service_minutes = 10

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create and extracted:
            self.items.set(extracted)


class HallWindowFactory(factory.Factory):
    """An OPEN window of ``categories``' hall with a clerk seated (through the hall's
    services: a manager sets its categories, the clerk opens it). Returns the seat; the
    clerk is ``seat.clerk``, the window ``seat.window``."""

    class Meta:
        model = WindowSeat

    categories = factory.LazyFunction(lambda: [ServiceCategoryFactory()])
    number = factory.Sequence(lambda n: 200 + n)
    open = True

    @classmethod
    def _create(cls, model_class, *, categories, number, open):
        from hall.services.windows import window_open, window_set_categories

        hall = categories[0].hall
        clerk = ClerkFactory(hall_code=hall.code, hall_name=hall.name, window_number=number)
        window = clerk.staff_profile.window
        manager = UserFactory(system_admin=True)
        window_set_categories(window=window, category_ids=[c.pk for c in categories], actor=manager)
        seat = window_open(window=window, actor=clerk)
        if not open:
            from hall.services.windows import window_pause

            seat = window_pause(window=window, actor=clerk)
        return seat


class TicketFactory(factory.Factory):
    """A ticket issued through ``ticket_issue`` (kiosk). ``TicketFactory(category=c,
    now=moment)``; the result is the Ticket (``issued`` keeps the wait on it)."""

    class Meta:
        model = Ticket

    category = factory.SubFactory(ServiceCategoryFactory)
    id_number = ""
    mobile = ""
    priority = ""
    now = None

    @classmethod
    def _create(cls, model_class, *, category, now, **kwargs):
        from hall.services.tickets import ticket_issue

        issued = ticket_issue(category_id=category.pk, now=now, **kwargs)
        issued.ticket.issued = issued
        return issued.ticket
