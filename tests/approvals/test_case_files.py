"""Approvers open the case's materials (issue 12 item 12): the applicant's uploads and
the counter's scans, served by a view that checks the approver's department is on the
case's route, inline for PDF and images; the clerk's scan upload at the workbench."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from intake.constants import CaseAction, Channel, MaterialStatus
from intake.errors import IntakeError, IntakePermissionDenied
from intake.services.cases import (
    application_create,
    application_submit,
    counter_receive,
    material_scan,
)
from tests.factories import (
    accept_all,
    exe_bytes,
    make_citizen,
    make_clerk,
    make_item,
    make_version,
    pdf_bytes,
    pdf_file,
    png_bytes,
    png_file,
    start_online,
    upload_required,
)

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def case(accept, sequential_version):
    """A counter case at the 审批局 (both stages there), every material received."""
    return accept(sequential_version)


def scan(case, clerk, name="申请书", upload=None):
    slot = case.materials.get(material__name=name)
    return material_scan(
        application=case,
        material=slot.material,
        uploaded_file=upload or pdf_file("申请书扫描.pdf", text="scan"),
        actor=clerk,
    )


def material_url(case, slot):
    return f"/approvals/cases/{case.pk}/materials/{slot.pk}/"


def test_approver_on_the_route_opens_the_scan_inline(client, case, clerk, spj_approver):
    slot = scan(case, clerk)
    client.force_login(spj_approver)
    response = client.get(material_url(case, slot))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''%E7%94%B3%E8%AF%B7" in response["Content-Disposition"]
    assert body(response) == pdf_bytes("scan")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_images_open_inline_too(client, case, clerk, spj_approver):
    slot = scan(case, clerk, name="身份证明", upload=png_file("身份证.png"))
    client.force_login(spj_approver)
    response = client.get(material_url(case, slot))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert body(response) == png_bytes()


def test_approver_of_another_department_gets_404(client, case, clerk, scj_approver):
    slot = scan(case, clerk)
    client.force_login(scj_approver)
    assert client.get(material_url(case, slot)).status_code == 404
    assert client.get(f"/approvals/cases/{case.pk}/power-of-attorney/").status_code == 404


def test_a_later_stage_department_is_on_the_route(client, accept, spj, zjj, clerk, zjj_approver):
    """住建 decides in stage 2, not yet routed: its approvers may read the file already."""
    version = make_version(department=spj, steps=[(1, "审查", spj, 5), (2, "复核", zjj, 3)])
    case = accept(version)
    assert not case.tasks.filter(department=zjj).exists()
    slot = scan(case, clerk)
    client.force_login(zjj_approver)
    assert client.get(material_url(case, slot)).status_code == 200


def test_an_application_not_yet_accepted_is_404(
    client, sequential_version, clerk, citizen, spj_approver
):
    """Received at the counter, scanned, not accepted: not the departments' business yet."""
    application = application_create(
        item_version=sequential_version,
        applicant=citizen,
        actor=clerk,
        channel=Channel.COUNTER,
    )
    counter_receive(application=application, actor=clerk)
    slot = scan(application, clerk)
    client.force_login(spj_approver)
    assert client.get(material_url(application, slot)).status_code == 404


def test_a_slot_of_another_case_is_404(
    client, accept, case, clerk, sequential_version, spj_approver
):
    other = accept(sequential_version)
    slot = scan(other, clerk)
    client.force_login(spj_approver)
    assert client.get(material_url(case, slot)).status_code == 404  # slot of `other`
    assert client.get(material_url(other, slot)).status_code == 200


def test_citizens_and_clerks_cannot_use_the_approvers_view(client, case, clerk, citizen):
    slot = scan(case, clerk)
    client.force_login(citizen.user)
    assert client.get(material_url(case, slot)).status_code == 403
    client.force_login(clerk)
    assert client.get(material_url(case, slot)).status_code == 403


def test_task_page_links_every_uploaded_material(client, case, clerk, spj_approver):
    slot = scan(case, clerk)
    client.force_login(spj_approver)
    html = client.get(f"/approvals/tasks/{case.tasks.get().pk}/").content.decode()
    assert f'href="{material_url(case, slot)}" target="_blank" rel="noopener"' in html
    assert "申请书扫描.pdf" in html
    assert "窗口扫描件" in html
    assert "无电子件（纸质材料在窗口，尚未扫描上传）" in html  # 身份证明, not scanned
    assert "/media/" not in html


