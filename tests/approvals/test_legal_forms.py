"""The documents follow the item's legal form (``intake.legal_forms``): a 公共服务 item
gets no 行政许可 wording, no art. 32 and no 准予行政许可决定书; refusals and denials of
administrative acts name the reconsideration body and the court from the settings; a
denial dates the application by its submission. PDFs are rendered for real and read
back with pdftotext."""

import pytest

from approvals.selectors import result_notice
from approvals.services.tasks import task_approve, task_deny
from catalog.constants import ItemType
from intake.constants import Channel, MaterialStatus, NoticeKind, NoticeStatus, RefusalKind
from intake.models import Notice
from intake.services.cases import application_create, counter_receive, intake_accept, intake_refuse
from tests.factories import department, make_approver, make_version
from tests.intake.test_notices import pdf_text

pytestmark = pytest.mark.django_db

FORBIDDEN_FOR_PUBLIC_SERVICE = ("行政许可", "第三十二条", "行政复议", "行政诉讼", "本机关")


@pytest.fixture
def water_company(db):
    return department("GS", "大连金普新区供水有限公司", phone="0411-87000000")


@pytest.fixture
def water_connection(water_company):
    return make_version(
        department=water_company,
        steps=[(1, "现场勘查", water_company, 3)],
        name="供水报装",
        item_type=ItemType.PUBLIC_SERVICE,
        legal_basis="《城市供水条例》",
        result_name="供水接入",
    )


@pytest.fixture
def water_approver(water_company):
    return make_approver(water_company, username="gs-approver")


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """``with capture(execute=True):`` runs the on-commit work (the notices) at once."""
    return django_capture_on_commit_callbacks


def text_of(notice: Notice) -> str:
    """The PDF's text with the layout's line breaks and padding removed."""
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.READY
    return "".join(pdf_text(notice).split())


def assert_no_licensing_words(*texts: str) -> None:
    """A public service's documents: no 行政许可 wording, art. 32, review or lawsuit."""
    for text in texts:
        for word in FORBIDDEN_FOR_PUBLIC_SERVICE:
            assert word not in text, word


def received(application, clerk, capture):
    with capture(execute=True):
        counter_receive(application=application, actor=clerk)
    return application


def accepted(application, clerk, capture):
    verdicts = [
        {"material": material, "status": MaterialStatus.RECEIVED, "originals": 1}
        for material in application.item_version.materials.all()
    ]
    with capture(execute=True):
        intake_accept(application=application, actor=clerk, verdicts=verdicts)
    application.refresh_from_db()
    return application


def counter_case(version, clerk, citizen, capture):
    application = application_create(
        item_version=version, applicant=citizen, actor=clerk, channel=Channel.COUNTER
    )
    return accepted(received(application, clerk, capture), clerk, capture)


def test_a_public_service_is_neither_licensed_nor_accepted_under_art_32(
    water_connection, water_approver, clerk, citizen, capture
):
    case = counter_case(water_connection, clerk, citizen, capture)
    receipt = text_of(case.notices.get(kind=NoticeKind.RECEIPT))
    acceptance = text_of(case.notices.get(kind=NoticeKind.ACCEPTANCE))
    with capture(execute=True):
        task_approve(task=case.tasks.get(), actor=water_approver, opinion="具备接水条件。")
    decision = result_notice(case)
    result = text_of(decision)

    assert_no_licensing_words(receipt, acceptance, result)
    assert "本单位决定予以受理" in acceptance
    assert "本单位将对申请材料进行审查" in receipt
    assert decision.title == "供水接入通知书"
    assert decision.number.startswith("金普BJ〔")
    assert "供水接入通知书" in result
    assert "本单位决定予以办理" in result
    assert "如对本通知书有异议，可拨打监督投诉电话" in result
    case.refresh_from_db()
    assert case.outcome_note == "予以办理"


def test_a_public_service_refusal_and_denial_point_to_a_complaint(
    water_connection, water_approver, clerk, citizen, capture
):
    refused = application_create(
        item_version=water_connection, applicant=citizen, actor=clerk, channel=Channel.COUNTER
    )
    received(refused, clerk, capture)
    with capture(execute=True):
        intake_refuse(
            application=refused, actor=clerk, kind=RefusalKind.NOT_REQUIRED, reason="已通水"
        )
    refusal = text_of(refused.notices.get(kind=NoticeKind.REFUSAL))

    case = counter_case(water_connection, clerk, citizen, capture)
    with capture(execute=True):
        denial = task_deny(task=case.tasks.get(), actor=water_approver, reason="管网未覆盖该地块")
    denied = text_of(denial)

    assert_no_licensing_words(refusal, denied)
    for text in (refusal, denied):
        assert "有异议，可拨打监督投诉电话" in text
    assert "申请事项依法不需要办理" in refusal
    assert denial.title == "不予办理告知书"
    assert denial.number.startswith("金普BBJ〔")
    assert "本单位决定不予办理" in denied


def test_a_licence_denial_names_the_remedy_bodies_and_the_submission_date(
    spj, spj_approver, clerk, citizen, at, settings, capture
):
    settings.REMEDY_RECONSIDERATION_BODY = "测试复议机关"
    settings.REMEDY_LITIGATION_COURT = "测试人民法院"
    version = make_version(department=spj, steps=[(1, "审查", spj, 5)])
    application = application_create(
        item_version=version, applicant=citizen, actor=clerk, channel=Channel.COUNTER
    )
    at(2026, 11, 30, 9)
    received(application, clerk, capture)
    at(2026, 12, 2, 10)
    case = accepted(application, clerk, capture)
    at(2026, 12, 3, 15)
    with capture(execute=True):
        denial = task_deny(task=case.tasks.get(), actor=spj_approver, reason="场地不符合要求")
    text = text_of(denial)

    assert "你（单位）于2026年11月30日提出的" in text
    assert "2026年12月2日提出" not in text
    assert "根据《中华人民共和国行政许可法》第三十八条第二款的规定，本机关决定不予行政许可" in text
    assert "60日内向测试复议机关申请行政复议" in text
    assert "6个月内向测试人民法院提起行政诉讼" in text
    assert denial.title == "不予行政许可决定书"
    assert denial.number == "金普BXK〔2026〕000001号"


def test_an_administrative_confirmation_cites_its_own_basis(
    spj, spj_approver, clerk, citizen, capture
):
    version = make_version(
        department=spj,
        steps=[(1, "审查", spj, 5)],
        item_type=ItemType.CONFIRMATION,
        legal_basis="《不动产登记暂行条例》",
    )
    case = counter_case(version, clerk, citizen, capture)
    acceptance = text_of(case.notices.get(kind=NoticeKind.ACCEPTANCE))
    with capture(execute=True):
        task_approve(task=case.tasks.get(), actor=spj_approver, opinion="确认。")
    decision = result_notice(case)
    result = text_of(decision)

    assert "第三十二条" not in acceptance
    assert "根据《不动产登记暂行条例》的规定，本机关决定予以受理" in acceptance
    assert decision.title == "行政确认决定书"
    assert decision.number.startswith("金普QR〔")
    assert "本机关决定予以确认" in result
    assert "行政许可" not in result
    assert "大连金普新区管理委员会申请行政复议" in result
