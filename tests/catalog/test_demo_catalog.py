"""The demo catalog meets every count of issue 3 item 11, and seeding twice adds nothing."""

import pytest
from django.db.models import Count, Q
from django.utils.module_loading import autodiscover_modules

from accounts.constants import DepartmentKind
from accounts.demo import seed_organisation, seeders
from catalog.constants import CaseType, TongbanScope, VersionStatus
from catalog.demo import seed_catalog
from catalog.models import (
    Bundle,
    BundleItem,
    CatalogEvent,
    Delegation,
    ItemMaterial,
    ItemVersion,
    ServiceItem,
    WorkflowStep,
)
from catalog.selectors import bundle_material_list, item_version_search
from catalog.services import version_validate, workflow_longest_path_days

pytestmark = pytest.mark.django_db

STATIONS = {f"SCJ-S{n:02d}" for n in range(1, 13)}


@pytest.fixture
def demo_catalog():
    seed_organisation()
    seed_catalog()


def published(name: str) -> ItemVersion:
    return ItemVersion.objects.get(name=name, status=VersionStatus.PUBLISHED)


def test_catalog_seeder_is_registered_after_the_organisation():
    autodiscover_modules("demo")
    order = {seeder.name: seeder.order for seeder in seeders()}
    assert order["catalog"] == 30
    assert order["organisation"] < order["catalog"]


def test_at_least_80_published_items_over_15_departments(demo_catalog):
    versions = ItemVersion.objects.filter(status=VersionStatus.PUBLISHED)
    assert versions.count() >= 80
    assert ServiceItem.objects.filter(current_version__isnull=False).count() == versions.count()
    assert versions.values("department").distinct().count() >= 15
    for version in versions:
        # Implementation code: the department's credit code followed by the basic code.
        assert version.item.code == version.department.credit_code + version.basic_code


def test_named_items_of_the_report(demo_catalog):
    for name in [
        "个人独资企业设立登记",
        "一人有限公司设立登记",
        "建设项目用地预审与选址意见书",
        "供水报装",
        "供气报装",
        "高校毕业生租房补贴",
    ]:
        assert published(name)


def test_all_12_stations_accept_the_two_registrations(demo_catalog):
    for name in ["个人独资企业设立登记", "一人有限公司设立登记"]:
        version = published(name)
        assert version.tongban_scope == TongbanScope.DISTRICT
        units = set(version.accepting_units.values_list("code", flat=True))
        assert units == STATIONS


@pytest.mark.parametrize("name", ["供水报装", "供气报装"])
def test_water_and_gas_connection_in_three_steps_and_11_days(demo_catalog, name):
    version = published(name)
    steps = list(version.steps.all())
    assert len(steps) == 3
    assert sum(step.budget_days for step in steps) == 11
    assert workflow_longest_path_days(steps) == 11 == version.promised_limit_days


def test_immediate_items(demo_catalog):
    immediate = ItemVersion.objects.filter(
        status=VersionStatus.PUBLISHED, case_type=CaseType.IMMEDIATE
    )
    assert immediate.count() >= 3
    assert not immediate.exclude(promised_limit_days=0).exists()


def test_items_not_online_have_reasons(demo_catalog):
    offline = ItemVersion.objects.filter(status=VersionStatus.PUBLISHED, online_available=False)
    assert offline.count() >= 5
    assert all(len(v.not_online_reason) >= 8 for v in offline)


def test_items_with_parallel_steps_of_different_departments(demo_catalog):
    joint = (
        WorkflowStep.objects.filter(version__status=VersionStatus.PUBLISHED)
        .values("version", "stage")
        .annotate(departments=Count("department", distinct=True))
        .filter(departments__gt=1)
        .values_list("version", flat=True)
        .distinct()
    )
    versions = ItemVersion.objects.filter(pk__in=joint)
    assert versions.count() >= 3
    assert published("建设项目用地预审与选址意见书") in versions
    for version in versions:
        # The co-implementing departments (联办) are the steps' other departments.
        step_departments = set(version.steps.values_list("department", flat=True))
        co = set(version.co_departments.values_list("pk", flat=True))
        assert co == step_departments - {version.department_id}


def test_delegations_to_two_parks_and_two_streets(demo_catalog):
    active = Delegation.objects.filter(revoked_on__isnull=True)
    by_kind = {
        kind: set(active.filter(grantee__kind=kind).values_list("grantee__code", flat=True))
        for kind in (DepartmentKind.PARK, DepartmentKind.STREET)
    }
    assert {"BSQ", "JST"} <= by_kind[DepartmentKind.PARK]
    assert len(by_kind[DepartmentKind.STREET]) >= 2
    # "The bonded zone holds N delegated powers" is one query.
    assert active.filter(grantee__code="BSQ").count() >= 10
    assert active.values("batch").distinct().count() >= 2
    assert not active.filter(Q(batch="") | Q(document_number="")).exists()


def test_bundles_with_overlapping_materials(demo_catalog):
    bundles = Bundle.objects.filter(is_active=True)
    assert bundles.count() >= 2
    assert bundles.filter(name="企业开办一件事").exists()
    for bundle in bundles:
        assert BundleItem.objects.filter(bundle=bundle).count() >= 2
        shared = [m for m in bundle_material_list(bundle) if m.shared]
        assert shared, f"{bundle.name} has no material shared by several items"


def test_materials_realistic(demo_catalog):
    published_materials = ItemMaterial.objects.filter(version__status=VersionStatus.PUBLISHED)
    assert published_materials.filter(tolerance_allowed=True).count() >= 5
    assert published_materials.filter(requirement="optional").exists()
    versions = ItemVersion.objects.filter(status=VersionStatus.PUBLISHED)
    assert versions.filter(fee_required=True).exclude(fee_basis="").count() >= 3
    assert versions.values("theme").distinct().count() >= 10
    assert versions.filter(service_objects__code="1").exists()
    assert versions.filter(service_objects__code="2").exists()
    assert versions.filter(legal_basis__contains="《中华人民共和国").count() >= 40


def test_every_demo_version_is_valid(demo_catalog):
    for version in ItemVersion.objects.filter(status=VersionStatus.PUBLISHED):
        version_validate(version)


def test_demo_search_finds_sole_proprietorship(demo_catalog):
    assert [v.name for v in item_version_search(q="个人独资")][0] == "个人独资企业设立登记"


def test_seeding_twice_adds_nothing(demo_catalog):
    models = [ServiceItem, ItemVersion, ItemMaterial, WorkflowStep, Delegation, Bundle]
    models += [BundleItem, CatalogEvent]
    before = {model.__name__: model.objects.count() for model in models}
    seed_organisation()
    seed_catalog()
    after = {model.__name__: model.objects.count() for model in models}
    assert after == before
