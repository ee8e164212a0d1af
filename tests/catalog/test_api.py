"""The public catalog API: filters, detail, versions, bundles, and flat query counts."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.constants import DepartmentKind
from catalog.constants import CaseType, ItemType, Theme, TongbanScope, VersionStatus
from catalog.models import ServiceObjectType
from catalog.services import version_create_draft, version_publish, version_retire
from tests.factories import DepartmentFactory, make_bundle

ITEMS = reverse("api-item-list")


@pytest.fixture
def api():
    return APIClient()


def detail_url(code):
    return reverse("api-item-detail", args=[code])


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def catalog(make_item, make_department, department):
    market = make_department("SCJ", "金普新区市场监督管理局")
    person, enterprise = (ServiceObjectType.objects.get(code=c) for c in ("1", "2"))
    make_item(
        "A001",
        market,
        name="个人独资企业设立登记",
        keywords="个体 独资",
        tongban_scope=TongbanScope.DISTRICT,
        relations={"service_objects": [person, enterprise]},
    )
    make_item(
        "A002",
        market,
        name="一人有限公司设立登记",
        tongban_scope=TongbanScope.DISTRICT,
        relations={"service_objects": [enterprise]},
    )
    make_item(
        "A003",
        department,
        name="高校毕业生租房补贴",
        item_type=ItemType.PAYMENT,
        theme=Theme.EMPLOYMENT,
        case_type=CaseType.IMMEDIATE,
        promised_limit_days=0,
        steps=[],
        relations={"service_objects": [person]},
    )
    make_item(
        "A004",
        department,
        name="建设项目用地预审与选址意见书",
        online_available=False,
        not_online_reason="需现场踏勘",
        theme=Theme.CONSTRUCTION,
    )
    make_item("A005", department, name="尚未发布的事项", publish=False)


def test_items_lists_only_published_items(api, catalog):
    response = api.get(ITEMS)
    assert sorted(codes(response)) == ["A001", "A002", "A003", "A004"]
    row = next(r for r in response.json()["results"] if r["code"] == "A003")
    assert row["item_type"] == "05"
    assert row["item_type_display"] == "行政给付"
    assert row["department"]["code"] == "SPJ"
    assert row["case_type_display"] == "即办件"
    assert [o["code"] for o in row["service_objects"]] == ["1"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"department": "SCJ"}, ["A001", "A002"]),
        ({"type": "05"}, ["A003"]),
        ({"online": "false"}, ["A004"]),
        ({"online": "true"}, ["A001", "A002", "A003"]),
        ({"tongban": "district"}, ["A001", "A002"]),
        ({"theme": "construction"}, ["A004"]),
        ({"object": "1"}, ["A001", "A003", "A004"]),
        ({"q": "个人独资"}, ["A001"]),
        ({"q": "设立登记"}, ["A001", "A002"]),
        ({"q": "A00"}, ["A001", "A002", "A003", "A004"]),
        ({"q": "设立 一人"}, ["A002"]),
        ({"department": "SCJ", "object": "1"}, ["A001"]),
        ({"q": "尚未发布"}, []),
    ],
)
def test_item_filters(api, catalog, params, expected):
    assert sorted(codes(api.get(ITEMS, params))) == expected


def test_bad_filter_value_is_a_400(api, catalog):
    response = api.get(ITEMS, {"type": "99"})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {"type": ["选择一个有效的选项。 99 不在可用的选项中。"]}
    assert body["detail"].startswith("事项类型代码：")


def test_item_detail_has_every_element_materials_and_steps(api, catalog, make_department):
    response = api.get(detail_url("A001"))
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "个人独资企业设立登记"
    assert data["version"] == 1
    assert data["legal_basis"] == "《中华人民共和国行政许可法》"
    assert [c["code"] for c in data["channels"]] == ["window", "pc"]
    assert data["channels"][0]["label"] == "窗口办理"
    assert [m["name"] for m in data["materials"]] == ["申请材料1", "申请材料2"]
    assert data["materials"][0]["requirement_display"] == "必要"
    assert [(s["stage"], s["name"], s["budget_days"]) for s in data["steps"]] == [
        (1, "审查", 5),
        (2, "决定", 3),
    ]
    assert data["steps"][0]["department"]["code"] == "SCJ"
    assert data["workflow_days"] == 8
    assert data["tongban_scope_display"] == "全域通办"


def test_item_detail_404s(api, catalog):
    assert api.get(detail_url("NOPE")).status_code == 404
    assert api.get(detail_url("A005")).status_code == 404  # draft only


def test_item_detail_follows_the_published_version(api, catalog):
    from catalog.models import ServiceItem
    from catalog.services import version_update

    item = ServiceItem.objects.get(code="A002")
    draft = version_create_draft(item=item, actor=None)
    version_update(version=draft, actor=None, name="一人有限公司设立登记（新）")
    assert api.get(detail_url("A002")).json()["name"] == "一人有限公司设立登记"
    version_publish(version=draft, actor=None)
    data = api.get(detail_url("A002")).json()
    assert (data["name"], data["version"]) == ("一人有限公司设立登记（新）", 2)
    version_retire(version=item.versions.get(number=2), actor=None)
    assert api.get(detail_url("A002")).status_code == 404


def test_versions_lists_history_and_drafts_only_for_catalog_admins(api, catalog, catalog_admin):
    from catalog.models import ServiceItem

    item = ServiceItem.objects.get(code="A001")
    version_publish(version=version_create_draft(item=item, actor=None), actor=None)
    version_create_draft(item=item, actor=None)
    url = reverse("api-item-versions", args=["A001"])

    rows = api.get(url).json()["results"]
    assert [(r["version"], r["status"]) for r in rows] == [
        (2, VersionStatus.PUBLISHED),
        (1, VersionStatus.RETIRED),
    ]
    api.force_authenticate(catalog_admin)
    rows = api.get(url).json()["results"]
    assert [r["version"] for r in rows] == [3, 2, 1]
    assert rows[0]["status_display"] == "草稿"
    assert api.get(reverse("api-item-versions", args=["NOPE"])).status_code == 404


def test_departments_filter_by_kind(api, catalog, make_department):
    make_department("BSQ", "大连保税区管理委员会", kind=DepartmentKind.PARK)
    response = api.get(reverse("api-department-list"), {"kind": "park"})
    assert response.status_code == 200
    assert [d["code"] for d in response.json()["results"]] == ["BSQ"]
    assert response.json()["results"][0]["kind_display"] == "园区"
    assert response.json()["count"] == 1
    assert api.get(reverse("api-department-list")).json()["count"] == 3


def test_bundles_merge_materials_once_with_their_items(api, catalog, make_item, department):
    make_item(
        "B001",
        department,
        name="食品经营许可",
        materials=[
            {"name": "申请材料1", "originals": 2, "copies": 0},
            {"name": "食品安全管理制度", "originals": 1, "copies": 0},
        ],
    )
    make_bundle("open-shop", [_current_version(code) for code in ("A001", "B001")], "我要开餐馆")

    response = api.get(reverse("api-bundle-list"))

    assert response.status_code == 200
    [data] = response.json()["results"]
    assert [i["code"] for i in data["items"]] == ["A001", "B001"]
    materials = {m["name"]: m for m in data["materials"]}
    assert set(materials) == {"申请材料1", "申请材料2", "食品安全管理制度"}
    shared = materials["申请材料1"]
    assert [i["code"] for i in shared["items"]] == ["A001", "B001"]
    assert shared["originals"] == 2
    detail = api.get(reverse("api-bundle-detail", args=["open-shop"])).json()
    assert detail["materials"] == data["materials"]


def _current_version(code):
    from catalog.models import ServiceItem

    return ServiceItem.objects.get(code=code).current_version


# --- Query counts stay flat as the lists grow: 1 row costs what 20 cost -------------


def test_item_list_query_count_is_flat(api, make_item, department, assert_flat_queries):
    made = []

    def add(n):
        for _ in range(n):
            made.append(make_item(f"Q{len(made):03d}", department))

    one, twenty = assert_flat_queries(lambda: api.get(ITEMS, {"page_size": 100}), add)
    assert one.json()["count"] == 1
    assert len(twenty.json()["results"]) == 20


def test_item_detail_query_count_is_flat(api, make_item, department):
    """An item with 1 material and 1 step costs what one with 20 of each costs (each
    asked for the first time: the cache would hide the difference)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def made(code, n):
        make_item(
            code,
            department,
            materials=[{"name": f"材料{i}", "originals": 1, "copies": 0} for i in range(n)],
            steps=[(stage, f"环节{stage}", 1) for stage in range(1, n + 1)],
            promised_limit_days=n,
        )

    made("WARM", 1)
    made("D001", 1)
    made("D020", 20)
    api.get(detail_url("WARM"))
    counts = {}
    for code in ("D001", "D020"):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(detail_url(code))
        counts[code] = len(captured)
    assert len(response.json()["materials"]) == 20
    assert len(response.json()["steps"]) == 20
    assert counts["D001"] == counts["D020"]


