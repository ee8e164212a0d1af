"""一件事 (bundles): one intake, one merged material list, one case per item, each
routed on its own; the applicant sees one application. Online and at the counter."""

import pytest

from catalog.constants import MaterialRequirement
from intake.citizen_selectors import bundle_status
from intake.constants import CASE_STATUSES, CaseAction, CaseStatus, Channel
from intake.errors import IntakeError, IntakePermissionDenied
from intake.models import Application, BundleApplication, CaseEvent
from intake.services.bundles import (
    bundle_application_create,
    bundle_application_receive,
    bundle_application_submit,
    bundle_application_withdraw,
    bundle_material_upload,
)
from jinpu_portal.models import Notification
from tests.factories import (
    ApplicationFactory,
    accept_all,
    exe_bytes,
    make_bundle,
    make_citizen,
    make_clerk,
    make_enterprise,
    make_item,
    pdf_file,
    request_correction,
)

pytestmark = pytest.mark.django_db

ID_CARD = {"name": "身份证明", "issuing_body": "公安机关", "originals": 1}


@pytest.fixture
def versions():
    """Three items; 身份证明 is needed by all of them, 营业执照 by two (once with
    spaces in its name), the rest by one each."""
    return [
        make_item(
            name="企业设立登记",
            materials=[ID_CARD, {"name": "公司章程", "originals": 1}],
        ),
        make_item(
            name="公章刻制备案",
            materials=[ID_CARD, {"name": "营业执照", "originals": 1}],
        ),
        make_item(
            name="社保登记",
            materials=[
                ID_CARD,
                {"name": "营业 执照", "originals": 1},
                {
                    "name": "参保人员名单",
                    "originals": 1,
                    "requirement": MaterialRequirement.OPTIONAL,
                },
            ],
        ),
    ]


@pytest.fixture
def bundle(versions):
    return make_bundle("kaiban", versions)


@pytest.fixture
def applicant():
    return make_citizen("周婷")


def start(bundle, applicant, **kwargs):
    return bundle_application_create(
        bundle=bundle, applicant=applicant, actor=applicant.user, channel=Channel.ONLINE, **kwargs
    )


def slot(application, name):
    return application.materials.select_related("material").get(material__name=name)


def upload(bundle_application, application, name, actor, file=None):
    return bundle_material_upload(
        bundle_application=bundle_application,
        material=slot(application, name).material,
        uploaded_file=file or pdf_file(f"{name}.pdf"),
        actor=actor,
    )


def fill_everything(bundle_application, actor):
    first, second, third = bundle_application.applications.order_by("pk")
    upload(bundle_application, first, "身份证明", actor)
    upload(bundle_application, first, "公司章程", actor)
    upload(bundle_application, second, "营业执照", actor)


# --- creating --------------------------------------------------------------------------


def test_one_intake_creates_one_draft_case_per_item(bundle, applicant, versions):
    bundle_application = start(bundle, applicant, contact_phone="13800000000")
    applications = list(bundle_application.applications.order_by("pk"))
    assert [a.item_version for a in applications] == versions
    for application in applications:
        assert application.status == CaseStatus.DRAFT
        assert application.channel == Channel.ONLINE
        assert application.applicant == applicant
        assert application.contact_phone == "13800000000"
        assert application.events.filter(action=CaseAction.CREATE).count() == 1
    assert [a.materials.count() for a in applications] == [2, 2, 3]
    assert bundle_application.created_by == applicant.user


def test_online_bundle_with_an_item_not_online_is_refused(applicant, versions):
    offline = make_item(name="刻制公章（现场）", online=False)
    bundle = make_bundle("mixed", [versions[0], offline])
    with pytest.raises(IntakeError) as refused:
        start(bundle, applicant)
    assert refused.value.code == "not_online"
    assert "需现场采集指纹和照片" in refused.value.messages[0]
    assert not BundleApplication.objects.exists()
    assert not Application.objects.exists()


def test_someone_else_cannot_start_a_bundle_online_for_the_applicant(bundle, applicant):
    with pytest.raises(IntakePermissionDenied):
        bundle_application_create(
            bundle=bundle,
            applicant=applicant,
            actor=make_citizen("赵强").user,
            channel=Channel.ONLINE,
        )
    assert not BundleApplication.objects.exists()


