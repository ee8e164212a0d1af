"""The applicant's pages (网上办): start, draft, uploads, submit, my applications,
the timeline, notices, correction, withdrawal, in-portal messages. Each refusal of a
bad action leaves nothing half-saved."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.formats import date_format

from intake.constants import CASE_STATUSES, CaseAction, CaseStatus, Channel, NoticeStatus
from intake.errors import IntakeError, IntakePermissionDenied
from intake.models import Application, CaseEvent, SubmittedMaterial
from intake.services.cases import application_create, application_submit
from jinpu_portal.models import Notification
from tests.factories import (
    ApplicationFactory,
    accept_all,
    authorize_agent,
    exe_bytes,
    make_citizen,
    make_clerk,
    make_enterprise,
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


def login(client, citizen):
    client.force_login(citizen.user)
    return client


@pytest.fixture
def draft(client, applicant, item):
    """The applicant's online draft of ``item``, the applicant signed in on ``client``."""
    login(client, applicant)
    return start_online(item, applicant)


def slots_of(application):
    return {s.material.name: s for s in application.materials.select_related("material")}


def field(application, name):
    return f"material_{slots_of(application)[name].material_id}"


def save_draft(client, application, *, follow=False, **post):
    """POST the draft form (``draft_post``) of ``application`` as the signed-in client."""
    return client.post(
        f"/intake/my/{application.pk}/edit/", draft_post(application, **post), follow=follow
    )


def draft_post(application, *, action="save", files=None, **overrides):
    data = {
        "contact_phone": "13900000001",
        "delivery_method": "window",
        "delivery_address": "",
        "note": "",
        "action": action,
        **overrides,
    }
    for name, upload in (files or {}).items():
        data[field(application, name) if name != "power_of_attorney" else name] = upload
    return data


# --- starting ------------------------------------------------------------------------


