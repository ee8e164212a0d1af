"""办理结果 on the applicant's page of a concluded case (``intake:my_application``, the
card approvals adds through ``intake.page_hooks``): the outcome, the result document's
download (approvals:result) and the delivery in each state, never a staff name and the
postal address masked."""

import re

import pytest
from django.urls import reverse

from approvals.services.delivery import delivery_hand_over, delivery_post
from approvals.services.tasks import task_deny
from intake.constants import DeliveryMethod
from tests.approvals.test_delivery import WANG, conclude
from tests.factories import HallFactory, make_version

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
    with django_capture_on_commit_callbacks(execute=True):
        task_deny(
            task=case.tasks.get(stage=1),
            actor=spj_approver,
            reason="经营场所不符合要求",
        )
    case.refresh_from_db()
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