def test_bundle_for_an_enterprise_one_does_not_represent_is_refused(bundle, applicant):
    foreign = make_enterprise(make_citizen("赵强"))
    with pytest.raises(IntakePermissionDenied):
        start(bundle, applicant, enterprise=foreign)
    assert not BundleApplication.objects.exists()
    assert not Application.objects.exists()
    mine = make_enterprise(applicant)
    bundle_application = start(bundle, applicant, enterprise=mine)
    assert {a.enterprise for a in bundle_application.applications.all()} == {mine}


def test_counter_bundles_need_a_clerk_at_a_window(bundle, applicant):
    with pytest.raises(IntakePermissionDenied):
        bundle_application_create(
            bundle=bundle, applicant=applicant, actor=applicant.user, channel=Channel.COUNTER
        )
    assert not BundleApplication.objects.exists()
    clerk = make_clerk()
    bundle_application = bundle_application_create(
        bundle=bundle,
        applicant=applicant,
        actor=clerk,
        channel=Channel.COUNTER,
        green_channel=True,
    )
    applications = list(bundle_application.applications.all())
    assert {a.window for a in applications} == {clerk.staff_profile.window}
    assert all(a.green_channel for a in applications)
    received = bundle_application_receive(bundle_application=bundle_application, actor=clerk)
    assert {a.status for a in received} == {CaseStatus.SUBMITTED}
    assert all(a.notices.filter(kind="receipt").exists() for a in received)


# --- one upload per material -------------------------------------------------------------


def test_a_shared_material_is_uploaded_once_and_fills_every_slot(bundle, applicant):
    bundle_application = start(bundle, applicant)
    first, second, third = bundle_application.applications.order_by("pk")
    filled = upload(bundle_application, first, "身份证明", applicant.user, pdf_file("身份证.pdf"))
    assert len(filled) == 3
    for application in (first, second, third):
        shared = slot(application, "身份证明")
        assert shared.original_filename == "身份证.pdf"
        assert shared.content_type == "application/pdf"
        assert application.events.filter(action=CaseAction.UPLOAD).count() == 1
    # Each case holds its own copy: replacing one later never deletes another's file.
    assert len({slot(a, "身份证明").file.name for a in (first, second, third)}) == 3

    # Names that differ only by spaces are the same material.
    filled = upload(bundle_application, second, "营业执照", applicant.user)
    assert {s.application_id for s in filled} == {second.pk, third.pk}
    assert slot(third, "营业 执照").file
    assert not slot(first, "公司章程").file


