"""Catalog administrators in the admin: drafts editable, published versions frozen,
create-draft / diff / publish views, the audit trail, delegations, bundles, Excel."""

import datetime
import io

import pytest
from django.forms import FileField
from django.urls import reverse
from openpyxl import load_workbook

from accounts.constants import DepartmentKind
from catalog.constants import CatalogEventAction, VersionStatus
from catalog.excel import catalog_export
from catalog.models import (
    CatalogEvent,
    ItemVersion,
    ServiceItem,
    ServiceObjectType,
)
from catalog.services import version_create_draft
from tests.factories import DelegationFactory, make_bundle


@pytest.fixture
def admin_client(client, catalog_admin):
    client.force_login(catalog_admin)
    return client


@pytest.fixture
def published(make_item, department):
    return make_item("11210213P00001", department, name="个人独资企业设立登记")


@pytest.fixture
def draft(published, catalog_admin):
    return version_create_draft(item=published.item, actor=catalog_admin)


def change_url(version):
    return reverse("admin:catalog_itemversion_change", args=[version.pk])


def form_data(response) -> dict:
    """The POST data of an admin change form as rendered (main form and inlines)."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or bound.field.disabled or isinstance(bound.field, FileField):
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for form in formset.forms:
            add(form)
    data["channels"] = data.get("channels", [])
    return data


def test_draft_is_editable_and_offers_diff_and_publish(admin_client, draft):
    response = admin_client.get(change_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="name"' in html
    assert 'name="materials-0-name"' in html
    assert "与发布版本对比" in html
    assert reverse("admin:catalog_itemversion_publish", args=[draft.pk]) in html


def test_published_version_is_read_only_with_its_inlines(admin_client, published):
    response = admin_client.get(change_url(published))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="name"' not in html
    assert 'name="materials-0-name"' not in html
    assert "申请材料1" in html  # shown, not editable
    assert "内容已冻结" in html
    assert "从此版本创建草稿" in html

    data = {"name": "改名"}
    assert admin_client.post(change_url(published), data).status_code == 403
    published.refresh_from_db()
    assert published.name == "个人独资企业设立登记"


def test_saving_a_draft_goes_through_the_services(admin_client, draft):
    data = form_data(admin_client.get(change_url(draft)))
    data["keywords"] = "个体工商 独资"
    data["materials-0-name"] = "身份证明"
    data["steps-1-budget_days"] = "4"

    response = admin_client.post(change_url(draft), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.keywords == "个体工商 独资"
    assert "个体工商" in draft.search_text
    assert draft.materials.get(position=1).name == "身份证明"
    assert sorted(draft.steps.values_list("budget_days", flat=True)) == [4, 5]


def test_a_draft_breaking_a_constraint_is_refused_in_chinese(admin_client, draft):
    data = form_data(admin_client.get(change_url(draft)))
    data["promised_limit_days"] = "30"  # statutory is 20
    data["materials-1-requirement"] = "optional"
    data["materials-1-tolerance_allowed"] = "on"

    response = admin_client.post(change_url(draft), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "承诺办结时限不能超过法定办结时限。" in html
    assert "只有必要材料才能设置为允许容缺。" in html
    draft.refresh_from_db()
    assert draft.promised_limit_days == 10


def test_saving_a_draft_that_cannot_be_published_yet_warns(admin_client, draft):
    data = form_data(admin_client.get(change_url(draft)))
    data["steps-0-budget_days"] = "9"  # 9 + 3 > 10 promised

    response = admin_client.post(change_url(draft), data, follow=True)

    html = response.content.decode()
    assert "发布前还需处理" in html
    assert "超过承诺办结时限" in html


def test_adding_a_new_item_creates_its_first_draft(admin_client, department, catalog_admin):
    url = reverse("admin:catalog_itemversion_add")
    data = form_data(admin_client.get(url))
    data.update(
        {
            "new_item_code": "11210213N00001",
            "name": "一人有限公司设立登记",
            "basic_code": "000123456001",
            "item_type": "01",
            "department": str(department.pk),
            "implementer_nature": "1",
            "legal_basis": "《中华人民共和国公司法》",
            "theme": "business_start",
            "service_objects": [str(ServiceObjectType.objects.get(code="2").pk)],
            "case_type": "2",
            "statutory_limit_days": "15",
            "promised_limit_days": "3",
            "acceptance_conditions": "符合条件。",
            "online_depth": "3",
            "visits_required": "1",
            "visits_reason": "领取执照",
            "online_available": "on",
            "channels": ["window"],
            "faqs": "[]",
            "materials-TOTAL_FORMS": "1",
            "materials-0-position": "1",
            "materials-0-name": "公司登记申请书",
            "materials-0-source": "applicant",
            "materials-0-originals": "1",
            "materials-0-copies": "0",
            "materials-0-requirement": "required",
            "materials-0-electronic_required": "on",
            "steps-TOTAL_FORMS": "1",
            "steps-0-stage": "1",
            "steps-0-name": "审核",
            "steps-0-department": str(department.pk),
            "steps-0-budget_days": "3",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    version = ServiceItem.objects.get(code="11210213N00001").versions.get()
    assert version.status == VersionStatus.DRAFT
    assert version.materials.get().name == "公司登记申请书"
    assert version.steps.get().budget_days == 3
    assert list(version.service_objects.values_list("code", flat=True)) == ["2"]
    assert version.events.get().action == CatalogEventAction.DRAFT_CREATED
    assert version.events.get().actor == catalog_admin


def test_adding_an_existing_code_is_refused(admin_client, published):
    url = reverse("admin:catalog_itemversion_add")
    data = form_data(admin_client.get(url))
    data["new_item_code"] = published.item.code
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "该实施编码的事项已存在" in response.content.decode()


def test_create_draft_view(admin_client, published, catalog_admin):
    url = reverse("admin:catalog_itemversion_create_draft", args=[published.pk])
    assert "创建草稿" in admin_client.get(url).content.decode()

    response = admin_client.post(url)

    new = published.item.versions.get(status=VersionStatus.DRAFT)
    assert response.url == change_url(new)
    assert new.number == 2
    assert new.materials.count() == 2
    # A second draft of the same item is refused with a message.
    response = admin_client.post(url, follow=True)
    assert "该事项已有草稿版本" in response.content.decode()


def test_diff_page_lists_field_material_and_step_changes(admin_client, draft, department):
    from catalog.services import version_replace_materials, version_update

    version_update(version=draft, actor=None, name="个人独资企业设立登记（新）")
    version_replace_materials(
        version=draft,
        actor=None,
        materials=[
            {"name": "申请材料1", "originals": 2, "copies": 0},
            {"name": "住所证明", "originals": 1, "copies": 0},
        ],
    )

    response = admin_client.get(reverse("admin:catalog_itemversion_diff", args=[draft.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "个人独资企业设立登记（新）" in html
    assert "住所证明" in html
    assert "新增" in html
    assert "申请材料2" in html
    assert "删除" in html
    assert "原件份数" in html


def test_publish_shows_every_validation_error_and_keeps_the_draft(admin_client, draft):
    from catalog.services import version_replace_materials, version_update

    version_update(version=draft, actor=None, promised_limit_days=5)  # steps take 8
    version_replace_materials(version=draft, actor=None, materials=[])
    draft.service_objects.clear()
    url = reverse("admin:catalog_itemversion_publish", args=[draft.pk])

    page = admin_client.get(url)
    assert "该草稿尚不能发布" in page.content.decode()
    response = admin_client.post(url, {"change_note": "调整时限", "seen": page.context["seen"]})

    assert response.status_code == 400
    html = response.content.decode()
    assert "发布失败" in html
    assert "至少需要一项申请材料。" in html
    assert "至少选择一个服务对象。" in html
    assert "超过承诺办结时限" in html
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_publish_retires_the_old_version_and_is_audited(
    admin_client, draft, published, catalog_admin
):
    url = reverse("admin:catalog_itemversion_publish", args=[draft.pk])
    seen = admin_client.get(url).context["seen"]

    response = admin_client.post(url, {"change_note": "更新申请材料", "seen": seen})

    assert response.status_code == 302
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == (VersionStatus.PUBLISHED, VersionStatus.RETIRED)
    event = CatalogEvent.objects.filter(action=CatalogEventAction.PUBLISHED).first()
    assert (event.version, event.actor) == (draft, catalog_admin)
    assert event.details["change_note"] == "更新申请材料"
    assert event.details["retired"] == 1


def test_catalog_events_list_their_details_in_chinese(admin_client, draft, published):
    """The 详情 column reads 版本 v2；停用 v1；变更说明：…, not the stored JSON; the version
    link names the version and its item's code."""
    url = reverse("admin:catalog_itemversion_publish", args=[draft.pk])
    seen = admin_client.get(url).context["seen"]
    admin_client.post(url, {"change_note": "更新申请材料", "seen": seen})

    html = admin_client.get(reverse("admin:catalog_catalogevent_changelist")).content.decode()
    assert "版本 v2；停用 v1；变更说明：更新申请材料" in html
    assert "版本 v2；复制自 v1" in html
    assert f'个人独资企业设立登记 v2</a><br><span class="quiet">{published.item.code}' in html
    assert "change_note" not in html
    assert "copied_from" not in html


