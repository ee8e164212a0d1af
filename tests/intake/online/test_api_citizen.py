"""The applicant's API: list own, create, update the draft, upload (multipart), submit,
withdraw, resubmit; case detail with events; visibility and permissions; schema."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from intake.constants import CASE_STATUSES, CaseStatus
from intake.models import Application
from tests.factories import (
    accept_all,
    exe_bytes,
    make_clerk,
    make_item,
    pdf_bytes,
    pdf_file,
    png_bytes,
    request_correction,
    start_online,
    submit_online,
    upload_required,
)

pytestmark = pytest.mark.django_db

AGENT_ID = "360426199101010071"


@pytest.fixture
def api(applicant):
    client = APIClient()
    client.force_authenticate(applicant.user)
    return client


def material_id(application, name):
    return application.materials.get(material__name=name).material_id


# --- list and detail -------------------------------------------------------------------


def test_list_own_paginated_with_a_flat_query_count(api, applicant, item, stranger):
    start_online(item, stranger)
    start_online(item, applicant)
    api.get("/api/v1/applications/")  # the user's roles are cached on first use
    with CaptureQueriesContext(connection) as few:
        response = api.get("/api/v1/applications/")
    assert response.status_code == 200
    assert response.data["count"] == 1
    for _ in range(19):
        start_online(item, applicant)
    with CaptureQueriesContext(connection) as many:
        response = api.get("/api/v1/applications/")
    assert len(many) == len(few)
    assert response.data["count"] == 20
    assert len(response.data["results"]) == 20
    row = response.data["results"][0]
    assert row["item_name"] == "食品经营许可"
    assert row["status"] == "draft"
    assert row["status_label"] == "草稿"
    for _ in range(5):
        start_online(item, applicant)
    assert len(api.get("/api/v1/applications/?page=2").data["results"]) == 5


def test_detail_has_materials_events_and_no_staff_identity(api, applicant, item):
    clerk = make_clerk(username="clerk-zhou")
    application = submit_online(applicant, item)
    request_correction(application, clerk, defective="申请表", reason="缺少签字")
    response = api.get(f"/api/v1/applications/{application.pk}/")
    assert response.status_code == 200
    data = response.data
    assert data["status"] == CaseStatus.CORRECTION_REQUESTED
    assert [m["name"] for m in data["materials"]] == ["身份证明", "申请表", "其他材料"]
    actions = [e["action"] for e in data["events"]]
    assert actions[0] == "create"
    assert "submit" in actions
    assert "request_correction" in actions
    correction = next(e for e in data["events"] if e["action"] == "request_correction")
    assert correction["actor_role"] == "综窗人员"
    assert correction["window"] == "金普厅 1 号窗口"
    assert correction["hall"] == "金普厅"
    items = data["correction_notices"][0]["items"]
    assert [i["name"] for i in items if i["needs_correction"]] == ["申请表"]
    assert data["notices"][0]["kind"] == "correction"
    assert data["notices"][0]["status"] == "pending"
    assert data["notices"][0]["download_url"] is None
    body = response.content.decode()
    assert "clerk-zhou" not in body
    assert clerk.full_name not in body
    assert applicant.id_number not in body


def test_another_citizen_gets_404_and_a_clerk_may_read(api, applicant, item, stranger):
    application = submit_online(applicant, item)
    stranger_api = APIClient()
    stranger_api.force_authenticate(stranger.user)
    assert stranger_api.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    for action in ("submit", "withdraw", "resubmit"):
        response = stranger_api.post(f"/api/v1/applications/{application.pk}/{action}/")
        assert response.status_code == 404, action
    response = stranger_api.patch(
        f"/api/v1/applications/{application.pk}/", {"note": "x"}, format="json"
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED

    clerk = APIClient()
    clerk.force_authenticate(make_clerk())
    assert clerk.get(f"/api/v1/applications/{application.pk}/").status_code == 200
    # The applicant's actions are not the clerk's: the citizen role is required.
    assert clerk.post(f"/api/v1/applications/{application.pk}/withdraw/").status_code == 403
    assert clerk.get("/api/v1/applications/").status_code == 403


def test_anonymous_gets_401(item):
    assert APIClient().get("/api/v1/applications/").status_code == 401


def test_token_authentication(applicant, item):
    start_online(item, applicant)
    token = Token.objects.create(user=applicant.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/applications/").data["count"] == 1


def test_fellow_representative_reads_but_cannot_withdraw(applicant, item, enterprise, colleague):
    application = submit_online(applicant, item, enterprise=enterprise)
    client = APIClient()
    client.force_authenticate(colleague.user)
    assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 200
    assert client.get("/api/v1/applications/").data["count"] == 1
    response = client.post(f"/api/v1/applications/{application.pk}/withdraw/")
    assert response.status_code == 403
    assert "只能操作本人的申请" in response.data["detail"]


# --- create and update -----------------------------------------------------------------


def test_create_a_draft(api, applicant, item):
    response = api.post(
        "/api/v1/applications/",
        {
            "item_code": item.item.code,
            "contact_phone": "13911112222",
            "note": "新开门店",
            "agent": {"name": "张代办", "id_number": AGENT_ID, "phone": "13700000000"},
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    application = Application.objects.get()
    assert response.data["id"] == application.pk
    assert response.data["status"] == "draft"
    assert response.data["note"] == "新开门店"
    assert response.data["agent"]["id_number"] == "360426********0071"
    assert response.data["missing_uploads"] == ["身份证明", "申请表", "授权委托书"]
    assert application.contact_phone == "13911112222"
    assert application.channel == "online"
    assert AGENT_ID not in response.content.decode()


def test_create_for_an_item_not_online_is_refused(api, item):
    offline = make_item(online=False)
    response = api.post("/api/v1/applications/", {"item_code": offline.item.code}, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "not_online"
    assert "暂不支持网上办理" in response.data["detail"]
    assert not Application.objects.exists()


def test_create_for_an_enterprise_one_does_not_represent_is_refused(api, item, foreign_enterprise):
    response = api.post(
        "/api/v1/applications/",
        {"item_code": item.item.code, "enterprise_id": foreign_enterprise.pk},
        format="json",
    )
    assert response.status_code == 403
    assert "不能以企业名义申请" in response.data["detail"]
    assert not Application.objects.exists()


def test_create_with_a_bad_agent_saves_nothing(api, applicant, item):
    response = api.post(
        "/api/v1/applications/",
        {"item_code": item.item.code, "agent": {"name": "我", "id_number": applicant.id_number}},
        format="json",
    )
    assert response.status_code == 400
    assert response.data["code"] == "agent_is_applicant"
    assert not Application.objects.exists()


def test_create_for_an_unknown_item(api):
    response = api.post("/api/v1/applications/", {"item_code": "NOPE"}, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "unknown_item"


def test_update_the_draft_and_clear_the_agent(api, applicant, item):
    application = start_online(item, applicant)
    url = f"/api/v1/applications/{application.pk}/"
    response = api.patch(
        url, {"delivery_method": "post", "delivery_address": "大连"}, format="json"
    )
    assert response.status_code == 400
    assert response.data["code"] == "no_post"  # this item does not deliver by post
    postal = start_online(make_item(postal_delivery_supported=True), applicant)
    response = api.patch(
        f"/api/v1/applications/{postal.pk}/", {"delivery_method": "post"}, format="json"
    )
    assert response.status_code == 400
    assert response.data["detail"] == "邮寄送达需要填写邮寄地址。"
    response = api.patch(url, {"agent": {"name": "张代办", "id_number": AGENT_ID}}, format="json")
    assert response.data["agent"]["name"] == "张代办"
    response = api.patch(url, {"agent": None, "contact_phone": "13922223333"}, format="json")
    assert response.status_code == 200
    assert response.data["agent"] is None
    assert response.data["contact_phone"] == "13922223333"
    response = api.patch(url, {"contact_phone": "123"}, format="json")
    assert response.status_code == 400
    assert "联系电话格式错误" in str(response.data)


# --- uploads ---------------------------------------------------------------------------------


def test_upload_material_multipart(api, applicant, item):
    application = start_online(item, applicant)
    response = api.post(
        f"/api/v1/applications/{application.pk}/materials/",
        {
            "material_id": material_id(application, "身份证明"),
            "file": SimpleUploadedFile("id.png", png_bytes()),
        },
        format="multipart",
    )
    assert response.status_code == 200, response.data
    slot = next(m for m in response.data["materials"] if m["name"] == "身份证明")
    assert slot["content_type"] == "image/png"
    assert slot["original_filename"] == "id.png"


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [
        ("id.png", pdf_bytes(), "disguised"),
        ("id.pdf", exe_bytes(), "bad_type"),
    ],
    ids=["png-that-is-a-pdf", "exe-renamed-pdf"],
)
def test_disguised_uploads_are_refused(api, applicant, item, filename, content, code):
    application = start_online(item, applicant)
    response = api.post(
        f"/api/v1/applications/{application.pk}/materials/",
        {
            "material_id": material_id(application, "身份证明"),
            "file": SimpleUploadedFile(filename, content),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.data["code"] == code
    assert not application.materials.exclude(file="").exists()


def test_oversized_upload_is_refused(api, applicant, item, settings):
    settings.INTAKE_UPLOAD_MAX_BYTES = 1024 * 1024
    application = start_online(item, applicant)
    response = api.post(
        f"/api/v1/applications/{application.pk}/materials/",
        {
            "material_id": material_id(application, "身份证明"),
            "file": SimpleUploadedFile("big.pdf", pdf_bytes() + b"0" * (1024 * 1024)),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.data["code"] == "too_large"
    assert "超过 1 MB 的上限" in response.data["detail"]


def test_upload_for_a_material_of_another_item(api, applicant, item):
    application = start_online(item, applicant)
    other = make_item()
    response = api.post(
        f"/api/v1/applications/{application.pk}/materials/",
        {"material_id": other.materials.first().pk, "file": pdf_file()},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.data["code"] == "unknown_material"


# --- submit, withdraw, resubmit ------------------------------------------------------------------


def test_submit_without_required_uploads_then_with_them(api, applicant, item):
    application = start_online(item, applicant)
    url = f"/api/v1/applications/{application.pk}/submit/"
    response = api.post(url)
    assert response.status_code == 400
    assert response.data["code"] == "missing_uploads"
    assert "身份证明、申请表" in response.data["detail"]
    application.refresh_from_db()
    assert application.status == CaseStatus.DRAFT
    upload_required(application)
    response = api.post(url)
    assert response.status_code == 200
    assert response.data["status"] == "submitted"
    assert response.data["submitted_at"]
    assert api.post(url).status_code == 400  # submitting twice


def test_agent_power_of_attorney_through_the_api(api, applicant, item):
    application = start_online(item, applicant)
    upload_required(application)
    base = f"/api/v1/applications/{application.pk}"
    response = api.post(f"{base}/power-of-attorney/", {"file": pdf_file()}, format="multipart")
    assert response.status_code == 400
    assert response.data["code"] == "no_agent"
    api.patch(f"{base}/", {"agent": {"name": "张代办", "id_number": AGENT_ID}}, format="json")
    assert api.post(f"{base}/submit/").data["code"] == "missing_uploads"
    response = api.post(f"{base}/power-of-attorney/", {"file": pdf_file()}, format="multipart")
    assert response.status_code == 200
    assert response.data["agent"]["power_of_attorney"]["size"] > 0
    assert api.post(f"{base}/submit/").data["status"] == "submitted"


def test_withdraw_then_not_twice(api, applicant, item):
    application = submit_online(applicant, item)
    url = f"/api/v1/applications/{application.pk}/withdraw/"
    response = api.post(url, {"reason": "不再需要"}, format="json")
    assert response.status_code == 200
    assert response.data["status"] == "withdrawn"
    assert "events" not in response.data  # a change answers the state; GET has the timeline
    detail = api.get(f"/api/v1/applications/{application.pk}/").data
    assert detail["events"][-1]["message"] == "申请人撤回申请：不再需要"
    assert api.post(url).status_code == 400


def test_withdraw_after_acceptance_is_refused(api, applicant, item):
    application = submit_online(applicant, item)
    accept_all(application, make_clerk())
    response = api.post(f"/api/v1/applications/{application.pk}/withdraw/")
    assert response.status_code == 400
    assert response.data["code"] == "transition"
    application.refresh_from_db()
    assert application.status in CASE_STATUSES


def test_withdraw_reason_too_long(api, applicant, item):
    application = submit_online(applicant, item)
    response = api.post(
        f"/api/v1/applications/{application.pk}/withdraw/", {"reason": "长" * 201}, format="json"
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED


def test_resubmit_after_correction(api, applicant, item):
    application = submit_online(applicant, item)
    request_correction(application, make_clerk(), defective="申请表")
    base = f"/api/v1/applications/{application.pk}"
    response = api.post(f"{base}/resubmit/")
    assert response.status_code == 400
    assert response.data["code"] == "not_corrected"
    api.post(
        f"{base}/materials/",
        {"material_id": material_id(application, "申请表"), "file": pdf_file("new.pdf")},
        format="multipart",
    )
    response = api.post(f"{base}/resubmit/")
    assert response.status_code == 200
    assert response.data["status"] == "submitted"
    assert api.get(f"{base}/").data["correction_notices"][0]["resolved_at"]


# --- schema ----------------------------------------------------------------------------


def test_every_endpoint_is_in_the_schema_with_its_permission(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    paths = schema["paths"]
    expected = {
        "/api/v1/applications/": {"get", "post"},
        "/api/v1/applications/{id}/": {"get", "patch"},
        "/api/v1/applications/{id}/materials/": {"post"},
        "/api/v1/applications/{id}/power-of-attorney/": {"post"},
        "/api/v1/applications/{id}/submit/": {"post"},
        "/api/v1/applications/{id}/withdraw/": {"post"},
        "/api/v1/applications/{id}/resubmit/": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            operation = paths[path][method]
            assert "Permission" in operation["description"], (path, method)
            assert operation["security"], (path, method)
    upload = paths["/api/v1/applications/{id}/materials/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_uploading_to_a_withdrawn_application_says_it_was_withdrawn(api, applicant, item):
    application = submit_online(applicant, item)
    assert api.post(f"/api/v1/applications/{application.pk}/withdraw/").status_code == 200
    response = api.post(
        f"/api/v1/applications/{application.pk}/materials/",
        {"material_id": material_id(application, "身份证明"), "file": pdf_file("id.pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "申请已撤回，不能再上传或修改材料。如需办理，请重新申请。"
    assert response.json()["code"] == "not_editable"
    response = api.patch(f"/api/v1/applications/{application.pk}/", {"note": "补充"}, format="json")
    assert (
        response.json()["detail"] == "申请已撤回，不能再上传或修改申请内容。如需办理，请重新申请。"
    )


def test_a_fellow_representative_reads_the_phone_numbers_masked(
    api, applicant, item, enterprise, colleague
):
    """Another representative of the enterprise may follow the case, but has no task
    that needs the applicant's or the agent's telephone: both are masked for them. The
    applicant keeps them in full (they edit them)."""
    application = submit_online(
        applicant,
        item,
        enterprise=enterprise,
        contact_phone="13911112222",
        form_data={"agent": {"name": "张代办", "id_number": AGENT_ID, "phone": "13700000000"}},
    )
    url = f"/api/v1/applications/{application.pk}/"
    client = APIClient()
    client.force_authenticate(colleague.user)
    body = client.get(url).content.decode()
    for number in ("13911112222", "13700000000", AGENT_ID):
        assert number not in body
    data = client.get(url).data
    assert (data["contact_phone"], data["agent"]["phone"]) == ("139****2222", "137****0000")

    data = api.get(url).data
    assert (data["contact_phone"], data["agent"]["phone"]) == ("13911112222", "13700000000")