def test_a_disguised_file_fills_no_slot(bundle, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bundle_application = start(bundle, applicant)
    first = bundle_application.applications.order_by("pk").first()
    with pytest.raises(IntakeError) as refused:
        upload(
            bundle_application,
            first,
            "身份证明",
            applicant.user,
            SimpleUploadedFile("身份证.pdf", exe_bytes()),
        )
    assert refused.value.code == "bad_type"
    assert not CaseEvent.objects.filter(action=CaseAction.UPLOAD).exists()


def test_only_the_applicant_uploads(bundle, applicant):
    bundle_application = start(bundle, applicant)
    first = bundle_application.applications.order_by("pk").first()
    with pytest.raises(IntakePermissionDenied):
        upload(bundle_application, first, "身份证明", make_citizen("赵强").user)


def test_a_material_of_another_application_is_refused(bundle, applicant):
    bundle_application = start(bundle, applicant)
    other = make_item(name="不相干事项")
    with pytest.raises(IntakeError) as refused:
        bundle_material_upload(
            bundle_application=bundle_application,
            material=other.materials.first(),
            uploaded_file=pdf_file(),
            actor=applicant.user,
        )
    assert refused.value.code == "unknown_material"


# --- submitting and routing ------------------------------------------------------------------


def test_submit_refuses_all_when_one_item_lacks_a_material(bundle, applicant):
    bundle_application = start(bundle, applicant)
    first = bundle_application.applications.order_by("pk").first()
    upload(bundle_application, first, "身份证明", applicant.user)
    upload(bundle_application, first, "公司章程", applicant.user)
    with pytest.raises(IntakeError) as refused:
        bundle_application_submit(bundle_application=bundle_application, actor=applicant.user)
    message = refused.value.messages[0]
    assert "“公章刻制备案”缺少营业执照" in message
    assert "“社保登记”缺少营业 执照" in message
    assert "企业设立登记" not in message
    assert set(bundle_application.applications.values_list("status", flat=True)) == {
        CaseStatus.DRAFT
    }


def test_submit_then_each_case_is_routed_on_its_own(bundle, applicant):
    bundle_application = start(bundle, applicant)
    fill_everything(bundle_application, applicant.user)
    submitted = bundle_application_submit(
        bundle_application=bundle_application, actor=applicant.user
    )
    assert {a.status for a in submitted} == {CaseStatus.SUBMITTED}
    assert Notification.objects.filter(recipient=applicant.user, title="申请已提交").count() == 3
    first, second, third = bundle_application.applications.order_by("pk")
    clerk = make_clerk()
    accept_all(first, clerk)
    request_correction(second, clerk, defective="营业执照")
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.status in CASE_STATUSES
    assert first.case_number
    assert second.status == CaseStatus.CORRECTION_REQUESTED
    assert second.case_number is None
    assert third.status == CaseStatus.SUBMITTED

    # Correcting the one case through the bundle touches only the case open to changes.
    upload(bundle_application, second, "营业执照", applicant.user, pdf_file("新执照.pdf"))
    assert slot(second, "营业执照").original_filename == "新执照.pdf"
    assert slot(third, "营业 执照").original_filename == "营业执照.pdf"

    # The whole bundle can no longer be withdrawn; nothing changes.
    with pytest.raises(IntakeError) as refused:
        bundle_application_withdraw(bundle_application=bundle_application, actor=applicant.user)
    assert refused.value.code == "already_accepted"
    assert "企业设立登记" in refused.value.messages[0]
    third.refresh_from_db()
    assert third.status == CaseStatus.SUBMITTED


def test_withdraw_the_whole_bundle_before_acceptance(bundle, applicant):
    bundle_application = start(bundle, applicant)
    fill_everything(bundle_application, applicant.user)
    bundle_application_submit(bundle_application=bundle_application, actor=applicant.user)
    with pytest.raises(IntakePermissionDenied):
        bundle_application_withdraw(
            bundle_application=bundle_application, actor=make_citizen("赵强").user
        )
    withdrawn = bundle_application_withdraw(
        bundle_application=bundle_application, actor=applicant.user, reason="改为窗口办理"
    )
    assert {a.status for a in withdrawn} == {CaseStatus.WITHDRAWN}
    with pytest.raises(IntakeError):
        bundle_application_submit(bundle_application=bundle_application, actor=applicant.user)


# --- the applicant's pages ----------------------------------------------------------------------


def test_the_bundle_online_from_start_to_submission(client, bundle, applicant):
    client.force_login(applicant.user)
    page = client.get("/intake/bundles/").content.decode()
    assert "我要开办企业" in page
    assert "/intake/bundles/kaiban/apply/" in page
    page = client.get("/intake/bundles/kaiban/apply/").content.decode()
    assert "一次提交，用于 3 个事项" in page  # 身份证明
    response = client.post(
        "/intake/bundles/kaiban/apply/", {"apply_as": "person", "contact_phone": "13800000000"}
    )
    bundle_application = BundleApplication.objects.get()
    assert response["Location"] == f"/intake/my/bundles/{bundle_application.pk}/"
    first, second, third = bundle_application.applications.order_by("pk")

    page = client.get(response["Location"]).content.decode()
    id_field = f"material_{slot(first, '身份证明').material_id}"
    assert page.count('type="file"') == 4  # 身份证明, 公司章程, 营业执照, 参保人员名单
    assert id_field in page

    response = client.post(
        response["Location"],
        {
            "action": "submit",
            id_field: pdf_file("身份证.pdf"),
            f"material_{slot(first, '公司章程').material_id}": pdf_file("章程.pdf"),
        },
        follow=True,
    )
    assert "已保存上传的文件，但还不能提交" in response.content.decode()
    assert slot(third, "身份证明").original_filename == "身份证.pdf"
    response = client.post(
        f"/intake/my/bundles/{bundle_application.pk}/",
        {"action": "submit", f"material_{slot(second, '营业执照').material_id}": pdf_file()},
        follow=True,
    )
    assert "一件事申请已提交" in response.content.decode()
    assert set(bundle_application.applications.values_list("status", flat=True)) == {
        CaseStatus.SUBMITTED
    }


def test_my_applications_shows_a_bundle_as_one_application(client, bundle, applicant, versions):
    bundle_application = start(bundle, applicant)
    client.force_login(applicant.user)
    html = client.get("/intake/my/").content.decode()
    assert html.count("list-group-item list-group-item-action") == 1
    assert f"/intake/my/bundles/{bundle_application.pk}/" in html
    assert "一件事 · 3 个事项" in html
    for version in versions:
        assert version.name in html
    # An item case's own page links back to its bundle, where its draft is filled in.
    first = bundle_application.applications.order_by("pk").first()
    page = client.get(f"/intake/my/{first.pk}/").content.decode()
    assert f"/intake/my/bundles/{bundle_application.pk}/" in page
    assert f"/intake/my/{first.pk}/edit/" not in page
    response = client.get(f"/intake/my/{first.pk}/edit/")
    assert response["Location"] == f"/intake/my/bundles/{bundle_application.pk}/"


def test_a_disguised_file_on_the_bundle_page_saves_nothing(client, bundle, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bundle_application = start(bundle, applicant)
    first = bundle_application.applications.order_by("pk").first()
    client.force_login(applicant.user)
    response = client.post(
        f"/intake/my/bundles/{bundle_application.pk}/",
        {
            "action": "save",
            f"material_{slot(first, '公司章程').material_id}": pdf_file("章程.pdf"),
            f"material_{slot(first, '身份证明').material_id}": SimpleUploadedFile(
                "照片.png", b"%PDF-1.4 not a png"
            ),
        },
    )
    html = response.content.decode()
    assert "本次未保存任何内容" in html
    assert not slot(first, "公司章程").file
    # The good file was dropped with the page: the citizen is told to choose it again,
    # on top and at its slot (the page showed it 未上传 without a word).
    assert "请重新选择以下文件：章程.pdf。" in html
    name = f"material_{slot(first, '公司章程').material_id}"
    at_slot = html[html.index(f'for="id_{name}"') :]
    assert "您选择的“章程.pdf”未保存" in at_slot[: at_slot.index(f'name="{name}"')]
    assert html.count('data-testid="not-saved"') == 1


def test_bundle_pages_of_someone_else_are_404(client, bundle, applicant):
    bundle_application = start(bundle, applicant)
    client.force_login(make_citizen("赵强").user)
    assert client.get(f"/intake/my/bundles/{bundle_application.pk}/").status_code == 404
    assert client.post(f"/intake/my/bundles/{bundle_application.pk}/withdraw/").status_code == 404


def test_bundle_page_withdraw(client, bundle, applicant):
    bundle_application = start(bundle, applicant)
    client.force_login(applicant.user)
    page = client.get(f"/intake/my/bundles/{bundle_application.pk}/").content.decode()
    assert f"/intake/my/bundles/{bundle_application.pk}/withdraw/" in page
    assert (
        "确认撤回申请？"
        in client.get(f"/intake/my/bundles/{bundle_application.pk}/withdraw/").content.decode()
    )
    client.post(f"/intake/my/bundles/{bundle_application.pk}/withdraw/")
    assert set(bundle_application.applications.values_list("status", flat=True)) == {
        CaseStatus.WITHDRAWN
    }


def test_bundle_not_online_page_says_where_to_go(client, versions):
    offline = make_item(name="刻制公章（现场）", online=False)
    make_bundle("mixed", [versions[0], offline])
    html = client.get("/intake/bundles/mixed/apply/").content.decode()
    assert "该一件事暂不支持网上办理" in html
    assert "需现场采集指纹和照片" in html
    assert "开始申请" not in html


def test_a_bundle_whose_items_are_all_accepted_says_how_far_it_is():
    """Every item accepted, some concluded (the 即办件 of a 企业开办 at once), one still
    in approval: the 一件事 is 部分事项已办结, not 部分事项已受理 (they all are)."""
    in_approval = ApplicationFactory(in_approval=True)
    concluded = ApplicationFactory(concluded=True)
    assert bundle_status([in_approval, concluded]).label == "部分事项已办结"
    assert bundle_status([in_approval, ApplicationFactory(supplement_requested=True)]).label == (
        "已受理，办理中"
    )
    assert bundle_status([concluded, concluded]).label == "已办结"
    assert bundle_status([in_approval, ApplicationFactory(submitted=True)]).label == (
        "部分事项已受理"
    )