def test_bundle_list_query_count_is_flat(api, make_item, department, assert_flat_queries):
    made = []

    def add(n):
        for _ in range(n):
            number = len(made)
            version = make_item(f"BQ{number:03d}", department)
            made.append(make_bundle(f"b{number}", [version], f"一件事{number}", theme="other"))

    _one, twenty = assert_flat_queries(
        lambda: api.get(reverse("api-bundle-list"), {"page_size": 100}), add
    )
    assert twenty.json()["count"] == 20


def test_schema_documents_the_catalog_endpoints(api):
    response = api.get(reverse("api-schema"), {"format": "json"})
    paths = response.json()["paths"]
    for path in [
        "/api/v1/departments/",
        "/api/v1/items/",
        "/api/v1/items/{code}/",
        "/api/v1/items/{code}/versions/",
        "/api/v1/bundles/",
    ]:
        assert path in paths
    names = {p["name"] for p in paths["/api/v1/items/"]["get"]["parameters"]}
    assert {"department", "type", "online", "tongban", "theme", "object", "q", "page"} <= names


# --- The detail's cache (catalog.api.cache) -------------------------------------------


def test_a_cached_detail_costs_one_query_and_equals_the_fresh_one(
    api, make_item, department, django_assert_num_queries
):
    make_item("K001", department)
    fresh = api.get(detail_url("K001"))
    with django_assert_num_queries(1):  # the item's current version; the JSON is cached
        cached = api.get(detail_url("K001"))
    assert cached.status_code == 200
    assert cached["Content-Type"] == "application/json"
    assert cached.json() == fresh.json()


