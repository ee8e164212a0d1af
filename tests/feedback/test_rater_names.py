"""One rule names the rater everywhere it is shown (feedback.selectors.rater_name_of):
the order page and the orders API, the ratings API, the supervisor's case page, the
rating list and the export all name the applicant by their verified name when the
applicant rated (whatever their account calls itself) or rated without an account, an
enterprise's legal representative rating their agent's case by their account's name,
and nobody for a default rating."""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from feedback.constants import Level, RatingChannel, Stage
from feedback.order_selectors import rater_of
from feedback.selectors import rater_name_of
from supervision.selectors import case_ratings
from tests.factories import (
    accept_case,
    authorize_agent,
    make_citizen,
    make_enterprise,
    rating_of,
    service_instance,
)
from tests.feedback.orders_support import bad_rating, order_of

pytestmark = pytest.mark.django_db


def names_shown(s, rating) -> dict:
    """The rater's name as each place shows it to the district-wide supervisor."""
    case = rating.instance.application
    api = APIClient()
    api.force_authenticate(s.supervisor)
    listed = api.get("/api/v1/feedback/ratings/", {"page_size": 100}).json()["results"]
    exported = api.get("/api/v1/feedback/ratings/export.csv")
    rows = csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig")))
    on_case_page = case_ratings(case, user=s.supervisor)
    shown = {
        "api": next(r["rater"] for r in listed if r["id"] == rating.pk),
        "export": next(r["评价人"] for r in rows if r["评价编号"] == str(rating.pk)),
        "case page": next(r.rater for r in on_case_page if r.rating.pk == rating.pk),
    }
    if rating.is_bad:
        order = order_of(rating)
        shown["order page"] = rater_of(order)["name"]
        api.force_authenticate(s.hall_clerk)
        shown["orders api"] = api.get(f"/api/v1/feedback/orders/{order.pk}/").json()["rater"][
            "name"
        ]
    return shown


def test_the_applicant_is_named_by_their_verified_name_everywhere(orders_scene, client):
    s = orders_scene
    # The applicant's account calls itself otherwise than their verified identity.
    User.objects.filter(pk=s.citizen.user_id).update(full_name="明明")
    bad = bad_rating(s.case, text="态度差")  # online, by the applicant's own account
    assert bad.rater_id == s.citizen.user_id
    assert set(names_shown(s, bad).values()) == {"张明"}, names_shown(s, bad)
    # The supervisor's case page, as the browser gets it.
    client.force_login(s.supervisor)
    html = client.get(reverse("supervision:case", args=[s.case.pk])).content.decode()
    assert "评价人 张明" in html
    assert "明明" not in html


def test_a_walk_in_by_qr_and_a_default_rating(orders_scene):
    s = orders_scene
    walk_in = make_citizen("赵六")
    User.objects.filter(pk=walk_in.user_id).update(full_name="六六")
    case = accept_case(s.version, clerk=s.hall_clerk, applicant=walk_in)
    by_link = rating_of(service_instance(case), Level.SATISFIED, RatingChannel.QR)
    assert by_link.rater_id is None
    assert set(names_shown(s, by_link).values()) == {"赵六"}
    default = rating_of(service_instance(s.case, Stage.CONCLUSION), channel=RatingChannel.DEFAULT)
    shown = names_shown(s, default)
    assert shown == {"api": None, "export": "", "case page": ""}


def test_the_legal_representative_rating_an_agents_case_by_their_account(orders_scene):
    s = orders_scene
    agent = make_citizen("钱经办")
    enterprise = make_enterprise(s.citizen)
    authorize_agent(enterprise, s.citizen, agent)
    case = accept_case(s.version, clerk=s.hall_clerk, applicant=agent, enterprise=enterprise)
    User.objects.filter(pk=s.citizen.user_id).update(full_name="张明（法定代表人）")
    bad = bad_rating(case, actor=s.citizen.user, text="等候太久")
    assert bad.rater_id == s.citizen.user_id != agent.user_id
    assert set(names_shown(s, bad).values()) == {"张明（法定代表人）"}
    # The export's ID number is that person's, not the applicant's.
    api = APIClient()
    api.force_authenticate(s.supervisor)
    exported = api.get("/api/v1/feedback/ratings/export.csv")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["评价编号"] == str(bad.pk))
    assert row["评价人证件号码（脱敏）"] == s.citizen.masked_id_number


def test_the_rule():
    def name(**fields):
        base = {
            "is_default": False,
            "rater_id": None,
            "applicant_user_id": 7,
            "applicant_name": "张明",
            "rater_full_name": "",
            "rater_username": "",
        }
        return rater_name_of(**(base | fields))

    assert name() == "张明"  # no account
    assert name(rater_id=7, rater_full_name="明明") == "张明"  # the applicant's own
    assert name(rater_id=8, rater_full_name="王五", rater_username="w5") == "王五"
    assert name(rater_id=8, rater_username="w5") == "w5"
    assert name(is_default=True) == ""
