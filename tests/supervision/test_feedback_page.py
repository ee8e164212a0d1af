"""The supervisors' 好差评 page: the figures of feedback.figures for a period and a
grouping (every grouping from the rating rollups: the per-item rows for month, item,
department and hall, the per-service rows for window, staff, stage and rating channel),
equal to feedback's direct count also after a late rating, an accepted appeal and a
reopened order, in a number of queries that does not grow with the ratings; paginated,
with an empty state; linked from the supervisor's home."""

import datetime

import pytest
from django.urls import reverse

from feedback.figures import Grouping, figure_table
from feedback.selectors import staff_scope_for, supervisor_scope
from supervision import refresh
from supervision.selectors import rating_figure_table
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
        supervisor_scope(frozenset([district.d1.pk])),
        supervisor_scope(frozenset()),  # sees nothing
    ]
    for scope in scopes:
        page = rating_figure_table(grouping=grouping, start=start, end=end, scope=scope)
        direct = figure_table(grouping=grouping, start=start, end=end, scope=scope.rating_filter())
        assert _table(page) == _table(direct), (grouping, scope)
    assert rating_figure_table(grouping=grouping, start=start, end=end, scope=scopes[0]).rows, (
        grouping
    )


def test_every_grouping_reads_no_rating(supervisor, district, django_assert_max_num_queries):  # noqa: F811
    from feedback.models import Rating, ServiceInstance

    scopes = [
        staff_scope_for(user=supervisor),
        supervisor_scope(frozenset([district.d1.pk])),
    ]
    for scope in scopes:
        for grouping in Grouping:
            with django_assert_max_num_queries(3) as queries:
                rating_figure_table(
                    grouping=grouping,
                    start=datetime.date(2026, 11, 15),
                    end=datetime.date(2026, 12, 31),
                    scope=scope,
                )
            for query in queries.captured_queries:
                for table in (Rating._meta.db_table, ServiceInstance._meta.db_table):
                    assert f'"{table}"' not in query["sql"], (grouping, query["sql"])


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


def _page_equals_direct(scopes, start=None, end=None):
    for scope in scopes:
        for grouping in Grouping:
            page = rating_figure_table(grouping=grouping, start=start, end=end, scope=scope)
            direct = figure_table(
                grouping=grouping, start=start, end=end, scope=scope.rating_filter()
            )
            assert _table(page) == _table(direct), (grouping, scope)


def _rated(grouping, scope):
    table = rating_figure_table(grouping=grouping, start=None, end=None, scope=scope)
    return {r.label: (r.counts.rated, r.counts.bad, r.counts.rectified) for r in table.rows}


def test_every_grouping_equals_the_direct_count_after_late_ratings_appeals_and_reopening(week, at):
    """The week's ratings through the services: a 差评 of B's intake (reopened later), a
    差评 of C's intake (appealed away), A's intake on the pad; then a late rating of A's
    conclusion. Every grouping, every scope, after each refresh."""
    from feedback.constants import AppealKind, Finding, Level, RatingChannel, Stage, VisitLevel
    from feedback.services.orders import (
        appeal_decide,
        appeal_file,
        order_call_back,
        order_reply,
        order_visit,
    )
    from tests.factories import pdf_file, rating_of, service_instance
    from tests.feedback.orders_support import bad_rating, order_of

    scopes = [
        staff_scope_for(user=week.district),
        staff_scope_for(user=week.watcher),
        supervisor_scope(frozenset([week.scj.pk])),
    ]
    everything = scopes[0]
    reopened = bad_rating(week.b, Stage.INTAKE, rated_at=at(2026, 11, 3, 12))
    appealed = bad_rating(week.c, Stage.INTAKE, rated_at=at(2026, 11, 4, 10))
    rating_of(
        service_instance(week.a, Stage.INTAKE),
        Level.VERY_SATISFIED,
        RatingChannel.PAD,
        rated_at=at(2026, 11, 4, 11),
    )
    at(2026, 11, 6, 16)
    refresh.refresh()
    _page_equals_direct(scopes)
    _page_equals_direct(scopes, datetime.date(2026, 11, 4), datetime.date(2026, 11, 30))
    clerk = week.clerk.full_name or week.clerk.username
    assert _rated(Grouping.STAFF, everything) == {clerk: (3, 2, 0)}
    assert _rated(Grouping.STAGE, everything) == {"受理服务": (3, 2, 0)}

    # A late rating: A's conclusion (the approver, no window) on a day already refreshed.
    at(2026, 11, 6, 17)
    rating_of(service_instance(week.a, Stage.CONCLUSION), Level.VERY_SATISFIED)
    refresh.refresh()
    _page_equals_direct(scopes)
    approver = week.approver.full_name or week.approver.username
    assert _rated(Grouping.STAFF, everything) == {clerk: (3, 2, 0), approver: (1, 0, 0)}
    assert _rated(Grouping.STAGE, everything) == {"受理服务": (3, 2, 0), "办结服务": (1, 0, 0)}

    # An accepted appeal takes C's 差评 out of every figure.
    appeal = appeal_file(
        order=order_of(appealed),
        actor=week.clerk,
        kind=AppealKind.MALICIOUS,
        reason="监控显示群众未到窗口办理。",
        evidence=pdf_file("监控截图说明.pdf"),
    )
    appeal_decide(appeal=appeal, actor=week.district, accept=True, reason="认定为恶意评价。")
    refresh.refresh()
    _page_equals_direct(scopes)
    assert _rated(Grouping.STAFF, everything) == {clerk: (2, 1, 0), approver: (1, 0, 0)}
    assert _rated(Grouping.CHANNEL, everything) == {"网上评价": (2, 1, 0), "评价器": (1, 0, 0)}

    # B's order rectified and replied (counted as rectified), then reopened by an
    # unsatisfied return visit (not any more).
    order = order_call_back(
        order=order_of(reopened), actor=week.clerk, finding=Finding.TRUE, note="已电话联系群众"
    )
    order = order_reply(order=order, actor=week.clerk, text="已整改并向群众说明。")
    refresh.refresh()
    _page_equals_direct(scopes)
    assert _rated(Grouping.STAFF, everything)[clerk] == (2, 1, 1)
    at(2026, 11, 10, 10)
    order_visit(order=order, actor=week.clerk, level=VisitLevel.UNSATISFIED, note="电话回访")
    refresh.refresh()
    _page_equals_direct(scopes)
    assert _rated(Grouping.STAFF, everything)[clerk] == (2, 1, 0)
    window = rating_figure_table(grouping=Grouping.WINDOW, start=None, end=None, scope=everything)
    assert [(r.key, r.counts.rated) for r in window.rows] == [
        (week.clerk.staff_profile.window_id, 2),
        (None, 1),
    ]
    # A full rebuild gives the same rows.
    before = {
        g: _table(rating_figure_table(grouping=g, start=None, end=None, scope=everything))
        for g in Grouping
    }
    refresh.rebuild()
    for g in Grouping:
        after = rating_figure_table(grouping=g, start=None, end=None, scope=everything)
        assert _table(after) == before[g]


