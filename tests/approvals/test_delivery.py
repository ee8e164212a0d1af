"""Conclusion and delivery (办结, 统一出件): the decision document (per-item template,
seal image, verification code), the three delivery methods and their refusals, the
notifications, and the case timeline with working-day durations."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from PIL import Image, ImageDraw

from approvals.constants import DeliveryStatus, TaskStatus
from approvals.errors import ApprovalError, TaskConflict
from approvals.selectors import case_timeline, delivery_list_pending, result_notice
from approvals.services.conclusion import result_template_for
from approvals.services.delivery import delivery_hand_over, delivery_post, result_download
from approvals.services.tasks import task_approve, task_claim
from intake.constants import DeliveryMethod, NoticeKind, NoticeStatus
from intake.services.notices import notice_verify_url
from jinpu_portal.models import Notification
from jinpu_portal.pdf import qr_data_uri
from tests.factories import CitizenFactory, UserFactory, make_supervisor, make_version

pytestmark = pytest.mark.django_db

WANG = "11010519491231002X"  # the citizen fixture's ID number


def seal_png() -> bytes:
    image = Image.new("RGBA", (240, 240), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 232, 232), outline=(200, 30, 30, 255), width=10)
    draw.regular_polygon((120, 120, 40), 5, fill=(200, 30, 30, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def conclude(case, approver, capture):
    """Approve every stage; render the decision after commit (Celery runs eagerly)."""
    with capture(execute=True):
        while case.tasks.filter(status__in=("open", "claimed")).exists():
            for task in case.tasks.filter(status__in=("open", "claimed")):
                task_approve(task=task, actor=approver, opinion="符合条件，同意。")
    case.refresh_from_db()
    return case


def test_the_decision_document(
    accept, sequential_version, spj, spj_approver, django_capture_on_commit_callbacks
):
    spj.seal_image.save("spj-seal.png", ContentFile(seal_png()))
    case = conclude(accept(sequential_version), spj_approver, django_capture_on_commit_callbacks)
    notice = result_notice(case)
    assert notice.kind == NoticeKind.APPROVAL_DECISION
    assert notice.status == NoticeStatus.READY
    assert notice.file.read(5) == b"%PDF-"
    assert len(notice.sha256) == 64
    assert notice.context["document_title"] == "准予行政许可决定书"
    assert notice.context["seal_image"].startswith("seals/")
    assert notice.context["result_template"] == "documents/results/default.html"
    assert [s["name"] for s in notice.context["steps"]] == ["审查", "决定"]

    html = render_to_string(
        "documents/intake/decision.html",
        {
            "notice": notice,
            "c": notice.context,
            "qr": qr_data_uri(notice_verify_url(notice)),
            "verify_url": notice_verify_url(notice),
            "seal_text": notice.context["seal_text"],
            "kind_label": "准予行政许可决定书",
        },
    )
    assert 'class="seal-image" src="data:image/png;base64,' in html
    assert "准予行政许可" in html
    assert notice.verification_code in html
    assert "/intake/verify/" in html
    assert "60日内" in html


def test_the_seal_placeholder_without_an_image(
    accept, sequential_version, spj_approver, django_capture_on_commit_callbacks
):
    case = conclude(accept(sequential_version), spj_approver, django_capture_on_commit_callbacks)
    notice = result_notice(case)
    html = render_to_string(
        "documents/intake/decision.html",
        {"notice": notice, "c": notice.context, "qr": "", "verify_url": "", "kind_label": ""},
    )
    assert '<img class="seal-image"' not in html
    assert "（电子印章）" in html


def test_an_item_template_overrides_the_result_body(settings, tmp_path, spj, spj_approver, accept):
    version = make_version(department=spj, steps=[(1, "决定", spj, 3)], code="11210213LIC000001")
    folder = tmp_path / "templates" / "documents" / "results"
    folder.mkdir(parents=True)
    (folder / "11210213LIC000001.html").write_text(
        "<p>兹准予{{ c.applicant_name }}从事测试经营活动。</p>", encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    assert result_template_for("11210213LIC000001") == "documents/results/11210213LIC000001.html"
    assert result_template_for("../../etc/passwd") == "documents/results/default.html"
    case = accept(version)
    task_approve(task=case.tasks.get(), actor=spj_approver, opinion="同意")
    notice = result_notice(case)
    assert notice.context["result_template"] == "documents/results/11210213LIC000001.html"
    html = render_to_string(
        "documents/intake/decision.html",
        {"notice": notice, "c": notice.context, "qr": "", "verify_url": "", "kind_label": ""},
    )
    assert "兹准予王芳从事测试经营活动。" in html


def test_window_pick_up_at_any_window(
    accept, sequential_version, spj_approver, clerk, citizen, django_capture_on_commit_callbacks
):
    case = accept(sequential_version)
    for task in case.tasks.all():
        task_approve(task=task, actor=spj_approver, opinion="同意")
    second = case.tasks.get(stage=2)
    # The decision is still being rendered (no commit yet): the clerk must wait.
    with django_capture_on_commit_callbacks(execute=False):
        task_approve(task=second, actor=spj_approver, opinion="同意")
    delivery = case.delivery
    with pytest.raises(ApprovalError, match="结果文书正在生成"):
        delivery_hand_over(
            delivery=delivery, actor=clerk, recipient_name="王芳", recipient_id_number=WANG
        )

    from intake.services.notices import notice_render

    notice_render(notice_id=result_notice(case).pk)
    assert [d.pk for d in delivery_list_pending()] == [delivery.pk]
    with pytest.raises(ApprovalError, match="领取人姓名"):
        delivery_hand_over(
            delivery=delivery, actor=clerk, recipient_name=" ", recipient_id_number=WANG
        )
    with pytest.raises(PermissionDenied):
        delivery_hand_over(
            delivery=delivery, actor=spj_approver, recipient_name="王芳", recipient_id_number=WANG
        )
    with pytest.raises(ApprovalError, match="不是邮寄送达"):
        delivery_post(delivery=delivery, actor=clerk, tracking_number="SF1234567890")

    delivery_hand_over(
        delivery=delivery, actor=clerk, recipient_name="王芳", recipient_id_number=WANG
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.recipient_name, delivery.delivered_by) == ("王芳", clerk)
    assert delivery.window == clerk.staff_profile.window
    assert list(delivery_list_pending()) == []
    assert Notification.objects.filter(recipient=citizen.user, title="办理结果已领取").exists()
    with pytest.raises(TaskConflict, match="不能重复登记"):
        delivery_hand_over(
            delivery=delivery, actor=clerk, recipient_name="王芳", recipient_id_number=WANG
        )


def test_post_records_the_tracking_number(
    accept, spj, spj_approver, clerk, citizen, django_capture_on_commit_callbacks
):
    version = make_version(
        department=spj, steps=[(1, "决定", spj, 3)], postal_delivery_supported=True
    )
    case = accept(
        version, delivery_method=DeliveryMethod.POST, delivery_address="大连市金州区友谊街道1号"
    )
    case = conclude(case, spj_approver, django_capture_on_commit_callbacks)
    delivery = case.delivery
    assert (delivery.method, delivery.address) == ("post", "大连市金州区友谊街道1号")
    with pytest.raises(ApprovalError, match="正确的快递单号"):
        delivery_post(delivery=delivery, actor=clerk, tracking_number="单号")
    delivery_post(delivery=delivery, actor=clerk, tracking_number="sf1234567890")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.tracking_number) == ("delivered", "SF1234567890")
    message = Notification.objects.get(recipient=citizen.user, title="办理结果已寄出")
    assert "SF1234567890" in message.body


def test_electronic_delivery_is_the_applicants_download(
    client, accept, sequential_version, spj_approver, citizen, django_capture_on_commit_callbacks
):
    case = accept(sequential_version, delivery_method=DeliveryMethod.ELECTRONIC)
    stranger = CitizenFactory()
    client.force_login(citizen.user)
    assert client.get(f"/approvals/cases/{case.pk}/result/").status_code == 302  # not yet
    case = conclude(case, spj_approver, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=citizen.user, title="您的办件已办结").exists()
    assert case.delivery.status == DeliveryStatus.PENDING

    client.force_login(stranger.user)
    assert client.get(f"/approvals/cases/{case.pk}/result/").status_code == 404
    with pytest.raises(PermissionDenied):
        result_download(application=case, actor=stranger.user)

    client.force_login(citizen.user)
    response = client.get(f"/approvals/cases/{case.pk}/result/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    case.delivery.refresh_from_db()
    assert case.delivery.status == DeliveryStatus.DELIVERED
    assert case.delivery.delivered_by == citizen.user
    # The citizen's "my applications" list shows the READY result notice too.
    assert case.notices.filter(kind=NoticeKind.APPROVAL_DECISION, status="ready").exists()


def test_the_concluded_message_opens_the_case_page_not_a_download(
    client, accept, sequential_version, spj_approver, citizen, django_capture_on_commit_callbacks
):
    """A tap on 您的办件已办结 opens the applicant's case page (the result card, the
    rating) and names the menu the citizen has (我的申请): it downloads nothing, so the
    electronic delivery is still the applicant's own download."""
    case = accept(sequential_version, delivery_method=DeliveryMethod.ELECTRONIC)
    case = conclude(case, spj_approver, django_capture_on_commit_callbacks)
    message = Notification.objects.get(recipient=citizen.user, title="您的办件已办结")
    assert message.url == f"/intake/my/{case.pk}/"
    assert "“我的申请”中下载结果文书" in message.body
    assert "我的办件" not in message.body

    client.force_login(citizen.user)
    response = client.post(f"/intake/notifications/{message.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/intake/my/{case.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f"/approvals/cases/{case.pk}/result/" in page.content.decode()  # 下载结果文书
    case.delivery.refresh_from_db()
    assert case.delivery.status == DeliveryStatus.PENDING


def test_staff_download_does_not_count_as_delivery(
    accept, sequential_version, spj_approver, clerk, django_capture_on_commit_callbacks
):
    case = accept(sequential_version, delivery_method=DeliveryMethod.ELECTRONIC)
    case = conclude(case, spj_approver, django_capture_on_commit_callbacks)
    result_download(application=case, actor=clerk)
    case.delivery.refresh_from_db()
    assert case.delivery.status == DeliveryStatus.PENDING


def test_a_scoped_supervisor_downloads_only_results_in_scope(
    client, accept, sequential_version, spj, scj, spj_approver, django_capture_on_commit_callbacks
):
    case = conclude(accept(sequential_version), spj_approver, django_capture_on_commit_callbacks)
    client.force_login(make_supervisor(scj))  # the case is the 审批局's
    assert client.get(f"/approvals/cases/{case.pk}/result/").status_code == 404
    with pytest.raises(PermissionDenied):
        result_download(application=case, actor=make_supervisor(scj))
    client.force_login(make_supervisor(spj))
    assert client.get(f"/approvals/cases/{case.pk}/result/").status_code == 200


def test_timeline_shows_who_when_and_how_long(
    at, accept, parallel_version, scj, zjj, scj_approver, zjj_approver, spj_approver
):
    at(2026, 9, 28, 9)
    case = accept(parallel_version)
    at(2026, 9, 30, 16)
    task_claim(task=case.tasks.get(department=scj), actor=scj_approver)
    task_approve(task=case.tasks.get(department=scj), actor=scj_approver, opinion="同意")
    at(2026, 10, 9, 11)
    task_approve(task=case.tasks.get(department=zjj), actor=zjj_approver, opinion="同意")
    at(2026, 10, 12, 10)
    task_approve(task=case.tasks.get(stage=2), actor=spj_approver, opinion="准予")

    timeline = case_timeline(case)
    steps = {(s.task.stage, s.task.department.code): s for s in timeline.steps}
    assert steps[(1, "SCJ")].working_days == 2  # 9/29, 9/30
    assert steps[(1, "SCJ")].who == "钱市场"
    assert steps[(1, "ZJJ")].working_days == 4  # 9/29, 9/30, 10/8, 10/9
    assert steps[(2, "SPJ")].working_days == 2  # from 10/9: 10/10 (Saturday worked), 10/12
    assert steps[(2, "SPJ")].label == "同意，用时 2 个工作日"
    assert all(s.task.status == TaskStatus.COMPLETED for s in timeline.steps)
    assert timeline.total_working_days == 6
    messages = [e.message for e in timeline.events]
    assert any("金普新区市场监督管理局“市场监管审查”同意（用时 2 个工作日）" in m for m in messages)
    assert any(m.startswith("审批通过，办结") for m in messages)
    actors = {e.actor for e in timeline.events if e.actor}
    assert {scj_approver, zjj_approver, spj_approver} <= actors


def test_a_user_without_roles_sees_no_counter(client, db):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/approvals/counter/").status_code == 403


def test_downloading_the_result_from_my_applications_is_the_electronic_delivery(
    client, accept, sequential_version, spj_approver, citizen, django_capture_on_commit_callbacks
):
    case = accept(sequential_version, delivery_method=DeliveryMethod.ELECTRONIC)
    case = conclude(case, spj_approver, django_capture_on_commit_callbacks)
    result = case.notices.get(kind=NoticeKind.APPROVAL_DECISION)

    client.force_login(citizen.user)
    response = client.get(f"/intake/my/{case.pk}/notices/{result.pk}/")

    assert response.status_code == 200
    case.delivery.refresh_from_db()
    assert case.delivery.status == DeliveryStatus.DELIVERED
    assert case.delivery.delivered_by == citizen.user


def test_an_immediate_case_is_handed_over_where_and_when_it_concludes(
    immediate_item, clerk, citizen
):
    # A 即办件 concluded on the spot: its result was handed over at the clerk's window
    # there and then, whatever delivery the application named; the record says so.
    from approvals.constants import ApprovalEvent
    from supervision.refresh import visit_days
    from tests.factories import accept_case

    case = accept_case(
        immediate_item,
        clerk=clerk,
        applicant=citizen,
        delivery_method=DeliveryMethod.ELECTRONIC,
        conclude_immediately=True,
    )
    delivery = case.delivery
    assert delivery.method == DeliveryMethod.WINDOW
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.window_id == case.window_id
    assert delivery.delivered_at == case.concluded_at
    assert delivery.delivered_by == clerk
    assert delivery.recipient_name == ""
    assert not delivery_list_pending().filter(pk=delivery.pk).exists()
    event = case.events.get(action=ApprovalEvent.DELIVERED)
    assert (event.at, event.window_id, event.hall_id) == (
        case.concluded_at,
        case.window_id,
        case.hall_id,
    )
    assert event.details["on_the_spot"] is True
    # 一次办结: the hand-over is part of the conclusion's visit, not a second one.
    assert visit_days([case.pk]) == {case.pk: 1}
