"""办理结果 on the applicant's page of a concluded case (``intake:my_application``, the
card approvals adds through ``intake.page_hooks``): the outcome, the result document's
download (approvals:result) and the delivery in each state, a 即办件 handed over on the
spot included, never a staff name and the postal address masked; the verdict is the
decision recorded, none when the record holds none."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.selectors import RESULT_KINDS
from approvals.services.delivery import delivery_hand_over, delivery_post
from approvals.services.tasks import task_deny
from intake.constants import CaseAction, CaseStatus, Channel, DeliveryMethod
from intake.history import applications_import
from intake.models import Application, CaseEvent, Notice
from tests.approvals.test_delivery import WANG, conclude
from tests.factories import HallFactory, accept_case, make_version, pdf_file

pytestmark = pytest.mark.django_db

ADDRESS = "大连市金州区友谊街道1号"


@pytest.fixture
def page(client, citizen):
    """The text of the result card on the citizen's page of ``case`` ("" without one)."""

    def read(case):
        client.force_login(citizen.user)
        response = client.get(reverse("intake:my_application", args=[case.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        card = re.search(r'<section[^>]*data-testid="result-panel".*?</section>', html, re.S)
        if card is None:
            return "", "", html
        text = re.sub(r"<[^>]+>", " ", card.group(0))
        return re.sub(r"\s+", " ", text).strip(), card.group(0), html

    return read


def deny(case, approver, capture):
    """The first step denied: the case concludes 不予行政许可 with its document."""
    with capture(execute=True):
        task_deny(task=case.tasks.get(stage=1), actor=approver, reason="经营场所不符合要求")
    case.refresh_from_db()
    return case


@pytest.fixture
def named_clerk(clerk):
    clerk.full_name = "陈窗口"
    clerk.save(update_fields=["full_name"])
    HallFactory(code="JZ", name="金州厅", address="斯大林路 500 号")
    return clerk


def test_pending_window_pick_up(
    accept, sequential_version, spj_approver, named_clerk, page, django_capture_on_commit_callbacks
):
    case = accept(sequential_version)
    assert page(case)[0] == ""  # not concluded yet: no card
    case = conclude(case, spj_approver, django_capture_on_commit_callbacks)
    text, card, html = page(case)
    assert "准予行政许可" in text
    assert "准予行政许可决定书" in text
    assert reverse("approvals:result", args=[case.pk]) in card
    assert "窗口领取 待领取" in text
    assert "金普厅" in text
    assert "金州厅（斯大林路 500 号）" in text
    assert "请持身份证件领取" in text
    assert "陈窗口" not in html
    assert "李审批" not in html
    # The card comes first, above the rating card and the case's details.
    assert html.index('data-testid="result-panel"') < html.index("办件信息")


def test_delivered_at_a_window(
    accept, sequential_version, spj_approver, named_clerk, page, django_capture_on_commit_callbacks
):
    case = conclude(accept(sequential_version), spj_approver, django_capture_on_commit_callbacks)
    delivery = delivery_hand_over(
        delivery=case.delivery, actor=named_clerk, recipient_name="王芳", recipient_id_number=WANG
    )
    text, card, html = page(case)
    assert "窗口领取 已领取" in text
    assert f"领取时间 {delivery.delivered_at.astimezone():%Y-%m-%d}" in text
    assert "领取窗口 金普厅 3 号窗口" in text
    assert "领取人 王芳" in text
    assert "请持身份证件领取" not in text
    assert "陈窗口" not in html


def test_posted_with_tracking_number(
    accept, spj, spj_approver, named_clerk, page, django_capture_on_commit_callbacks
):
    version = make_version(
        department=spj, steps=[(1, "决定", spj, 3)], postal_delivery_supported=True
    )
    case = accept(version, delivery_method=DeliveryMethod.POST, delivery_address=ADDRESS)
    case = conclude(case, spj_approver, django_capture_on_commit_callbacks)
    text, card, html = page(case)
    assert "邮寄送达 待送达" in text
    assert "邮寄地址 大连市金州区****" in text
    assert "寄出后可在此查看快递单号" in text
    assert ADDRESS not in card

    delivery_post(delivery=case.delivery, actor=named_clerk, tracking_number="SF1234567890")
    text, card, html = page(case)
    assert "邮寄送达 已送达" in text
    assert "快递单号 SF1234567890" in text
    assert "寄出时间" in text
    assert "陈窗口" not in html


def test_electronic_delivery_and_a_denial(
    client,
    accept,
    sequential_version,
    spj_approver,
    citizen,
    page,
    django_capture_on_commit_callbacks,
):
    case = accept(sequential_version, delivery_method=DeliveryMethod.ELECTRONIC)
    case = deny(case, spj_approver, django_capture_on_commit_callbacks)
    text, card, html = page(case)
    assert "不予行政许可" in text
    assert "准予" not in text
    assert "不予行政许可决定书" in text
    assert "电子证照下载 待送达" in text
    assert "下载结果文书即完成送达" in text

    response = client.get(reverse("approvals:result", args=[case.pk]))
    assert response.status_code == 200
    text, card, html = page(case)
    assert "电子证照下载 已送达" in text
    assert "送达时间" in text
    assert "电子送达" in text


def test_an_immediate_case_was_handed_over_at_the_window_on_the_spot(
    immediate_item, named_clerk, citizen, page
):
    case = accept_case(
        immediate_item, clerk=named_clerk, applicant=citizen, conclude_immediately=True
    )
    assert case.status == CaseStatus.CONCLUDED
    text, card, html = page(case)
    assert "准予行政许可" in text
    assert "办结方式 即办件，受理后当场办结" in text
    assert "窗口领取 当场领取" in text
    assert f"领取时间 {timezone.localtime(case.concluded_at):%Y-%m-%d %H:%M}" in text
    assert "领取窗口 金普厅 3 号窗口" in text
    assert "领取人" not in text  # the counter checked who applied, not who took it
    assert "请持身份证件领取" not in text
    assert "下载结果文书" not in text  # no result document was issued
    assert "陈窗口" not in html


def test_the_verdict_is_the_decision_recorded_not_a_missing_document(
    accept, sequential_version, spj_approver, page, django_capture_on_commit_callbacks
):
    case = deny(accept(sequential_version), spj_approver, django_capture_on_commit_callbacks)
    # The result document lost: the decision is still on record in the conclusion.
    Notice.objects.filter(application=case, kind__in=RESULT_KINDS).delete()
    text, card, html = page(case)
    assert "不予行政许可" in text
    assert "准予" not in text
    assert "border-danger" in card


def test_a_case_recording_no_decision_claims_no_verdict(sequential_version, citizen, page):
    # A past case imported as the demo's history is (intake.history): concluded, with no
    # decision in its record, no result document and no delivery.
    now = timezone.now()
    times = dict.fromkeys(("submitted_at", "received_at", "accepted_at", "concluded_at"), now)
    imported = {"status": CaseStatus.CONCLUDED, "channel": Channel.COUNTER, **times}
    (case,) = applications_import(
        [Application(item_version=sequential_version, applicant=citizen, **imported)]
    )
    CaseEvent.objects.create(
        application=case, at=now, action=CaseAction.CONCLUDE, to_status=CaseStatus.CONCLUDED
    )
    text, card, html = page(case)
    assert "办理结果 已办结" in text
    assert "准予" not in text
    assert "不予" not in text
    assert f"办结时间 {timezone.localtime(now):%Y-%m-%d %H:%M}" in text
    assert "未登记结果领取或送达信息" in text
    assert "border-secondary" in card


def test_a_case_sent_back_for_supplement_says_what_to_hand_in_and_where(
    client, citizen, accept, sequential_version, spj_approver
):
    """审批补正中: the applicant's page of the case listed nothing and linked nowhere (the
    supplement page was reachable only from the message); the card names each item, the
    department (never the approver) and links the supplement page, which comes back to
    the applicant's page once answered."""
    from approvals.services.tasks import task_claim, task_request_supplement

    case = accept(sequential_version)
    task = case.tasks.get()
    task_claim(task=task, actor=spj_approver)
    task_request_supplement(
        task=task, actor=spj_approver, items=["租赁合同原件", "消防验收意见"], note="请加盖公章"
    )
    client.force_login(citizen.user)
    page = reverse("intake:my_application", args=[case.pk])
    html = client.get(page).content.decode()
    card = re.search(r'<section[^>]*data-testid="supplement-panel".*?</section>', html, re.S)
    assert card is not None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card.group(0)))
    assert "审查部门要求补正 2 项" in text
    assert "租赁合同原件" in text
    assert "消防验收意见" in text
    assert "请加盖公章" in text
    assert sequential_version.department.name in text
    assert "李审批" not in html
    supplement = reverse("approvals:supplement", args=[case.pk])
    assert supplement in card.group(0)

    response = client.post(
        supplement, {"note": "已补交", "item_1": pdf_file(), "item_2": pdf_file("消防.pdf")}
    )
    assert response.status_code == 302
    assert response.url == page
    assert 'data-testid="supplement-panel"' not in client.get(page).content.decode()
