"""The supervisors' 好差评 page: the figures of feedback.figures for a period and a
grouping (from the rating rollups where they hold the grouping), paginated, with an
empty state; linked from the supervisor's home."""

import datetime

import pytest
from django.urls import reverse

from feedback.figures import Grouping, figure_table
from feedback.selectors import StaffScope, staff_scope_for
from supervision import refresh
from supervision.selectors import ROLLUP_GROUPINGS, rating_figure_table
from supervision.views import feedback as views
from tests.feedback.test_figures import district  # noqa: F401 - the hand-computed district

pytestmark = pytest.mark.django_db

URL = "/supervision/feedback/"


@pytest.fixture(autouse=True)
def rolled_up(request):
    """With the hand-computed district: its rollups built (the minute refresh's work)."""
    if "district" in request.fixturenames:
        request.getfixturevalue("district")
        refresh.rebuild()


def _table(table):
    return (
        [(r.key, r.label, r.counts) for r in table.rows],
        table.total.counts,
    )


@pytest.mark.parametrize(
    "period",
    [(None, None), (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))],
)
@pytest.mark.parametrize("grouping", [g for g in Grouping if g != Grouping.TOTAL])
def test_the_pages_figures_equal_feedbacks_direct_figures(supervisor, district, grouping, period):  # noqa: F811
    start, end = period
    scopes = [
        staff_scope_for(user=supervisor),
        StaffScope(department_ids=frozenset([district.d1.pk])),
    ]
    for scope in scopes:
        page = rating_figure_table(grouping=grouping, start=start, end=end, scope=scope)
        direct = figure_table(grouping=grouping, start=start, end=end, scope=scope.rating_filter())
        assert _table(page) == _table(direct), (grouping, scope)
    assert rating_figure_table(grouping=grouping, start=start, end=end, scope=scopes[0]).rows, (
        grouping
    )


def test_the_rollup_groupings_read_no_rating(supervisor, district, django_assert_max_num_queries):  # noqa: F811
    from feedback.models import Rating

    scope = staff_scope_for(user=supervisor)
    for grouping in ROLLUP_GROUPINGS:
        with django_assert_max_num_queries(4) as queries:
            rating_figure_table(grouping=grouping, start=None, end=None, scope=scope)
        assert not any(Rating._meta.db_table in q["sql"] for q in queries.captured_queries)


def test_the_page_shows_the_district_and_a_grouping(client, supervisor, district):  # noqa: F811
    client.force_login(supervisor)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    # The district total (see tests/feedback/test_figures.py): 77.78, 66.67, 22.22, 33.33.
    for value in ("77.78%", "66.67%", "22.22%", "33.33%"):
        assert value in page
    # Per department by default: 市场监管局 80.00 % and 住建局 75.00 %.
    table = response.context["table"]
    assert [(r.label, str(r.good_rate)) for r in table.rows] == [
        ("市场监管局", "80.00"),
        ("住建局", "75.00"),
    ]
    assert "GB/T 39735-2020" in page  # the definitions name the standard
    # Another grouping and a period: December per window (R7 R9 at 金州厅 2 号窗口, the
    # conclusions R6 R8 without a window).
    response = client.get(URL, {"group": "window", "start": "2026-12-01", "end": "2026-12-31"})
    rows = {r.label: r.counts.rated for r in response.context["table"].rows}
    assert rows == {"金州厅 2 号窗口": 2, "无窗口（网上办理或办结服务）": 2}
    assert "export.csv?start=2026-12-01&amp;end=2026-12-31" in response.content.decode()


def test_pagination_and_the_empty_state(client, supervisor, district, monkeypatch):  # noqa: F811
    client.force_login(supervisor)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    # Per staff member: five people (A, B, C, X, Y), two a page.
    response = client.get(URL, {"group": "staff"})
    assert response.context["page"].paginator.num_pages == 3
    assert "第 1 / 3 页" in response.content.decode()
    last = client.get(URL, {"group": "staff", "page": 3})
    assert len(last.context["page"].object_list) == 1
    # Nothing rated in the period: the empty state, and no rate made up.
    empty = client.get(URL, {"start": "2027-01-01"})
    text = empty.content.decode()
    assert "该期间暂无评价" in text
    assert "—" in text


def test_a_wrong_period_is_said_and_not_applied(client, supervisor, district):  # noqa: F811
    client.force_login(supervisor)
    response = client.get(URL, {"start": "2026-12-31", "end": "2026-12-01"})
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert response.context["table"].total.counts.rated == 9


def test_only_supervisors_and_their_home_links_it(client, clerk, supervisor):
    client.force_login(clerk)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(supervisor)
    home = client.get(reverse("home")).content.decode()
    assert 'href="/supervision/feedback/"' in home
    assert "好差评统计" in home