# --- an online case: the applicant's uploads ------------------------------------------


@pytest.fixture
def online_case(spj):
    version = make_item(department=spj)
    applicant = make_citizen()
    application = start_online(version, applicant)
    upload_required(application)
    application_submit(application=application, actor=applicant.user)
    accept_all(application, make_clerk(username="online-clerk"))
    application.refresh_from_db()
    return application


def test_approver_opens_an_online_upload(client, online_case, spj_approver):
    slot = online_case.materials.get(material__name="身份证明")
    client.force_login(spj_approver)
    response = client.get(material_url(online_case, slot))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    html = client.get(f"/approvals/tasks/{online_case.tasks.get().pk}/").content.decode()
    assert "申请人上传" in html


def test_citizen_opens_own_material_inline_and_not_anothers(client, online_case, citizen):
    slot = online_case.materials.get(material__name="身份证明")
    url = f"/intake/my/{online_case.pk}/materials/{slot.pk}/"
    client.force_login(online_case.applicant.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    client.force_login(citizen.user)  # another citizen
    assert client.get(url).status_code == 404


# --- the clerk's scan upload -----------------------------------------------------------


def scan_url(case, slot):
    return f"/intake/workbench/applications/{case.pk}/materials/{slot.material_id}/scan/"


def test_clerk_uploads_a_scan_at_the_workbench(client, case, clerk, spj_approver):
    slot = case.materials.get(material__name="申请书")
    client.force_login(clerk)
    page = client.get(f"/intake/workbench/applications/{case.pk}/").content.decode()
    assert "纸质材料扫描件" in page
    assert scan_url(case, slot) in page
    response = client.post(
        scan_url(case, slot), {"scan": SimpleUploadedFile("scan.jpg", _jpeg())}, follow=True
    )
    assert "已上传“申请书”的扫描件" in response.content.decode()
    slot.refresh_from_db()
    assert slot.content_type == "image/jpeg"
    assert slot.original_filename == "scan.jpg"
    assert slot.status == MaterialStatus.RECEIVED
    assert case.events.filter(action=CaseAction.UPLOAD, message__contains="扫描件").exists()
    client.force_login(spj_approver)
    response = client.get(material_url(case, slot))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")


def test_scan_content_is_checked_and_nothing_is_saved(client, case, clerk):
    slot = case.materials.get(material__name="申请书")
    client.force_login(clerk)
    response = client.post(
        scan_url(case, slot), {"scan": SimpleUploadedFile("扫描.pdf", exe_bytes())}, follow=True
    )
    assert "扫描件未上传" in response.content.decode()
    assert "内容不是 PDF、JPEG 或 PNG" in response.content.decode()
    slot.refresh_from_db()
    assert not slot.file
    assert not case.events.filter(action=CaseAction.UPLOAD).exists()
    response = client.post(scan_url(case, slot), {}, follow=True)
    assert "请选择要上传的扫描件" in response.content.decode()


def test_scan_rules(case, clerk, online_case, accept, sequential_version):
    # another window may not
    with pytest.raises(IntakePermissionDenied, match="其他窗口不能处理"):
        scan(case, make_clerk(hall_code="JZ", number=7, username="far-clerk"))
    # an online case's files are the applicant's
    with pytest.raises(IntakeError, match="由申请人上传"):
        scan(online_case, clerk, name="身份证明")
    # a material not handed over has nothing to scan
    other = accept(sequential_version)
    other.materials.filter(material__name="申请书").update(status=MaterialStatus.MISSING)
    with pytest.raises(IntakeError, match="没有收到纸质材料"):
        scan(other, clerk)
    # a material of another item is not one of the case's
    foreign = make_item(name="别的事项").materials.get(name="申请表")
    with pytest.raises(IntakeError, match="该材料不属于本申请") as refused:
        material_scan(application=case, material=foreign, uploaded_file=pdf_file(), actor=clerk)
    assert refused.value.code == "unknown_material"
    # a scan replaces the previous one
    first = scan(case, clerk)
    old_name = first.file.name
    second = scan(case, clerk, upload=png_file("重扫.png"))
    assert second.file.name != old_name
    assert second.content_type == "image/png"


def test_approver_task_page_offers_no_scan_form(client, case, spj_approver):
    client.force_login(spj_approver)
    html = client.get(f"/approvals/tasks/{case.tasks.get().pk}/").content.decode()
    assert 'name="scan"' not in html


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()
