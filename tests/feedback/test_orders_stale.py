"""A rectification order's page acts on the step it showed: a reply form opened in the
first round and posted after the citizen found that round's fix unsatisfying (the order
reopened, 整改 again) is refused, not taken as the second round's reply."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from feedback.constants import Finding, OrderStatus, VisitLevel
from feedback.services.orders import order_call_back, order_reply, order_visit
from jinpu_portal.concurrency import STALE_MESSAGE
from tests.factories import make_clerk
from tests.feedback.orders_support import bad_rating, order_of

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reply_token(page) -> str:
    found = re.search(r'name="seen" value="([^"]*)" id="reply_seen"', page.content.decode())
    return found.group(1) if found else ""


def test_a_first_round_reply_page_cannot_answer_the_second_round(orders_scene):
    s = orders_scene
    order = order_of(bad_rating(s.case, text="态度差"))
    order_call_back(order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    colleague = signed_in(make_clerk("JP", 2, username="jp-clerk-2"))
    stale = reply_token(colleague.get(reverse("feedback:order", args=[order.pk])))

    order_reply(order=order, actor=s.hall_clerk, text="已当面致歉并加强培训。")
    order_visit(order=order, actor=s.citizen.user, level=VisitLevel.UNSATISFIED)
    order.refresh_from_db()
    assert (order.status, order.reopened) == (OrderStatus.RECTIFYING, True)

    response = colleague.post(
        reverse("feedback:order_action", args=[order.pk, "reply"]),
        {"text": "第一轮写好的答复", "seen": stale},
        follow=True,
    )

    assert STALE_MESSAGE in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.RECTIFYING
    assert order.reply == "已当面致歉并加强培训。"
    # the page shown now carries the second round's step, and answers it
    fresh = reply_token(response)
    response = colleague.post(
        reverse("feedback:order_action", args=[order.pk, "reply"]),
        {"text": "第二轮整改：已调整窗口人员。", "seen": fresh},
    )
    order.refresh_from_db()
    assert (order.status, order.reply) == (OrderStatus.VISIT, "第二轮整改：已调整窗口人员。")
