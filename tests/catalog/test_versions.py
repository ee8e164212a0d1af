"""Version lifecycle (draft → published → retired), the database constraints with their
Chinese messages, frozen published versions, the publish audit event, and the diff."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.constants import CaseType, CatalogEventAction, VersionStatus
from catalog.diff import (
    ADDED,
    CHANGED,
    FIELD,
    MATERIAL,
    REMOVED,
    STEP,
    Change,
    FieldChange,
    VersionSnapshot,
    snapshot_diff,
    version_diff,
)
from catalog.models import CatalogEvent, ItemMaterial, ItemVersion, ServiceObjectType
from catalog.services import (
    CatalogError,
    version_create_draft,
    version_publish,
    version_replace_materials,
    version_replace_steps,
    version_retire,
    version_set_relations,
    version_update,
)


def test_lifecycle_draft_published_retired(make_item, catalog_admin):
    draft = make_item("L001", publish=False, actor=catalog_admin)
    assert draft.status == VersionStatus.DRAFT
    assert draft.item.current_version is None

    v1 = version_publish(version=draft, actor=catalog_admin, change_note="首次发布")
    assert v1.status == VersionStatus.PUBLISHED
    assert v1.published_at is not None
    v1.item.refresh_from_db()
    assert v1.item.current_version == v1

    v2 = version_create_draft(item=v1.item, actor=catalog_admin)
    assert (v2.number, v2.status) == (2, VersionStatus.DRAFT)
    v2 = version_publish(version=v2, actor=catalog_admin)
    v1.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED
    assert v1.retired_at is not None
    v2.item.refresh_from_db()
    assert v2.item.current_version == v2
    assert v2.item.versions.filter(status=VersionStatus.PUBLISHED).count() == 1

    version_retire(version=v2, actor=catalog_admin)
    v2.refresh_from_db()
    assert v2.status == VersionStatus.RETIRED
    v2.item.refresh_from_db()
    assert v2.item.current_version is None
    actions = list(
        CatalogEvent.objects.filter(version__item=v1.item)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        CatalogEventAction.DRAFT_CREATED,
        CatalogEventAction.PUBLISHED,
        CatalogEventAction.DRAFT_CREATED,
        CatalogEventAction.PUBLISHED,
        CatalogEventAction.RETIRED,
    ]


def test_publish_is_an_audit_event_with_actor_and_details(make_item, catalog_admin):
    v1 = make_item("L002")
    draft = version_create_draft(item=v1.item, actor=catalog_admin)

    version_publish(version=draft, actor=catalog_admin, change_note="调整材料")

    event = CatalogEvent.objects.get(version=draft, action=CatalogEventAction.PUBLISHED)
    assert event.actor == catalog_admin
    assert event.details == {"number": 2, "retired": 1, "change_note": "调整材料"}


def test_only_drafts_can_be_published_and_only_published_retired(make_item):
    version = make_item("L003")
    with pytest.raises(CatalogError, match="只有草稿版本可以发布"):
        version_publish(version=version, actor=None)
    version_retire(version=version, actor=None)
    with pytest.raises(CatalogError, match="只有已发布的版本可以停用"):
        version_retire(version=version, actor=None)


def test_a_second_draft_is_refused(make_item):
    version = make_item("L004")
    version_create_draft(item=version.item, actor=None)
    with pytest.raises(CatalogError, match="该事项已有草稿版本"):
        version_create_draft(item=version.item, actor=None)


def test_a_draft_copies_materials_steps_and_relations(make_item, make_hall, department):
    hall = make_hall()
    version = make_item(
        "L005",
        relations={
            "service_objects": list(ServiceObjectType.objects.filter(code__in=["1", "2"])),
            "accepting_halls": [hall],
            "co_departments": [department],
        },
    )
    draft = version_create_draft(item=version.item, actor=None)
    assert list(draft.materials.values_list("name", "position")) == list(
        version.materials.values_list("name", "position")
    )
    assert list(draft.steps.values_list("stage", "name", "budget_days")) == list(
        version.steps.values_list("stage", "name", "budget_days")
    )
    assert set(draft.service_objects.values_list("code", flat=True)) == {"1", "2"}
    assert list(draft.accepting_halls.all()) == [hall]
    assert version_diff(version, draft) == []


def test_published_version_is_frozen(make_item, department):
    version = make_item("L006")
    with pytest.raises(CatalogError, match="已发布或已停用的版本不可修改"):
        version_update(version=version, actor=None, name="改名")
    with pytest.raises(CatalogError):
        version_replace_materials(version=version, actor=None, materials=[{"name": "新材料"}])
    with pytest.raises(CatalogError):
        version_replace_steps(version=version, actor=None, steps=[])
    with pytest.raises(CatalogError):
        version_set_relations(version=version, actor=None, service_objects=[])
    version.refresh_from_db()
    assert version.name == "测试事项L006"
    assert version.materials.count() == 2
    assert version.steps.count() == 2


@pytest.mark.postgres
def test_database_allows_one_published_version_per_item(make_item):
    """The partial unique index itemversion_one_published, below the services."""
    version = make_item("L007")
    draft = version_create_draft(item=version.item, actor=None)
    with pytest.raises(IntegrityError, match="itemversion_one_published"), transaction.atomic():
        ItemVersion.objects.filter(pk=draft.pk).update(status=VersionStatus.PUBLISHED)
    # Retired versions are not limited.
    ItemVersion.objects.filter(pk=version.pk).update(status=VersionStatus.RETIRED)
    ItemVersion.objects.filter(pk=draft.pk).update(status=VersionStatus.RETIRED)
    assert version.item.versions.filter(status=VersionStatus.RETIRED).count() == 2


def test_full_clean_reports_the_one_published_rule(make_item):
    version = make_item("L008")
    draft = version_create_draft(item=version.item, actor=None)
    draft.status = VersionStatus.PUBLISHED
    with pytest.raises(ValidationError):
        draft.validate_constraints()


# Each check constraint: fields that break it, and its Chinese message.
VERSION_CONSTRAINTS = [
    (
        "itemversion_promise_within_statute",
        {"statutory_limit_days": 5, "promised_limit_days": 10},
        "承诺办结时限不能超过法定办结时限。",
    ),
    (
        "itemversion_immediate_iff_zero_days",
        {"case_type": CaseType.IMMEDIATE, "promised_limit_days": 3},
        "即办件的承诺时限必须为 0，承诺件的承诺时限必须大于 0。",
    ),
    (
        "itemversion_immediate_iff_zero_days",
        {"case_type": CaseType.PROMISED, "promised_limit_days": 0},
        "即办件的承诺时限必须为 0，承诺件的承诺时限必须大于 0。",
    ),
    (
        "itemversion_fully_online_iff_zero_visits",
        {"fully_online": True, "visits_required": 1},
        "全程网办的事项到现场次数必须为 0；到现场次数为 0 即应为全程网办。",
    ),
    (
        "itemversion_fully_online_iff_zero_visits",
        {"fully_online": False, "visits_required": 0},
        "全程网办的事项到现场次数必须为 0；到现场次数为 0 即应为全程网办。",
    ),
    (
        "itemversion_visits_need_reason",
        {"visits_required": 2, "visits_reason": ""},
        "到现场次数大于 0 时必须说明原因。",
    ),
    (
        "itemversion_offline_needs_reason",
        {"online_available": False, "not_online_reason": ""},
        "不能网上办理的事项必须说明原因。",
    ),
    (
        "itemversion_fully_online_is_online",
        {
            "fully_online": True,
            "visits_required": 0,
            "online_available": False,
            "not_online_reason": "需现场核验",
        },
        "全程网办的事项必须可网上办理。",
    ),
]


MATERIAL_CONSTRAINTS = [
    (
        "material_tolerance_only_for_required",
        {"requirement": "optional", "tolerance_allowed": True},
        "只有必要材料才能设置为允许容缺。",
    ),
    (
        "material_some_form",
        {"originals": 0, "copies": 0, "electronic_required": False},
        "原件、复印件、电子材料至少需要一种。",
    ),
]


def update_version(draft, fields):
    version_update(version=draft, actor=None, **fields)


def replace_materials(draft, fields):
    version_replace_materials(version=draft, actor=None, materials=[{"name": "申请书", **fields}])


# Each check constraint with the service that checks it and the rows it guards.
CONSTRAINTS = [
    (*c, update_version, lambda draft: ItemVersion.objects.filter(pk=draft.pk))
    for c in VERSION_CONSTRAINTS
] + [
    (*c, replace_materials, lambda draft: ItemMaterial.objects.filter(version=draft))
    for c in MATERIAL_CONSTRAINTS
]


@pytest.mark.parametrize(
    ("name", "fields", "message", "write", "rows"), CONSTRAINTS, ids=[c[0] for c in CONSTRAINTS]
)
def test_check_constraints_refuse_with_chinese_message(
    make_item, name, fields, message, write, rows
):
    """The service refuses with the constraint's Chinese message and writes nothing (a
    materials replacement rolls back whole); the database itself refuses the row when
    the services are bypassed."""
    draft = make_item(f"C-{name}", publish=False)

    with pytest.raises(ValidationError) as caught:
        write(draft, fields)
    assert message in caught.value.messages
    assert draft.materials.count() == 2

    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        rows(draft).update(**fields)


def test_publish_validation_lists_every_problem(make_item):
    draft = make_item("V001", publish=False, materials=[], promised_limit_days=5)
    draft.service_objects.clear()

    with pytest.raises(ValidationError) as caught:
        version_publish(version=draft, actor=None)

    errors = caught.value.message_dict
    assert errors["materials"] == ["至少需要一项申请材料。"]
    assert errors["service_objects"] == ["至少选择一个服务对象。"]
    assert errors["steps"] == ["办理环节最长路径共 8 个工作日，超过承诺办结时限 5 个工作日。"]
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert not CatalogEvent.objects.filter(action=CatalogEventAction.PUBLISHED).exists()


@pytest.mark.parametrize(
    ("limits", "refused"),
    [
        ({"case_type": CaseType.PROMISED, "promised_limit_days": 5}, True),
        ({"case_type": CaseType.IMMEDIATE, "promised_limit_days": 0}, False),
    ],
)
def test_a_promised_item_needs_a_step_an_immediate_one_none(make_item, limits, refused):
    draft = make_item("V003", publish=False, steps=[], **limits)
    if refused:
        with pytest.raises(ValidationError) as caught:
            version_publish(version=draft, actor=None)
        assert caught.value.message_dict["steps"] == ["承诺件至少需要一个办理环节。"]
    else:
        assert version_publish(version=draft, actor=None).status == VersionStatus.PUBLISHED


def test_parallel_steps_count_once_on_the_longest_path(make_item, make_department):
    water = make_department("SWU", "水务集团")
    steps = [(1, "受理", 1), (2, "勘查", 5, water), (2, "审核", 4), (3, "决定", 5)]
    version = make_item("V002", steps=steps, promised_limit_days=11)
    assert version.status == VersionStatus.PUBLISHED  # 1 + max(5, 4) + 5 = 11


# --- Diff ----------------------------------------------------------------------------------


def test_snapshot_diff_is_pure_and_ordered():
    old = VersionSnapshot(
        fields={"name": ("事项名称", "甲"), "keywords": ("关键词", "")},
        materials={"申请书": ("申请书", {"copies": ("复印件份数", "0")})},
        steps={("审查", "审批局"): ("审查（审批局）", {"budget_days": ("环节时限", "5")})},
    )
    new = VersionSnapshot(
        fields={"name": ("事项名称", "乙"), "keywords": ("关键词", "")},
        materials={
            "申请书": ("申请书", {"copies": ("复印件份数", "1")}),
            "身份证": ("身份证", {"copies": ("复印件份数", "1")}),
        },
        steps={},
    )

    changes = snapshot_diff(old, new)

    assert changes == [
        Change(FIELD, CHANGED, "事项名称", "甲", "乙"),
        Change(MATERIAL, CHANGED, "申请书", fields=(FieldChange("复印件份数", "0", "1"),)),
        Change(MATERIAL, ADDED, "身份证", new="复印件份数：1"),
        Change(STEP, REMOVED, "审查（审批局）", old="环节时限：5"),
    ]
    assert snapshot_diff(new, new) == []
    assert changes[0].section_label == "事项要素"
    assert changes[2].kind_label == "新增"


def test_version_diff_of_a_draft_against_the_published_version(make_item, make_department):
    published = make_item("D001")
    draft = version_create_draft(item=published.item, actor=None)
    other = make_department("ZJJ", "住建局")
    draft = version_update(
        version=draft, actor=None, name="新名称", case_type=CaseType.PROMISED, fee_required=True
    )
    version_replace_materials(
        version=draft,
        actor=None,
        materials=[
            {"name": "申请材料1", "issuing_body": "申请人", "originals": 1, "copies": 3},
            {"name": "营业执照", "originals": 1, "copies": 0},
        ],
    )
    version_replace_steps(
        version=draft,
        actor=None,
        steps=[
            {"stage": 1, "name": "审查", "department": published.department, "budget_days": 4},
            {"stage": 2, "name": "决定", "department": other, "budget_days": 3},
        ],
    )

    changes = version_diff(published, draft)

    summary = {(c.section, c.kind, c.label) for c in changes}
    assert (FIELD, CHANGED, "事项名称") in summary
    assert (FIELD, CHANGED, "是否收费") in summary
    assert (MATERIAL, CHANGED, "申请材料1") in summary
    assert (MATERIAL, ADDED, "营业执照") in summary
    assert (MATERIAL, REMOVED, "申请材料2") in summary
    assert (STEP, CHANGED, "审查（金普新区行政审批局）") in summary
    assert (STEP, ADDED, "决定（住建局）") in summary
    assert (STEP, REMOVED, "决定（金普新区行政审批局）") in summary
    name = next(c for c in changes if c.label == "事项名称")
    assert (name.old, name.new) == ("测试事项D001", "新名称")
    fee = next(c for c in changes if c.label == "是否收费")
    assert (fee.old, fee.new) == ("否", "是")
    material = next(c for c in changes if c.label == "申请材料1")
    assert material.fields == (FieldChange("复印件份数", "1", "3"),)


def test_version_diff_without_a_published_version_lists_the_content(make_item):
    draft = make_item("D002", publish=False)
    changes = version_diff(None, draft)
    assert Change(FIELD, CHANGED, "事项名称", "", "测试事项D002") in changes
    assert {c.label for c in changes if c.section == MATERIAL} == {"申请材料1", "申请材料2"}