def test_item_not_online_says_why_and_where_to_go(client):
    version = make_item(name="居民身份证申领", online=False)
    response = client.get(f"/intake/apply/{version.item.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "暂不支持网上办理" in html
    assert "需现场采集指纹和照片" in html
    assert "金普新区政务服务中心金普厅" in html
    assert "开始申请" not in html


def test_applying_online_for_an_item_not_online_is_refused(client, applicant):
    version = make_item(online=False)
    login(client, applicant).post(f"/intake/apply/{version.item.code}/", {"apply_as": "person"})
    assert not Application.objects.exists()
    with pytest.raises(IntakeError) as refused:
        start_online(version, applicant)
    assert refused.value.code == "not_online"
    assert "需现场采集指纹和照片" in refused.value.messages[0]


def test_unknown_item_is_404(client, applicant):
    assert login(client, applicant).get("/intake/apply/NOPE/").status_code == 404


def test_starting_needs_sign_in(client, item):
    response = client.get(f"/intake/apply/{item.item.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/intake/apply/")


def test_staff_without_the_citizen_role_are_refused(client, item):
    client.force_login(make_clerk())
    response = client.get(f"/intake/apply/{item.item.code}/")
    assert response.status_code == 403
    assert "仅供办事群众使用" in response.content.decode()
    assert client.get("/intake/my/").status_code == 403


def test_start_as_oneself_creates_a_draft_with_a_slot_per_material(client, applicant, item):
    response = login(client, applicant).post(
        f"/intake/apply/{item.item.code}/", {"apply_as": "person"}
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/my/{application.pk}/edit/"
    assert application.status == CaseStatus.DRAFT
    assert application.channel == Channel.ONLINE
    assert application.enterprise is None
    assert sorted(slots_of(application)) == ["其他材料", "申请表", "身份证明"]
    page = client.get(response["Location"]).content.decode()
    for name in ("身份证明", "申请表", "其他材料", "须本人签字"):
        assert name in page


def test_start_for_an_enterprise_one_represents(client, applicant, item, enterprise):
    page = login(client, applicant).get(f"/intake/apply/{item.item.code}/").content.decode()
    assert "以企业名义申请：大连李明商贸有限公司" in page
    client.post(f"/intake/apply/{item.item.code}/", {"apply_as": str(enterprise.pk)})
    application = Application.objects.get()
    assert application.enterprise == enterprise
    assert application.applicant == applicant


def test_the_case_header_names_the_legal_representative_as_such(client, applicant, item):
    """An enterprise's case says who applied for it: its legal representative as
    法定代表人, anyone else authorized as 经办人 (on the draft and on the case page)."""
    enterprise = make_enterprise(applicant, name="金普示范有限公司")
    agent = make_citizen("孙丽")
    authorize_agent(enterprise, applicant, agent)
    own = start_online(item, applicant, enterprise=enterprise)
    by_agent = start_online(item, agent, enterprise=enterprise)
    for url in (f"/intake/my/{own.pk}/edit/", f"/intake/my/{own.pk}/"):
        html = login(client, applicant).get(url, follow=True).content.decode()
        assert f"申请人：金普示范有限公司（法定代表人 {applicant.name}）" in html
        assert "经办人 " not in html
    html = login(client, agent).get(f"/intake/my/{by_agent.pk}/").content.decode()
    assert "申请人：金普示范有限公司（经办人 孙丽）" in html


def test_applying_for_an_enterprise_one_does_not_represent_is_refused(
    client, applicant, item, foreign_enterprise
):
    response = login(client, applicant).post(
        f"/intake/apply/{item.item.code}/", {"apply_as": str(foreign_enterprise.pk)}
    )
    assert response.status_code == 400
    assert "只能以本人或您代表的企业名义申请" in response.content.decode()
    assert not Application.objects.exists()
    with pytest.raises(IntakePermissionDenied):
        start_online(item, applicant, enterprise=foreign_enterprise)
    assert not Application.objects.exists()


def test_start_page_says_how_one_comes_to_act_for_an_enterprise(client, applicant, item):
    """No company is added online (accounts.views.ENTERPRISE_BY_WINDOW): the start page
    says who may apply for one and how one becomes so, for an item of persons and legal
    persons and for one of legal persons only; nothing of it for one of persons only, or
    once the applicant represents a company."""
    legal_only = make_item(name="排污许可证核发", service_object_codes=("2",))
    person_only = make_item(name="临时救助", service_object_codes=("1",))
    login(client, applicant)

    def how(version):
        html = client.get(f"/intake/apply/{version.item.code}/").content.decode()
        found = re.search(r'data-testid="enterprise-how">(.*?)</(?:p|div)>', html, re.S)
        return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""

    for version in (item, legal_only):
        text = how(version)
        assert "添加" not in text, text  # nothing to add on 实名信息与企业
        assert "法定代表人（首次请持营业执照和本人身份证到综合窗口登记）" in text
        assert "经法定代表人授权的经办人" in text
    assert "该事项面向法人办理，您还不能代表任何企业" in how(legal_only)
    assert "企业" not in how(person_only)

    make_enterprise(applicant, name="大连李明商贸有限公司")
    assert "法定代表人" not in how(item)


def test_start_page_offers_to_resume_a_draft(client, applicant, item):
    draft = start_online(item, applicant)
    page = login(client, applicant).get(f"/intake/apply/{item.item.code}/").content.decode()
    assert f"/intake/my/{draft.pk}/edit/" in page
    assert "继续填写" in page


# --- the draft -------------------------------------------------------------------------


def test_save_draft_with_uploads_then_resume_later(client, draft):
    response = save_draft(
        client,
        draft,
        contact_phone="0411-87654321",
        note="申请新开门店",
        files={
            "身份证明": SimpleUploadedFile("身份证.png", png_bytes()),
            "申请表": SimpleUploadedFile("申请表.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT
    assert draft.contact_phone == "0411-87654321"
    assert draft.form_data["note"] == "申请新开门店"
    slots = slots_of(draft)
    assert slots["身份证明"].content_type == "image/png"
    assert slots["申请表"].content_type == "application/pdf"
    assert not slots["其他材料"].file
    page = client.get(f"/intake/my/{draft.pk}/edit/").content.decode()
    assert "已上传：身份证.png" in page
    assert "已上传：申请表.pdf" in page
    assert "草稿已保存" in page


def test_submit_without_required_uploads_is_refused_and_stays_a_draft(client, draft):
    response = save_draft(
        client, draft, action="submit", files={"身份证明": pdf_file()}, follow=True
    )
    html = response.content.decode()
    assert "还不能提交：请先上传必要材料：申请表" in html
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT
    assert slots_of(draft)["身份证明"].file  # what was uploaded is kept in the draft
    assert not draft.events.filter(action=CaseAction.SUBMIT).exists()
    assert not Notification.objects.filter(title="申请已提交").exists()


def test_submit_with_every_required_upload(client, draft, applicant):
    response = save_draft(
        client,
        draft,
        action="submit",
        files={"身份证明": pdf_file("a.pdf"), "申请表": pdf_file("b.pdf")},
    )
    assert response["Location"] == f"/intake/my/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == CaseStatus.SUBMITTED
    assert draft.submitted_at is not None
    note = Notification.objects.get(recipient=applicant.user, title="申请已提交")
    assert note.url == f"/intake/my/{draft.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "待预审" in page
    assert "提交申请" in page
    assert "网上提交申请，等待综合窗口预审" in page
    assert "申请人" in page


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("身份证.png", pdf_bytes(), "扩展名与内容不符"),
        ("申请表.pdf", exe_bytes(), "内容不是 PDF、JPEG 或 PNG"),
        ("空文件.pdf", b"", "空文件"),
    ],
    ids=["png-that-is-a-pdf", "exe-renamed-pdf", "empty"],
)
def test_disguised_or_bad_uploads_are_refused_and_nothing_is_saved(
    client, draft, filename, content, message
):
    response = save_draft(
        client,
        draft,
        contact_phone="13911112222",
        files={
            "身份证明": SimpleUploadedFile(filename, content),
            "申请表": pdf_file("good.pdf"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "本次未保存任何内容" in html
    assert 'value="13911112222"' in html  # what was typed is kept
    # The good file was dropped with the page: the citizen is told to choose it again,
    # on top and at its slot (the page said nothing, and showed the slot as 未上传).
    assert "请重新选择以下文件：good.pdf" in html
    slot = html[html.index(f'for="id_{field(draft, "申请表")}"') :]
    assert "您选择的“good.pdf”未保存" in slot[: slot.index(f'name="{field(draft, "申请表")}"')]
    assert html.count('data-testid="not-saved"') == 1
    draft.refresh_from_db()
    assert draft.contact_phone == "13900000001"  # the valid field was not saved either
    assert not SubmittedMaterial.objects.filter(application=draft).exclude(file="").exists()
    assert not draft.events.filter(action=CaseAction.UPLOAD).exists()


def test_oversized_upload_is_refused(client, applicant, item, settings):
    settings.INTAKE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    application = start_online(item, applicant)
    big = pdf_bytes() + b"%" + b"0" * (3 * 1024 * 1024)
    login(client, applicant)
    response = save_draft(
        client, application, files={"申请表": SimpleUploadedFile("大文件.pdf", big)}
    )
    html = response.content.decode()
    assert "超过 2 MB 的上限" in html
    assert not slots_of(application)["申请表"].file


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [("setup.pdf", exe_bytes(), "bad_type"), ("scan.png", pdf_bytes(), "disguised")],
    ids=["executable", "pdf-named-png"],
)
def test_the_same_checks_hold_in_the_service(applicant, item, filename, content, code):
    from intake.services.cases import material_upload

    application = start_online(item, applicant)
    with pytest.raises(IntakeError) as refused:
        material_upload(
            application=application,
            material=slots_of(application)["身份证明"].material,
            uploaded_file=SimpleUploadedFile(filename, content),
            actor=applicant.user,
        )
    assert refused.value.code == code


def test_an_agent_needs_a_power_of_attorney(client, applicant, item):
    application = start_online(item, applicant)
    upload_required(application)
    login(client, applicant)
    with_agent = {
        "has_agent": "on",
        "agent_name": "张代办",
        "agent_id_number": AGENT_ID,
        "agent_phone": "13700000000",
    }
    response = save_draft(client, application, action="submit", **with_agent, follow=True)
    assert "请先上传必要材料：授权委托书" in response.content.decode()
    application.refresh_from_db()
    assert application.status == CaseStatus.DRAFT
    assert application.form_data["agent"]["name"] == "张代办"

    # The ID number is never shown back in full; left blank, the one on file stays.
    page = client.get(f"/intake/my/{application.pk}/edit/").content.decode()
    assert AGENT_ID not in page
    assert "360426********0071" in page
    response = save_draft(
        client,
        application,
        action="submit",
        files={"power_of_attorney": pdf_file("授权委托书.pdf")},
        **{**with_agent, "agent_id_number": ""},
    )
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED
    assert application.form_data["agent"]["id_number"] == AGENT_ID
    assert application.form_data["agent"]["power_of_attorney"]["content_type"] == (
        "application/pdf"
    )
    detail = client.get(f"/intake/my/{application.pk}/").content.decode()
    assert "张代办（360426********0071）" in detail
    assert AGENT_ID not in detail
    download = client.get(f"/intake/my/{application.pk}/power-of-attorney/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_agent_cannot_be_the_applicant_and_needs_a_valid_id(client, draft, applicant):
    for id_number, message in [
        (applicant.id_number, "代办人不能是申请人本人"),
        ("360426199101010072", "校验位错误"),
    ]:
        response = save_draft(
            client, draft, has_agent="on", agent_name="张代办", agent_id_number=id_number
        )
        assert message in response.content.decode()
    draft.refresh_from_db()
    assert "agent" not in draft.form_data


def test_power_of_attorney_without_an_agent_is_refused(client, draft):
    response = save_draft(client, draft, files={"power_of_attorney": pdf_file()})
    assert "委托代办人办理时才需要上传授权委托书" in response.content.decode()
    draft.refresh_from_db()
    assert draft.form_data == {}


# --- my applications ---------------------------------------------------------------------


def test_my_applications_empty_state(client, applicant):
    html = login(client, applicant).get("/intake/my/").content.decode()
    assert "您还没有申请" in html
    assert "一件事一次办" in html


def test_my_pages_name_the_channel_plainly_and_a_concluded_case_its_date(client, applicant, item):
    """The applicant's pages say 窗口办理, not the staff's 综窗办; a concluded case says
    when it was concluded, not the promise it no longer runs against."""
    case = ApplicationFactory(
        concluded=True, channel=Channel.COUNTER, applicant=applicant, item_version=item
    )
    assert case.promised_due_date
    assert case.concluded_at
    concluded = date_format(timezone.localtime(case.concluded_at), "SHORT_DATE_FORMAT")
    html = login(client, applicant).get("/intake/my/").content.decode()
    assert f"{case.reference} · 窗口办理" in html
    assert f"已于 {concluded} 办结" in html
    assert "前办结" not in html
    html = client.get(f"/intake/my/{case.pk}/").content.decode()
    assert "窗口办理" in html
    for page in (html, client.get("/intake/my/").content.decode()):
        assert "综窗办" not in page
    # The case page keeps the promise and says it was met or not by when.
    promised = date_format(case.promised_due_date, "SHORT_DATE_FORMAT")
    assert re.sub(r"<[^>]+>", "", html).count(f"{promised} 前（已于 {concluded} 办结）") == 1


def test_a_terminated_case_promises_nothing_more(client, applicant, item):
    """A case ended by 终止办理 no longer reads 承诺 … 前办结 in 我的申请, and its page
    says the promise ended with the case."""
    case = ApplicationFactory(accepted=True, applicant=applicant, item_version=item)
    # The status alone is what these pages read (the act itself: approvals.services.tolerance).
    Application.objects.filter(pk=case.pk).update(status=CaseStatus.TERMINATED)
    promised = date_format(case.promised_due_date, "SHORT_DATE_FORMAT")
    html = login(client, applicant).get("/intake/my/").content.decode()
    assert "前办结" not in html
    html = client.get(f"/intake/my/{case.pk}/").content.decode()
    assert f"{promised} 前</span>（已终止办理）" in html


def test_my_applications_lists_own_with_status_badges(client, applicant, item, stranger):
    draft = start_online(item, applicant)
    submitted = submit_online(applicant, item)
    theirs = start_online(item, stranger)
    html = login(client, applicant).get("/intake/my/").content.decode()
    assert f"/intake/my/{draft.pk}/edit/" in html
    assert f"/intake/my/{submitted.pk}/" in html
    assert f"/intake/my/{theirs.pk}/" not in html
    assert 'class="badge align-self-start text-bg-secondary">草稿' in html
    assert 'class="badge align-self-start text-bg-primary">待预审' in html


def test_my_applications_is_paginated_with_a_flat_query_count(client, applicant, item):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, applicant)
    start_online(item, applicant)
    with CaptureQueriesContext(connection) as few:
        client.get("/intake/my/")
    for _ in range(19):
        start_online(item, applicant)
    with CaptureQueriesContext(connection) as many:
        page_one = client.get("/intake/my/").content.decode()
    assert len(many) == len(few)
    assert page_one.count("草稿，点击继续填写") == 10
    assert "第 1 / 2 页" in page_one
    page_two = client.get("/intake/my/?page=2").content.decode()
    assert page_two.count("草稿，点击继续填写") == 10


def test_my_applications_of_accepted_cases_has_a_flat_query_count(client, applicant, item):
    """Accepted cases carry promised dates, whose paused clocks the list reads (one
    prefetch for the page, not a query a case)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import accept_case, make_clerk

    clerk = make_clerk()
    login(client, applicant)
    accept_case(item, clerk=clerk, applicant=applicant)
    with CaptureQueriesContext(connection) as few:
        client.get("/intake/my/")
    for _ in range(4):
        accept_case(item, clerk=clerk, applicant=applicant)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/intake/my/").content.decode()
    assert page.count("承诺") >= 5
    assert len(many) == len(few)


def test_the_waiting_list_keeps_its_filter_from_page_to_page(client, applicant, item, monkeypatch):
    """待补正的申请, page 2 is still the waiting list (the pager keeps ``status=waiting``)."""
    monkeypatch.setattr("intake.views.citizen.PAGE_SIZE", 1)
    for _ in range(2):
        ApplicationFactory(correction_requested=True, applicant=applicant, item_version=item)
    start_online(item, applicant)  # a draft: on 我的申请, not on the waiting list
    login(client, applicant)
    page_one = client.get("/intake/my/?status=waiting").content.decode()
    assert "第 1 / 2 页" in page_one
    assert 'href="?status=waiting&page=2"' in page_one
    page_two = client.get("/intake/my/?status=waiting&page=2")
    assert page_two.context["waiting"]
    assert "第 2 / 2 页" in page_two.content.decode()


# --- what others may not do ----------------------------------------------------------------


def test_another_citizen_cannot_read_change_or_withdraw(client, applicant, item, stranger):
    application = submit_online(applicant, item)
    slot = application.materials.exclude(file="").first()
    login(client, stranger)
    for url in [
        f"/intake/my/{application.pk}/",
        f"/intake/my/{application.pk}/edit/",
        f"/intake/my/{application.pk}/withdraw/",
        f"/intake/my/{application.pk}/materials/{slot.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/intake/my/{application.pk}/withdraw/").status_code == 404
    assert client.post(f"/intake/my/{application.pk}/correct/").status_code == 404
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED


def test_a_fellow_representative_sees_the_enterprise_application_but_cannot_withdraw(
    client, applicant, item, enterprise, colleague
):
    application = submit_online(applicant, item, enterprise=enterprise)
    login(client, colleague)
    assert client.get(f"/intake/my/{application.pk}/").status_code == 200
    assert f"/intake/my/{application.pk}/" in client.get("/intake/my/").content.decode()
    response = client.post(f"/intake/my/{application.pk}/withdraw/")
    assert response.status_code == 403
    assert "只能操作本人提交的申请" in response.content.decode()
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED


# --- withdrawal ----------------------------------------------------------------------------


def test_withdraw_asks_for_confirmation_then_withdraws(client, applicant, item):
    application = submit_online(applicant, item)
    login(client, applicant)
    detail = client.get(f"/intake/my/{application.pk}/").content.decode()
    assert f"/intake/my/{application.pk}/withdraw/" in detail
    confirm = client.get(f"/intake/my/{application.pk}/withdraw/").content.decode()
    assert "确认撤回申请？" in confirm
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED  # GET changes nothing
    client.post(f"/intake/my/{application.pk}/withdraw/", {"reason": "材料准备有误"})
    application.refresh_from_db()
    assert application.status == CaseStatus.WITHDRAWN
    event = application.events.get(action=CaseAction.WITHDRAW)
    assert event.message == "申请人撤回申请：材料准备有误"
    assert Notification.objects.filter(recipient=applicant.user, title="申请已撤回").exists()


def test_a_withdrawn_application_promises_no_documents_and_offers_to_apply_again(
    client, applicant, item
):
    """After 撤回 the page no longer says documents will come (受理、补正或不予受理时将
    出具书面文书): it says the application is over and links a new one of the item."""
    application = submit_online(applicant, item)
    login(client, applicant)
    client.post(f"/intake/my/{application.pk}/withdraw/", {"reason": ""})
    html = client.get(f"/intake/my/{application.pk}/").content.decode()
    assert "将出具书面文书" not in html
    assert "申请已撤回，不出具文书。" in html
    withdrawn = re.search(r'data-testid="withdrawn">(.*?)</div>', html, re.S).group(1)
    assert "该申请已撤回，不再办理" in withdrawn
    assert f'href="/intake/apply/{item.item.code}/">重新申请</a>' in withdrawn
    # A page still submitted keeps the promise.
    other = submit_online(applicant, item)
    assert "受理、补正或不予受理时将出具书面文书" in (
        client.get(f"/intake/my/{other.pk}/").content.decode()
    )


def test_withdrawing_after_acceptance_is_refused(client, applicant, item):
    application = submit_online(applicant, item)
    accept_all(application, make_clerk())
    login(client, applicant)
    detail = client.get(f"/intake/my/{application.pk}/").content.decode()
    assert f"/intake/my/{application.pk}/withdraw/" not in detail
    response = client.post(f"/intake/my/{application.pk}/withdraw/", follow=True)
    # Accepted, or already handed on to approvals by a case_accepted receiver.
    application.refresh_from_db()
    assert application.status in CASE_STATUSES
    label = application.get_status_display()
    assert f"不能撤回：当前状态（{label}）下不能执行“撤回申请”。" in response.content.decode()
    response = client.get(f"/intake/my/{application.pk}/withdraw/", follow=True)
    assert f"该申请当前状态为“{label}”，不能撤回。" in response.content.decode()


def test_withdraw_reason_is_limited(client, draft):
    response = client.post(f"/intake/my/{draft.pk}/withdraw/", {"reason": "长" * 201})
    assert "200" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT


# --- the timeline and the notices ------------------------------------------------------------


def test_timeline_names_roles_places_and_never_staff(
    client, applicant, item, django_capture_on_commit_callbacks
):
    clerk = make_clerk(username="clerk-zhou")
    application = submit_online(applicant, item)
    with django_capture_on_commit_callbacks(execute=True):
        accept_all(application, clerk)
    html = login(client, applicant).get(f"/intake/my/{application.pk}/").content.decode()
    actions = [e.get_action_display() for e in CaseEvent.objects.filter(application=application)]
    for label in set(actions):
        assert label in html
    assert "综窗人员" in html
    assert "金普厅 1 号窗口" in html
    assert "clerk-zhou" not in html
    assert clerk.full_name not in html
    assert applicant.id_number not in html
    application.refresh_from_db()
    assert application.case_number in html
    # The acceptance notice was rendered after commit: it can be downloaded.
    notice = application.notices.get()
    assert notice.status == NoticeStatus.READY
    assert f"/intake/my/{application.pk}/notices/{notice.pk}/" in html
    pdf = client.get(f"/intake/my/{application.pk}/notices/{notice.pk}/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_file_is_found_only_through_its_own_application(
    client, applicant, item, django_capture_on_commit_callbacks
):
    # Both applications are the applicant's: the file of one, asked for through the
    # other's address, is not found.
    first = submit_online(applicant, item)
    second = submit_online(applicant, item)
    with django_capture_on_commit_callbacks(execute=True):
        accept_all(second, make_clerk())
    slot = second.materials.exclude(file="").first()
    notice = second.notices.get()
    login(client, applicant)
    assert client.get(f"/intake/my/{second.pk}/materials/{slot.pk}/").status_code == 200
    assert client.get(f"/intake/my/{second.pk}/notices/{notice.pk}/").status_code == 200
    assert client.get(f"/intake/my/{first.pk}/materials/{slot.pk}/").status_code == 404
    assert client.get(f"/intake/my/{first.pk}/notices/{notice.pk}/").status_code == 404


def test_a_notice_not_yet_rendered_shows_pending(client, applicant, item):
    application = submit_online(applicant, item)
    accept_all(application, make_clerk())  # in a test transaction: rendering never runs
    notice = application.notices.get()
    html = login(client, applicant).get(f"/intake/my/{application.pk}/").content.decode()
    assert "生成中" in html
    assert f"/intake/my/{application.pk}/notices/{notice.pk}/" not in html
    assert client.get(f"/intake/my/{application.pk}/notices/{notice.pk}/").status_code == 404


# --- correction ---------------------------------------------------------------------------


def test_correction_shows_exactly_what_to_fix_and_resubmits(client, applicant, item):
    clerk = make_clerk()
    application = submit_online(applicant, item)
    request_correction(application, clerk, defective="申请表", reason="申请表缺少本人签字")
    login(client, applicant)
    html = client.get(f"/intake/my/{application.pk}/").content.decode()
    assert "请补正以下 1 项材料" in html
    assert "申请表缺少本人签字" in html
    correction = html[html.index('id="correction"') : html.index("</section>")]
    assert field(application, "申请表") in correction
    assert field(application, "身份证明") not in correction  # passed: nothing to fix there
    assert "提交补正材料" in correction
    assert Notification.objects.filter(recipient=applicant.user, title="请补正申请材料").exists()

    # Resubmitting without the corrected file is refused; nothing changes.
    response = client.post(
        f"/intake/my/{application.pk}/correct/", {"action": "resubmit"}, follow=True
    )
    assert "还不能提交补正：以下材料尚未补正：申请表" in response.content.decode()
    assert "已保存上传的文件" not in response.content.decode()  # nothing was chosen
    application.refresh_from_db()
    assert application.status == CaseStatus.CORRECTION_REQUESTED

    response = client.post(
        f"/intake/my/{application.pk}/correct/",
        {"action": "resubmit", field(application, "申请表"): pdf_file("申请表-已签字.pdf")},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED
    assert slots_of(application)["申请表"].original_filename == "申请表-已签字.pdf"
    assert application.correction_notices.get().resolved_at is not None
    assert Notification.objects.filter(recipient=applicant.user, title="补正材料已提交").exists()
    html = client.get(f"/intake/my/{application.pk}/").content.decode()
    assert 'id="correction"' not in html
    assert "补正后重新提交" in html


def test_correction_upload_of_a_disguised_file_is_refused(client, applicant, item):
    application = submit_online(applicant, item)
    request_correction(application, make_clerk(), defective="申请表")
    before = slots_of(application)["申请表"].file.name
    response = login(client, applicant).post(
        f"/intake/my/{application.pk}/correct/",
        {"action": "resubmit", field(application, "申请表"): SimpleUploadedFile("x.png", b"MZ")},
    )
    assert response.status_code == 400
    assert "本次未保存任何内容" in response.content.decode()
    application.refresh_from_db()
    assert application.status == CaseStatus.CORRECTION_REQUESTED
    assert slots_of(application)["申请表"].file.name == before


# --- in-portal messages ---------------------------------------------------------------------


def test_notifications_list_open_and_mark_read(client, applicant, item, stranger):
    application = submit_online(applicant, item)
    submit_online(stranger, item)
    mine = Notification.objects.get(recipient=applicant.user)
    foreign = Notification.objects.get(recipient=stranger.user)

    login(client, applicant)
    html = client.get("/intake/notifications/").content.decode()
    assert "申请已提交" in html
    assert "未读" in html
    assert re.search(r"站内消息\s*<span[^>]*>1</span>", html)
    assert client.post(f"/intake/notifications/{foreign.pk}/open/").status_code == 404
    response = client.post(f"/intake/notifications/{mine.pk}/open/")
    assert response["Location"] == f"/intake/my/{application.pk}/"
    mine.refresh_from_db()
    foreign.refresh_from_db()
    assert mine.read_at is not None
    assert foreign.read_at is None
    Notification.objects.create(
        recipient=applicant.user, title="另一条", url="https://evil.example/"
    )
    extra = Notification.objects.get(title="另一条")
    response = client.post(f"/intake/notifications/{extra.pk}/open/")
    assert response["Location"] == "/intake/notifications/"  # never an off-site redirect
    Notification.objects.create(recipient=applicant.user, title="第三条")
    client.post("/intake/notifications/read-all/")
    assert not Notification.objects.filter(recipient=applicant.user, read_at=None).exists()
    assert Notification.objects.get(pk=foreign.pk).read_at is None


def test_notifications_empty_state(client, applicant):
    assert "暂无消息" in login(client, applicant).get("/intake/notifications/").content.decode()


def test_home_lists_the_citizen_entries(client, applicant):
    html = login(client, applicant).get("/").content.decode()
    for url in ("/intake/my/", "/intake/notifications/", "/intake/bundles/"):
        assert f'href="{url}"' in html


def test_submit_confirmation_is_sent_in_the_service(applicant, item):
    application = application_create(
        item_version=item, applicant=applicant, actor=applicant.user, channel=Channel.ONLINE
    )
    upload_required(application)
    application_submit(application=application, actor=applicant.user)
    notification = Notification.objects.get(recipient=applicant.user)
    assert notification.title == "申请已提交"
    assert "食品经营许可" in notification.body


def test_every_message_to_the_applicant_links_to_their_application_page(client, item, applicant):
    application = submit_online(applicant, item)
    clerk = make_clerk()
    accept_all(application, clerk)
    urls = set(Notification.objects.filter(recipient=applicant.user).values_list("url", flat=True))
    assert urls == {f"/intake/my/{application.pk}/"}
    assert login(client, applicant).get(urls.pop()).status_code == 200