def test_a_renamed_department_shows_in_the_cached_detail(api, make_item, department):
    make_item("K002", department)
    assert api.get(detail_url("K002")).json()["department"]["name"] == "金普新区行政审批局"
    department.name = "金普新区行政审批局（新）"
    department.save()
    assert api.get(detail_url("K002")).json()["department"]["name"] == "金普新区行政审批局（新）"


def test_the_browsable_api_still_renders_the_detail(api, make_item, department):
    make_item("K003", department)
    api.get(detail_url("K003"))  # cached
    response = api.get(detail_url("K003"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "测试事项K003" in response.content.decode()


def test_bulk_renames_and_deletes_show_in_the_cached_detail(api, make_item, department):
    from accounts.models import Department

    make_item("K005", department)
    assert api.get(detail_url("K005")).json()["department"]["name"] == "金普新区行政审批局"
    Department.objects.filter(pk=department.pk).update(name="批量改名")
    assert api.get(detail_url("K005")).json()["department"]["name"] == "批量改名"
    from django.core.cache import cache

    from catalog.api import cache as detail_cache

    before = cache.get(detail_cache.DETAIL.key)
    Department.objects.filter(code="GONE").delete()  # nothing: no bump
    DepartmentFactory(code="GONE", name="撤销的部门").delete()
    assert cache.get(detail_cache.DETAIL.key) != before


def test_cached_entries_expire_for_renames_the_signals_did_not_see(
    api, make_item, department, monkeypatch
):
    import time

    from django.core.cache import cache
    from django.db.models import QuerySet

    from accounts.models import Department
    from catalog.api import cache as detail_cache

    version = make_item("K004", department)
    api.get(detail_url("K004"))
    # A rename in SQL, as another program would make it: no signal, no generation.
    QuerySet(model=Department).filter(pk=department.pk).update(name="改名未发信号")
    cache.delete(detail_cache._key(version.pk))  # the shared entry's hour is over
    # This process still holds its copy ...
    assert api.get(detail_url("K004")).json()["department"]["name"] == "金普新区行政审批局"
    # ... for at most as long as the shared entry lives.
    clock = time.monotonic() + detail_cache.SHARED_SECONDS
    monkeypatch.setattr(time, "monotonic", lambda: clock)
    assert api.get(detail_url("K004")).json()["department"]["name"] == "改名未发信号"


def test_a_boolean_filter_refuses_what_is_not_true_or_false(api, catalog):
    for value in ("null", "maybe", "2", ""):
        response = api.get(ITEMS, {"online": value})
        assert response.status_code == 400, value
        assert response.json()["detail"] == "可网上办理：只能是 true 或 false。"
    assert api.get(ITEMS, {"online": "true"}).status_code == 200
    assert api.get(ITEMS, {"online": "0"}).status_code == 200
