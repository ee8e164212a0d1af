"""The supervisors' rating figures add up: a park's intake ratings (the service's
department is the accepting unit, 就近受理) have the park's row in the overview's
breakdown, its Excel export and the annual report, so every grouping's rows sum to the
评价数 card; and each rating card opens the list of the ratings behind it, as many as
the card says.

The ratings, on Fri 13 Nov 2026 after the nearby fortnight (tests/supervision/nearby.py):
P1's intake at the 保税区 (满意) and its conclusion by the 审批局 (非常满意), P2's
intake at the 保税区 (非常满意), P4's intake at the 保税区 (不满意, a 差评). So, in the
period 9-13 Nov: 4 ratings, 1 差评; the 保税区 3 (it implements no item: no case row),
the 审批局 1, the 市场监管局 none (P4 is its item, but the park served the intake)."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from feedback.constants import Level, Stage
from feedback.figures import Grouping, figure_table
from supervision import annual, refresh, rollups
from supervision.rollups import Filter
from supervision.views.overview import GROUPS, breakdown
from tests.supervision.nearby import build_nearby

pytestmark = pytest.mark.django_db

NOV9, NOV13 = datetime.date(2026, 11, 9), datetime.date(2026, 11, 13)
FORTNIGHT = "start=2026-11-09&end=2026-11-13"


@pytest.fixture
def rated(week, at):
    from intake.models import Application
    from tests.factories import rating_of, service_instance

    nearby = build_nearby(week, at)
    at_park = Application.objects.filter(accepting_unit=nearby.park).order_by("pk")
    p1, p2, _p3, p4 = list(at_park)
    at(2026, 11, 13, 18)
    rating_of(service_instance(p1, Stage.INTAKE), Level.SATISFIED)
    rating_of(service_instance(p1, Stage.CONCLUSION), Level.VERY_SATISFIED)
    rating_of(service_instance(p2, Stage.INTAKE), Level.VERY_SATISFIED)
    rating_of(service_instance(p4, Stage.INTAKE), Level.DISSATISFIED)
    at(2026, 11, 13, 19)
    refresh.refresh()
    return nearby


def _filters(w):
    return [
        Filter(start=NOV9, end=NOV13),
        Filter(),
        Filter(start=NOV9, end=NOV13, department=w.park.pk),
        Filter(start=NOV9, end=NOV13, unit=w.park.pk),
        Filter(start=NOV9, end=NOV13, scope=frozenset({w.spj.pk})),
        Filter(start=NOV9, end=NOV13, scope=frozenset({w.scj.pk})),
    ]


def test_the_parks_intake_ratings_are_where_the_total_counts_them(rated):
    w = rated
    f = Filter(start=NOV9, end=NOV13)
    assert rollups.rating_counts(f).rated == 4
    by_department = {r.key: r.figures.rated for r in rollups.rating_breakdown(f, "department")}
    assert by_department == {w.park.pk: 3, w.spj.pk: 1}
    # feedback's own count groups them the same way.
    table = figure_table(grouping=Grouping.DEPARTMENT, start=NOV9, end=NOV13)
    assert {r.key: r.counts.rated for r in table.rows} == by_department
    # The park implements no item: it has no case row.
    assert w.park.pk not in {r.key for r in rollups.case_breakdown(f, "department")}


@pytest.mark.parametrize("group", GROUPS)
def test_every_breakdowns_rows_add_up_to_the_rating_total(rated, group):
    for f in _filters(rated):
        total = rollups.rating_counts(f).rated
        ratings = {r.key: r.figures.rated for r in rollups.rating_breakdown(f, group)}
        rows = breakdown(f, group)
        keys = [row["key"] for row in rows]
        assert len(keys) == len(set(keys)), (f, group)  # each group once
        assert sum(ratings.get(key, 0) for key in keys) == total, (f, group)
        assert sum(row["rated"] for row in rows) == total, (f, group)
        assert {row["key"]: row["rated"] for row in rows if row["rated"]} == {
            key: n for key, n in ratings.items() if n
        }


def test_the_park_row_on_the_page_in_the_export_and_in_the_annual_report(rated, client):
    import io

    from openpyxl import load_workbook

    w = rated
    client.force_login(w.district)
    page = client.get(f"{reverse('supervision:overview')}?{FORTNIGHT}&group=department")
    rows = {row["label"]: row for row in page.context["page"]}
    park = rows["大连保税区管理委员会"]
    assert (park["c"].received, park["rated"], str(park["good_rate"])) == (0, 3, "66.67")
    assert "大连保税区管理委员会" in page.content.decode()
    export = client.get(
        f"{reverse('supervision:export', args=['overview'])}?{FORTNIGHT}&group=department"
    )
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    sheet = list(book["按部门"].iter_rows(values_only=True))
    column = sheet[0].index("评价数")
    assert sum(row[column] for row in sheet[1:] if row and isinstance(row[column], int)) == 4
    report = annual.annual_figures(2026, None)
    assert sum(row.ratings.rated for row in report.departments) == report.ratings.rated == 4
    assert "大连保税区管理委员会" in {row.name for row in report.departments}


def _rating_cards(response) -> dict:
    return {card.code: card for card in response.context["rating_cards"]}


@pytest.mark.parametrize(
    "query",
    [FORTNIGHT, "", "department={park}", "unit={park}&channel=counter", "hall={hall}"],
)
def test_the_rating_cards_open_as_many_ratings_as_they_count(rated, client, query):
    w = rated
    query = query.format(park=w.park.pk, hall=w.clerk.staff_profile.window.hall_id)
    for user in (w.district, w.watcher):
        client.force_login(user)
        cards = _rating_cards(client.get(f"{reverse('supervision:overview')}?{query}"))
        card = cards["rated"]
        url = urlparse(card.url)
        assert url.path == reverse("supervision:ratings"), card.url
        assert parse_qs(url.query)["figure"] == ["rated"]
        listed = client.get(card.url)
        assert listed.status_code == 200
        assert str(listed.context["page"].paginator.count) == card.value, (user, query)
        assert f"共 {card.value} 条" in listed.content.decode()
        # A rate's card lists its numerator: 差评率 the 差评.
        bad = client.get(cards["bad_rate"].url)
        counts = rollups.rating_counts(listed.context["f"])
        assert bad.context["page"].paginator.count == counts.bad, (user, query)
    # The district's list in the fortnight: the four ratings, the 差评 marked, raters
    # named (a supervisor sees them).
    client.force_login(w.district)
    listed = client.get(f"{reverse('supervision:ratings')}?{FORTNIGHT}")
    assert listed.context["page"].paginator.count == 4
    assert {rater for _r, rater, _linked in listed.context["rows"]} == {"张明"}
    assert 'data-level="4"' in listed.content.decode()


def test_the_rating_list_is_for_supervisors_and_keeps_to_their_scope(rated, client):
    w = rated
    url = reverse("supervision:ratings")
    client.force_login(w.approver)
    assert client.get(url).status_code == 403
    client.force_login(w.watcher)
    # The 审批局's supervisor: P1's conclusion only, whatever department they ask for.
    response = client.get(f"{url}?department={w.park.pk}")
    assert response.context["form"].errors
    assert response.context["page"].paginator.count == 1
    assert client.get(f"{url}?figure=planet").context["page"].paginator.count == 1


def test_the_rating_list_links_only_the_cases_the_supervisor_may_open(rated, client):
    """The park's supervisor sees the park's intake ratings (the park served them), but
    the cases are of other departments' items, whose pages are outside their scope: the
    case number is shown, not a link that would answer 404."""
    from tests.factories import make_supervisor

    w = rated
    client.force_login(make_supervisor(w.park))
    listed = client.get(f"{reverse('supervision:ratings')}?{FORTNIGHT}")
    rows = listed.context["rows"]
    assert len(rows) == 3  # the park's three intake ratings
    body = listed.content.decode()
    for rating, _rater, linked in rows:
        application = rating.instance.application
        assert not linked
        assert application.case_number in body
        assert reverse("supervision:case", args=[application.pk]) not in body
        assert client.get(reverse("supervision:case", args=[application.pk])).status_code == 404
    client.force_login(w.district)
    district = client.get(f"{reverse('supervision:ratings')}?{FORTNIGHT}")
    assert all(linked for _r, _rater, linked in district.context["rows"])


def test_the_department_ranking_has_the_overviews_rows(rated, client):
    """排名与时限分析's departments are the overview breakdown's rows (the park with its
    intake ratings and no case included), with the same figures, for every filter."""
    from supervision.rankings import department_ranking

    for f in _filters(rated):
        ranked = {
            r.key: (r.label, r.accepted, r.concluded, r.on_time, r.ratings)
            for r in department_ranking(f)
        }
        rows = {
            r.key: (r.label, r.cases.accepted, r.cases.concluded, r.cases.on_time, r.ratings)
            for r in rollups.breakdown(f, "department")
        }
        assert ranked == rows, f
        assert sum(r[4].rated for r in ranked.values()) == rollups.rating_counts(f).rated, f
    client.force_login(rated.district)
    page = client.get(f"{reverse('supervision:rankings')}?{FORTNIGHT}&group=department")
    assert "大连保税区管理委员会" in page.content.decode()
    park = next(r for r in page.context["page"].object_list if r.key == rated.park.pk)
    assert (park.label, park.accepted, park.rated, str(park.good_rate)) == (
        "大连保税区管理委员会",
        0,
        3,
        "66.67",
    )