@pytest.mark.parametrize("grouping", ["window", "staff", "stage", "channel", "department"])
def test_the_pages_queries_do_not_grow_with_the_ratings(
    client,
    supervisor,
    district,  # noqa: F811
    assert_flat_queries,
    grouping,
):
    from feedback.constants import Level, RatingChannel, Stage
    from feedback.models import ServiceInstance
    from tests.factories import ApplicationFactory, ClerkFactory, rating_of, service_instance

    made = []

    def add(n):
        # Each rating by a clerk of their own at a window of their own, on a day of
        # its own in November and December, in one of the rating channels.
        channels = [RatingChannel.PAD, RatingChannel.QR, RatingChannel.SMS, RatingChannel.ONLINE]
        for _ in range(n):
            k = len(made)
            clerk = ClerkFactory(hall_code="JP", hall_name="金普厅")
            case = ApplicationFactory(
                accepted=True, item_version=district.items[k % 3], clerk=clerk
            )
            when = datetime.datetime(2026, 11, 16, 2, tzinfo=datetime.UTC) + datetime.timedelta(
                days=2 * k
            )
            inst = service_instance(case, Stage.INTAKE)
            served = when - datetime.timedelta(hours=1)
            ServiceInstance.objects.filter(pk=inst.pk).update(
                served_at=served, rate_until=served + datetime.timedelta(days=7)
            )
            inst.refresh_from_db()
            made.append(rating_of(inst, Level.SATISFIED, channels[k % 4], rated_at=when))
        refresh.rebuild()

    def request():
        response = client.get(URL, {"group": grouping, "start": "2026-11-15", "end": "2027-01-31"})
        assert response.status_code == 200
        return response.context["table"]

    client.force_login(supervisor)
    one, twenty = assert_flat_queries(request, add)
    assert twenty.total.counts.rated == one.total.counts.rated + 19


def test_a_supervisor_with_a_second_role_sees_one_scope_on_both_pages(client, district):  # noqa: F811
    """A supervisor watching D1 who also acts for D2 as an approver and sits at a window
    of the 金州厅 (D2's intakes): the overview and 好差评统计 both count D1 alone (R1 R2
    R3 R4 R10: 好评率 4/5 = 80.00 %), as the case figures and every supervision page
    do; the export the page links to and the API too."""
    import csv
    import io

    from accounts.constants import Role
    from accounts.services import staff_assign_window, staff_grant_department
    from tests.factories import UserFactory, WindowFactory

    user = UserFactory(roles=[Role.SUPERVISOR, Role.APPROVER, Role.CLERK])
    staff_grant_department(user=user, department=district.d1, supervise=True)
    staff_grant_department(user=user, department=district.d2)
    staff_assign_window(user=user, window=WindowFactory(hall=district.jz, number=9))
    client.force_login(user)
    overview = client.get(reverse("supervision:overview"))
    cards = {card.code: card for card in overview.context["rating_cards"]}
    page = client.get(URL)
    total = page.context["table"].total
    assert (cards["rated"].value, cards["good_rate"].value) == ("5", "80.00%")
    assert (str(total.counts.rated), f"{total.good_rate}%") == ("5", "80.00%")
    assert not page.context["district_wide"]
    export = client.get(reverse("api-feedback-ratings-csv"))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 5
    # The API counts the supervision scope too, not the union of roles (D2's and the
    # hall's: 9).
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/v1/feedback/figures/").json()["total"]["counts"]["rated"] == 5
    assert api.get("/api/v1/feedback/ratings/").json()["count"] == 5