def test_item_list_search_filters_and_action(admin_client, published, make_item, department):
    make_item("11210213P00002", department, name="供水报装")
    url = reverse("admin:catalog_serviceitem_changelist")

    response = admin_client.get(url, {"q": "独资"})
    html = response.content.decode()
    assert "个人独资企业设立登记" in html
    assert "供水报装" not in html
    assert "导出 Excel" in html
    assert "导入 Excel" in html
    assert admin_client.get(url, {"state": "draft"}).context["cl"].result_count == 0

    response = admin_client.post(
        url, {"action": "create_drafts", "_selected_action": [published.item.pk]}
    )
    assert response.status_code == 302
    assert admin_client.get(url, {"state": "draft"}).context["cl"].result_count == 1


def test_item_page_and_version_list_render(admin_client, published):
    item_url = reverse("admin:catalog_serviceitem_change", args=[published.item.pk])
    assert "全部版本" in admin_client.get(item_url).content.decode()
    response = admin_client.get(reverse("admin:catalog_itemversion_changelist"), {"q": "独资"})
    assert response.context["cl"].result_count == 1


def test_catalog_events_are_read_only(admin_client, published):
    url = reverse("admin:catalog_catalogevent_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "发布" in response.content.decode()
    event = CatalogEvent.objects.first()
    change = reverse("admin:catalog_catalogevent_change", args=[event.pk])
    assert admin_client.post(change, {"action": "retired"}).status_code == 403
    assert admin_client.get(reverse("admin:catalog_catalogevent_add")).status_code == 403


def test_delegations_filter_by_grantee_and_batch(
    admin_client, published, make_item, make_department, department
):
    park = make_department("BSQ", "大连保税区管理委员会", kind=DepartmentKind.PARK)
    street = make_department("YYJD", "友谊街道办事处", kind=DepartmentKind.STREET)
    other = make_item("11210213P00003", department)
    day = datetime.date(2026, 3, 1)
    for item, grantee, batch in [
        (published.item, park, "第一批"),
        (other.item, park, "第二批"),
        (other.item, street, "第一批"),
    ]:
        DelegationFactory(item=item, grantee=grantee, batch=batch, granted_on=day)
    url = reverse("admin:catalog_delegation_changelist")

    assert admin_client.get(url, {"grantee__id__exact": park.pk}).context["cl"].result_count == 2
    assert admin_client.get(url, {"batch": "第一批"}).context["cl"].result_count == 2
    add = admin_client.get(reverse("admin:catalog_delegation_add")).content.decode()
    assert "友谊街道办事处" in add
    assert "金普新区行政审批局" not in add


def test_bundle_admin_with_item_inline(admin_client, published):
    bundle = make_bundle("open-shop", [published], name="我要开店")
    response = admin_client.get(reverse("admin:catalog_bundle_changelist"))
    assert "我要开店" in response.content.decode()
    response = admin_client.get(reverse("admin:catalog_bundle_change", args=[bundle.pk]))
    assert 'name="bundleitem_set-0-item"' in response.content.decode()


def test_excel_download_and_upload_pages(admin_client, published):
    response = admin_client.get(reverse("admin:catalog_serviceitem_excel_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = response.content
    assert load_workbook(io.BytesIO(data)).sheetnames[:3] == ["事项", "材料", "环节"]

    url = reverse("admin:catalog_serviceitem_excel_import")
    assert "校验并导入" in admin_client.get(url).content.decode()

    workbook = load_workbook(io.BytesIO(data))
    workbook["事项"]["D2"] = "99"
    bad = io.BytesIO()
    workbook.save(bad)
    bad.seek(0)
    bad.name = "bad.xlsx"
    response = admin_client.post(url, {"file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "未导入任何内容" in html
    assert "<td>事项</td><td>2</td><td>D</td><td>事项类型</td>" in html

    good = io.BytesIO(catalog_export())
    good.name = "good.xlsx"
    response = admin_client.post(url, {"file": good, "publish": "on"}, follow=True)
    assert "未变化 1 项" in response.content.decode()
    assert ItemVersion.objects.count() == 1


def test_staff_without_the_catalog_role_is_kept_out(client, published):
    from accounts.constants import Role
    from accounts.services import user_create

    clerk = user_create(username="clerk-x", password=None, roles=[Role.CLERK])
    client.force_login(clerk)
    response = client.get(reverse("admin:catalog_itemversion_changelist"))
    assert response.status_code == 302  # not staff: to the admin login
    response = client.get(reverse("admin:catalog_serviceitem_excel_export"))
    assert response.status_code == 302


def test_a_draft_is_previewed_as_its_guide_page(admin_client, client, draft, published):
    """预览办事指南: the catalog administrator reads a draft's guide page before publishing
    it (the public guide shows the published version only); the page says it is a
    preview, links back to editing and to publishing, and offers no 在线申请 or download."""
    draft.name = "个人独资企业设立登记（修订）"
    draft.promised_limit_days = 3
    draft.save(update_fields=["name", "promised_limit_days", "updated_at"])
    preview = reverse("admin:catalog_itemversion_preview", args=[draft.pk])
    assert f'href="{preview}"' in admin_client.get(change_url(draft)).content.decode()
    response = admin_client.get(preview)
    assert response.status_code == 200
    html = response.content.decode()
    assert "个人独资企业设立登记（修订）" in html
    assert "预览：草稿版本" in html
    assert "草稿，尚未发布" in html  # not "第 2 版， 发布" with no date
    assert f'href="{change_url(draft)}"' in html
    assert f'href="{reverse("admin:catalog_itemversion_publish", args=[draft.pk])}"' in html
    assert 'id="apply-online"' not in html
    assert 'id="download-notice"' not in html
    # The public guide still shows the published version.
    public = client.get(reverse("catalog:item_detail", args=[published.item.code]))
    assert "（修订）" not in public.content.decode()
    # A published version's preview is its page as citizens read it, with nothing to publish.
    html = admin_client.get(
        reverse("admin:catalog_itemversion_preview", args=[published.pk])
    ).content.decode()
    assert "这是群众现在看到的办事指南" in html
    assert "/publish/" not in html


def test_the_preview_is_for_the_admin_only(client, draft, citizen):
    preview = reverse("admin:catalog_itemversion_preview", args=[draft.pk])
    assert client.get(preview).status_code == 302  # to the admin's login
    client.force_login(citizen.user)
    assert client.get(preview).status_code == 302
