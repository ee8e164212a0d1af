"""The one way tests make data: factory_boy factories that go through the real
services (accounts, catalog, intake, approvals), so a test's data passes the same
validation, role wiring and transitions as a user's would. People and the
organisation, published item versions, clerks and approvers, and applications in
every state of a case (``ApplicationFactory`` traits)."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import services
from accounts.constants import Role
from accounts.demo import make_credit_code, make_resident_id
from accounts.models import Citizen, Department, Enterprise, Hall, User, Window
from accounts.services import staff_assign_window, staff_grant_department
from approvals.constants import OPEN_TASK_STATUSES
from approvals.services.delivery import result_download
from approvals.services.tasks import task_approve, task_request_supplement
from catalog.constants import CaseType, ItemType, MaterialRequirement, Theme
from catalog.constants import Channel as CatalogChannel
from catalog.models import ItemVersion, ServiceObjectType
from catalog.services import item_create, version_publish
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

    code = factory.Sequence(lambda n: f"11210213FAC{n:06d}")
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

    @classmethod
    def _create(cls, model_class, *, code, materials, steps, service_object_codes, **fields):
        version = item_create(
            code=code,
            actor=None,
            materials=[dict(m) for m in materials],
            steps=[dict(s) for s in steps],
            relations={
                "service_objects": list(
                    ServiceObjectType.objects.filter(code__in=service_object_codes)
                )
            },
            **fields,
        )
        return version_publish(version=version, actor=None)


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


def submit_online(citizen, version, *, files=None):
    """An online application with every required material (and those named in
    ``files``) uploaded, submitted."""
    if not files:
        return ApplicationFactory(submitted=True, applicant=citizen, item_version=version)
    application = ApplicationFactory(applicant=citizen, item_version=version)
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
    material_upload(
        application=application,
        material=form,
        uploaded_file=pdf_upload("form.pdf"),
        actor=citizen.user,
    )
    return application_resubmit(application=application, actor=citizen.user)


def counter_draft(clerk, citizen, version):
    """A counter application (草稿) created by ``clerk``."""
    return ApplicationFactory(
        channel=IntakeChannel.COUNTER, clerk=clerk, applicant=citizen, item_version=version
    )
