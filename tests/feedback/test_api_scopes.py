"""What the 好差评 API (the figures and the ratings list) shows each staff member, held
against what their pages show them: the supervision pages (好差评统计, 评价列表) count a
supervisor's supervision scope alone, whatever other role they hold, and name every
rater there; the order pages (差评整改单) show a 差评's rater to the unit owning its
order and to supervisors; no page names a good rating's rater to anyone else
(feedback.selectors.staff_scope_for, supervisor_scope, StaffScope.sees_rater,
handling_hall_id).

The ratings, on Monday 2 November 2026 (``orders_scene``: SPJ the 审批局, OTHER another
department; every case accepted at the 金普厅's window 1 by its clerk):

| #  | the case's item | service rated            | order's owner   | level    |
|----|-----------------|--------------------------|-----------------|----------|
| G1 | SPJ's           | intake (window)          | —               | 非常满意 |
| B1 | SPJ's           | conclusion (back office) | SPJ             | 非常不满意 |
| B2 | SPJ's 即办件     | conclusion (window)      | 金普厅's clerks | 不满意   |
| G3 | OTHER's         | intake (window)          | —               | 满意     |
| B3 | OTHER's         | conclusion (back office) | OTHER           | 非常不满意 |

B1 decided by SPJ's approver, B3 by OTHER's, B2 concluded on the spot at the window.

The people: (a) a supervisor watching SPJ; (b) SPJ's approver; (c) a supervisor
watching SPJ who also acts for OTHER as an approver; (d) SPJ's head (an approver of
SPJ); and the 金普厅's clerk (whose hall holds every one of these services)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.constants import Role
from accounts.services import staff_grant_department
from catalog.constants import CaseType
from feedback.constants import Level, Stage
from supervision import refresh
from tests.factories import (
    UserFactory,
    accept_case,
    make_approver,
    make_version,
    rating_of,
    service_instance,
)
from tests.feedback.orders_support import bad_rating, conclude, order_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(orders_scene):
    """The module's ratings (``s.r``: G1 B1 B2 G3 B3, ``s.name``: id to code) and
    people (``s.both``, ``s.head``; the others are the orders scene's), with the
    supervision rollups built."""
    s = orders_scene
    immediate = make_version(
        department=s.spj, steps=[], case_type=CaseType.IMMEDIATE, statutory=0, promised=0
    )
    other_version = make_version(department=s.other, steps=[(1, "审查", s.other, 5)])

    def case(version, **kwargs):
        return accept_case(version, clerk=s.hall_clerk, applicant=s.citizen, **kwargs)

    decided_by_spj = conclude(case(s.version), s.approver)
    on_the_spot = case(immediate, conclude_immediately=True)
    of_other = conclude(case(other_version), s.other_approver)
    s.r = {
        "G1": rating_of(service_instance(s.case), Level.VERY_SATISFIED),
        "B1": bad_rating(decided_by_spj, Stage.CONCLUSION, Level.VERY_DISSATISFIED),
        "B2": bad_rating(on_the_spot, Stage.CONCLUSION, Level.DISSATISFIED),
        "G3": rating_of(service_instance(of_other), Level.SATISFIED),
        "B3": bad_rating(of_other, Stage.CONCLUSION, Level.VERY_DISSATISFIED),
    }
    s.name = {r.pk: code for code, r in s.r.items()}
    # (c): watches SPJ as a supervisor, acts for OTHER as an approver.
    s.both = UserFactory(roles=[Role.SUPERVISOR, Role.APPROVER], username="both")
    staff_grant_department(user=s.both, department=s.spj, supervise=True)
    staff_grant_department(user=s.both, department=s.other)
    s.head = make_approver(s.spj, head=True, username="spj-head")  # (d)
    refresh.rebuild()  # the supervision pages read the rollups
    return s


def api_view(s, user) -> dict:
    """What the API shows ``user``: the ratings counted (the figures' total), the ratings
    listed with their raters (None: hidden) and the staff names of the figures."""
    api = APIClient()
    api.force_authenticate(user)
    figures = api.get("/api/v1/feedback/figures/").json()
    rows = api.get("/api/v1/feedback/ratings/", {"page_size": 100}).json()["results"]
    staff = api.get("/api/v1/feedback/figures/", {"group": "staff"}).json()["rows"]
    return {
        "counted": figures["total"]["counts"]["rated"],
        "raters": {s.name[row["id"]]: row["rater"] for row in rows},
        "staff": {row["label"] for row in staff},
    }


def pages_view(s, client, user) -> dict:
    """What the pages show ``user``: a supervisor's 好差评统计 (its total, its 工作人员
    tab) and 评价列表 (each rating with its rater), and for every one of the scene's 差评
    the order page's rater when the page opens to ``user``."""
    client.force_login(user)
    seen = {"raters": {}}
    if user.has_role(Role.SUPERVISOR):
        figures = client.get(reverse("supervision:feedback")).context["table"]
        staff = client.get(reverse("supervision:feedback"), {"group": "staff"}).context["table"]
        listed = client.get(reverse("supervision:ratings")).context["rows"]
        seen["counted"] = figures.total.counts.rated
        seen["staff"] = {row.label for row in staff.rows}
        seen["listed"] = {s.name[r.pk] for r, _, _ in listed}
        seen["raters"] = {s.name[r.pk]: rater for r, rater, _ in listed if rater}
    for code in ("B1", "B2", "B3"):
        page = client.get(reverse("feedback:order", args=[order_of(s.r[code]).pk]))
        if page.status_code == 200:
            seen["raters"][code] = page.context["rater"]["name"]
        else:
            assert page.status_code == 404, (code, page.status_code)
    return seen


def shown(view: dict) -> dict:
    """The ratings listed whose rater the view names."""
    return {code: name for code, name in view["raters"].items() if name}


def test_a_supervisor_sees_their_departments_ratings_and_raters(scene, client):
    """(a) The supervisor of SPJ: G1 B1 B2, every rater, as 好差评统计 and 评价列表."""
    s = scene
    api, pages = api_view(s, s.spj_supervisor), pages_view(s, client, s.spj_supervisor)
    assert api["counted"] == pages["counted"] == 3
    assert set(api["raters"]) == pages["listed"] == {"G1", "B1", "B2"}
    assert shown(api) == pages["raters"] == {"G1": "张明", "B1": "张明", "B2": "张明"}
    assert api["staff"] == pages["staff"]


def test_an_approver_sees_the_rater_of_the_departments_own_orders_only(scene, client):
    """(b) SPJ's approver: G1 B1 B2 listed; the rater of B1 alone, whose order page
    opens to them. B2 was concluded on the spot at the window: its order is the
    金普厅's and its page answers them 404, so the API names nobody (it named the
    rater, the rule reading the service's stage rather than the order's owner)."""
    s = scene
    api, pages = api_view(s, s.approver), pages_view(s, client, s.approver)
    assert api["counted"] == 3
    assert api["raters"] == {"G1": None, "B1": "张明", "B2": None}
    assert shown(api) == pages["raters"] == {"B1": "张明"}


def test_a_supervisor_who_is_also_an_approver_sees_one_scope(scene, client):
    """(c) Watching SPJ, acting for OTHER: the API counts and lists SPJ's ratings, as
    the supervision pages (3, where it counted the union: 5), with every rater there;
    OTHER's good rating G3, whose rater no page names to them, is not listed (its rater
    was shown: a supervisor's rule applied to an approver's department), nor are
    OTHER's staff in the 工作人员 grouping. OTHER's 差评 B3 stays theirs to work on its
    order page (and in the orders API)."""
    s = scene
    api, pages = api_view(s, s.both), pages_view(s, client, s.both)
    assert api["counted"] == pages["counted"] == 3
    assert set(api["raters"]) == pages["listed"] == {"G1", "B1", "B2"}
    assert shown(api) == {"G1": "张明", "B1": "张明", "B2": "张明"}
    assert pages["raters"] == shown(api) | {"B3": "张明"}  # B3: its order page
    assert api["staff"] == pages["staff"]
    assert str(s.other_approver) not in api["staff"]  # B3's approver, OTHER's


def test_a_department_head_sees_what_the_departments_approvers_see(scene, client):
    """(d) SPJ's head: an approver of SPJ, no more; the on-the-spot 差评 B2 is the
    hall's, its rater hidden as on its order page (404)."""
    s = scene
    api, pages = api_view(s, s.head), pages_view(s, client, s.head)
    assert api == api_view(s, s.approver)
    assert api["raters"] == {"G1": None, "B1": "张明", "B2": None}
    assert shown(api) == pages["raters"] == {"B1": "张明"}


def test_the_hall_clerk_sees_the_rater_of_the_halls_own_orders(scene, client):
    """The 金普厅's clerk: every service of the scene was given at or for the hall (the
    conclusions carry the case's hall); the rater of B2 alone, the order the hall works
    (hidden before, the rule giving a conclusion's 差评 to the department)."""
    s = scene
    api, pages = api_view(s, s.hall_clerk), pages_view(s, client, s.hall_clerk)
    assert api["counted"] == 5
    assert shown(api) == pages["raters"] == {"B2": "张明"}
