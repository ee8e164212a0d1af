"""Two catalog administrators on one draft: the second save of a page built before the
first one was saved is refused (nothing of it written) instead of writing the old
values back; a draft is never published while an edit of it is being saved, nor after
it changed under the publisher's eyes."""

import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

import catalog.admin
from catalog.constants import VersionStatus
from catalog.models import ItemVersion
from catalog.services import version_publish, version_replace_materials, version_update
from jinpu_portal.concurrency import STALE_MESSAGE
from tests.catalog.test_admin import change_url, form_data
from tests.concurrency import run_at_once
from tests.factories import UserFactory


@pytest.fixture
def colleague(db):
    return UserFactory(catalog_admin=True)


@pytest.fixture
def draft(make_item, department):
    return make_item("11210213LU0001", department, name="个人独资企业设立登记", publish=False)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_stale_draft_page_is_refused_and_the_first_save_kept(draft, catalog_admin, colleague):
    first, second = signed_in(catalog_admin), signed_in(colleague)
    first_data = form_data(first.get(change_url(draft)))
    second_data = form_data(second.get(change_url(draft)))

    first_data["materials-0-name"] = "身份证明"  # an inline row
    first_data["keywords"] = "个体 独资"
    assert first.post(change_url(draft), first_data).status_code == 302

    second_data["name"] = "个人独资企业设立登记（改）"  # a field the first left alone
    response = second.post(change_url(draft), second_data)

    assert response.status_code == 200
    assert STALE_MESSAGE in response.content.decode()
    draft.refresh_from_db()
    assert draft.name == "个人独资企业设立登记"  # nothing of the stale page saved
    assert draft.keywords == "个体 独资"
    assert draft.materials.order_by("position").first().name == "身份证明"

    # reloaded, the same change goes through
    second_data = form_data(second.get(change_url(draft)))
    second_data["name"] = "个人独资企业设立登记（改）"
    assert second.post(change_url(draft), second_data).status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.keywords) == ("个人独资企业设立登记（改）", "个体 独资")
    assert draft.materials.order_by("position").first().name == "身份证明"


def test_an_edit_by_a_service_makes_an_open_page_stale(draft, catalog_admin):
    client = signed_in(catalog_admin)
    data = form_data(client.get(change_url(draft)))
    version_replace_materials(
        version=draft, actor=None, materials=[{"name": "营业执照", "issuing_body": "市场监管局"}]
    )
    response = client.post(change_url(draft), data)
    assert STALE_MESSAGE in response.content.decode()
    assert list(draft.materials.values_list("name", flat=True)) == ["营业执照"]


def test_a_page_without_its_token_saves_nothing(draft, catalog_admin):
    client = signed_in(catalog_admin)
    data = form_data(client.get(change_url(draft)))
    data.pop("edit_token", None)
    data["name"] = "改名"
    response = client.post(change_url(draft), data)
    assert STALE_MESSAGE in response.content.decode()
    draft.refresh_from_db()
    assert draft.name == "个人独资企业设立登记"


def test_the_publish_page_refuses_a_draft_changed_since_it_was_shown(draft, catalog_admin):
    client = signed_in(catalog_admin)
    url = reverse("admin:catalog_itemversion_publish", args=[draft.pk])
    seen = client.get(url).context.get("seen", "")
    version_update(version=draft, actor=None, promised_limit_days=10)  # a colleague's edit

    response = client.post(url, {"change_note": "调整时限", "seen": seen})

    assert response.status_code == 400
    assert STALE_MESSAGE in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    # the page now shows the draft as it is, and publishing it from there works
    response = client.post(url, {"change_note": "调整时限", "seen": response.context["seen"]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


# --- at the same moment: threads, each with its own connection (PostgreSQL) -----------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_admins_saving_one_draft_at_once(monkeypatch, make_item, department, catalog_admin):
    colleague = UserFactory(catalog_admin=True)
    draft = make_item("11210213LU0002", department, name="原名称", publish=False)
    saving = catalog.admin.version_update

    def slow_update(**kwargs):
        saved = saving(**kwargs)
        time.sleep(0.3)  # the first save's transaction stays open: the other meets it
        return saved

    monkeypatch.setattr(catalog.admin, "version_update", slow_update)
    clients = [signed_in(catalog_admin), signed_in(colleague)]
    pages = [form_data(client.get(change_url(draft))) for client in clients]
    pages[0]["name"] = "甲改的名称"
    pages[1]["keywords"] = "乙加的关键词"

    results = run_at_once(
        *[
            lambda client=client, data=data: client.post(change_url(draft), data)
            for client, data in zip(clients, pages, strict=True)
        ]
    )

    assert all(kind == "ok" for kind, _ in results), results
    codes = sorted(response.status_code for _, response in results)
    assert codes == [200, 302]
    refused = next(response for _, response in results if response.status_code == 200)
    assert STALE_MESSAGE in refused.content.decode()
    draft.refresh_from_db()
    # exactly one of the two edits, whole: the other was refused, not half-written
    assert (draft.name, draft.keywords) in {("甲改的名称", ""), ("原名称", "乙加的关键词")}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_waits_for_an_edit_being_saved_and_validates_it(make_item, department):
    draft = make_item("11210213LU0003", department, publish=False)

    def edit_removing_every_material():
        with transaction.atomic():
            version_update(version=draft, actor=None, keywords="清空材料")
            version_replace_materials(version=draft, actor=None, materials=[])
            time.sleep(0.5)  # still saving when the publisher comes

    def publish_a_moment_later():
        time.sleep(0.15)
        return version_publish(version=draft, actor=None, change_note="发布")

    edited, published = run_at_once(edit_removing_every_material, publish_a_moment_later)

    assert edited[0] == "ok", edited
    assert published[0] == "error", published
    assert getattr(published[1], "messages", None) == ["至少需要一项申请材料。"], published
    draft = ItemVersion.objects.get(pk=draft.pk)
    assert draft.status == VersionStatus.DRAFT
    assert not draft.materials.exists()
