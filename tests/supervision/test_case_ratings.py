"""The 好差评 section of a case's supervision page: each rating of the case with the
rated service, the rater and the rectification order a 差评 opened (linked when the
supervisor may open it), an empty state, and a flat query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.constants import Level, Stage
from tests.factories import rating_of, service_instance
from tests.feedback.orders_support import bad_rating, order_of

pytestmark = pytest.mark.django_db


def _page(client, user, case):
    client.force_login(user)
    response = client.get(reverse("supervision:case", args=[case.pk]))
    assert response.status_code == 200
    return response


def _section(response) -> str:
    html = response.content.decode()
    start = html.index('id="ratings"')
    return html[start : html.index("</ul>", start)]


def test_the_case_page_lists_its_ratings_and_their_orders(client, week):
    bad = bad_rating(
        week.a, Stage.CONCLUSION, Level.VERY_DISSATISFIED, reasons=["efficiency"], text="审批太慢"
    )
    good = rating_of(service_instance(week.a, Stage.INTAKE), Level.VERY_SATISFIED, text="窗口热情")
    order = order_of(bad)
    section = _section(_page(client, week.watcher, week.a))
    assert section.count('class="list-group-item case-rating"') == 2
    for shown in (
        "受理服务",
        "办结服务",
        "非常满意",
        "非常不满意",
        "差评原因：办事效率",
        "审批太慢",
        "窗口热情",
        good.get_channel_display(),
        # Supervisors see who rated, the applicant by their verified name
        # (feedback.selectors.rater_name_of), not their account's display name.
        f"评价人 {week.citizen.name}",
        week.spj.name,
        f"整改单 · {order.owner_name}",
        order.get_status_display(),
        reverse("feedback:order", args=[order.pk]),
    ):
        assert shown in section, shown
    assert "暂无评价" not in section
    assert "窗口热情" in section.split("办结服务")[0]  # in the order the services were given
    # The order page the link leads to opens for this supervisor.
    assert client.get(reverse("feedback:order", args=[order.pk])).status_code == 200


def test_a_case_without_ratings_says_so(client, week):
    section = _section(_page(client, week.district, week.c))
    assert "暂无评价" in section
    assert "case-rating" not in section


def test_the_query_count_stays_flat_with_more_ratings(client, week):
    bad_rating(week.b, Stage.CONCLUSION)
    bad_rating(week.a, Stage.CONCLUSION)
    bad_rating(week.a, Stage.INTAKE, text="态度差")
    _page(client, week.watcher, week.b)  # warm the caches the pages share
    with CaptureQueriesContext(connection) as one:
        assert _section(_page(client, week.watcher, week.b)).count("case-rating") == 1
    with CaptureQueriesContext(connection) as several:
        assert _section(_page(client, week.watcher, week.a)).count("case-rating") == 2
    assert len(several) == len(one), [q["sql"] for q in several.captured_queries]
