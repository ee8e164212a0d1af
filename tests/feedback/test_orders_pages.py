"""The pages and the API of 差评整改: each staff member's list holds their scope only,
the order page shows the rater to the owning unit and supervisors and nobody else, the
actions are the owners', the citizen rates the fix online; the API answers the same in
the one error shape."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.authorization import agent_revoke
from feedback.constants import Finding, OrderStatus, Stage
from feedback.models import Appeal
from feedback.services.orders import STALE_MESSAGE, order_call_back, order_reply, order_token
from tests.factories import (
    CitizenFactory,
    accept_case,
    authorize_agent,
    make_citizen,
    make_enterprise,
    pdf_file,
)
from tests.feedback.orders_support import bad_rating, conclude, order_of, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orders(orders_scene):
    """The 金普厅's intake order and the 审批局's conclusion order of another case."""
    s = orders_scene
    intake = order_of(bad_rating(s.case, text="态度差"))
    other = accept_case(s.version, clerk=s.hall_clerk, applicant=make_citizen("李四"))
    conclusion = order_of(bad_rating(conclude(other, s.approver), Stage.CONCLUSION))
    return intake, conclusion


def _ids(client, query=""):
    page = client.get(reverse("feedback:orders") + query)
    assert page.status_code == 200
    html = page.content.decode()
    return {int(pk) for pk in re.findall(r'data-order="(\d+)"', html)}


def test_each_list_holds_its_scope(orders_scene, two_orders, client):
    s = orders_scene
    intake, conclusion = two_orders
    expected = {
        s.hall_clerk: {intake.pk},
        s.far_clerk: set(),
        s.approver: {conclusion.pk},
        s.other_approver: set(),
        s.supervisor: {intake.pk, conclusion.pk},
        s.spj_supervisor: {intake.pk, conclusion.pk},
        s.far_supervisor: set(),
    }
    for user, ids in expected.items():
        client.force_login(user)
        assert _ids(client) == ids, user.username
    client.force_login(s.citizen.user)
    assert client.get(reverse("feedback:orders")).status_code == 403


def test_the_order_page_and_its_actions(orders_scene, two_orders, client):
    s = orders_scene
    intake, _ = two_orders
    url = reverse("feedback:order", args=[intake.pk])
    client.force_login(s.hall_clerk)
    html = client.get(url).content.decode()
    assert "态度差" in html
    assert "张明" in html
    assert "13900001111" in html
    assert 'id="btn-call-back"' in html

    response = client.post(
        reverse("feedback:order_action", args=[intake.pk, "call-back"]),
        {"finding": "true", "note": "已电话联系，情况属实。"},
        follow=True,
    )
    assert "已登记回访核实" in response.content.decode()
    intake.refresh_from_db()
    assert intake.status == OrderStatus.RECTIFYING
    # A refused form comes back with the reason, nothing changes.
    response = client.post(
        reverse("feedback:order_action", args=[intake.pk, "reply"]), {"text": ""}, follow=True
    )
    assert "整改情况和答复" in response.content.decode()
    intake.refresh_from_db()
    assert intake.status == OrderStatus.RECTIFYING

    # A supervisor reads it (and the rater) but has no action buttons; the case number
    # opens their case page (clocks, record, 督办); the unit's staff get no such link.
    assert 'id="order-case"' not in html
    client.force_login(s.supervisor)
    html = client.get(url).content.decode()
    assert "张明" in html
    assert 'id="btn-reply"' not in html
    case_page = reverse("supervision:case", args=[intake.application_id])
    assert f'href="{case_page}" id="order-case"' in html
    assert client.get(case_page).status_code == 200
    response = client.post(
        reverse("feedback:order_action", args=[intake.pk, "reply"]),
        {"text": "越权答复"},
        follow=True,
    )
    assert "只有负责整改的单位" in response.content.decode()

    # Out of scope: 404; no role: 403; unknown action: 404.
    for user in (s.far_clerk, s.approver, s.far_supervisor):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
    client.force_login(s.citizen.user)
    assert client.get(url).status_code == 403
    client.force_login(s.hall_clerk)
    assert (
        client.post(reverse("feedback:order_action", args=[intake.pk, "close"])).status_code == 404
    )


def test_the_citizen_rates_the_fix_online(orders_scene, two_orders, client):
    s = orders_scene
    intake, _ = two_orders
    order_call_back(order=intake, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    order_reply(order=intake, actor=s.hall_clerk, text="已加强窗口服务培训。")
    url = reverse("feedback:order_visit", args=[intake.pk])
    client.force_login(s.citizen.user)
    html = client.get(url).content.decode()
    assert "已加强窗口服务培训" in html
    assert 'id="visit-form"' in html
    for name in (s.hall_clerk.username, s.hall_clerk.full_name):
        assert name not in html  # the hall answers, never a clerk by name
    response = client.post(url, {"level": "satisfied", "note": "满意"}, follow=True)
    assert "感谢您的评价" in response.content.decode()
    intake.refresh_from_db()
    assert intake.status == OrderStatus.CLOSED
    # Someone else's order is not found; staff do not rate the fix on this page.
    client.force_login(CitizenFactory().user)
    assert client.get(url).status_code == 404
    client.force_login(s.hall_clerk)
    assert client.get(url).status_code == 404


def test_a_revoked_agent_no_longer_sees_the_fix(orders_scene, client):
    """The return visit follows intake's rule: an agent whose authorization was revoked
    has lost every case of the enterprise, the ones they filed included, and with them
    the unit's answer to their 差评 (it stays the legal representative's to follow)."""
    s = orders_scene
    agent = make_citizen("钱经办")
    enterprise = make_enterprise(s.citizen)
    authorization = authorize_agent(enterprise, s.citizen, agent)
    case = accept_case(s.version, clerk=s.hall_clerk, applicant=agent, enterprise=enterprise)
    order = order_of(bad_rating(case, text="态度差"))
    order_call_back(order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    order_reply(order=order, actor=s.hall_clerk, text="已加强窗口服务培训。")
    url = reverse("feedback:order_visit", args=[order.pk])
    client.force_login(agent.user)
    assert "已加强窗口服务培训" in client.get(url).content.decode()

    agent_revoke(authorization=authorization, actor=s.citizen.user)
    assert client.get(f"/intake/my/{case.pk}/").status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(url, {"level": "satisfied"}).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.VISIT


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == code
    return body


def test_the_api_lists_the_scope_and_runs_the_actions(orders_scene, two_orders):
    s = orders_scene
    intake, conclusion = two_orders
    clerk = _api(s.hall_clerk)
    listing = clerk.get("/api/v1/feedback/orders/").json()
    assert [row["id"] for row in listing["results"]] == [intake.pk]
    row = listing["results"][0]
    assert (row["status"], row["stage"], row["owner"], row["rater"]["name"]) == (
        "callback",
        "intake",
        "金普厅",
        "张明",
    )
    assert row["clock"]["budget_days"] == 1
    assert [
        r["id"] for r in _api(s.supervisor).get("/api/v1/feedback/orders/").json()["results"]
    ] == [
        conclusion.pk,
        intake.pk,
    ]
    assert _api(s.far_clerk).get("/api/v1/feedback/orders/").json()["count"] == 0
    _error(clerk.get("/api/v1/feedback/orders/?status=nonsense"), 400, "invalid")
    _error(_api(s.citizen.user).get("/api/v1/feedback/orders/"), 403, "permission_denied")

    base = f"/api/v1/feedback/orders/{intake.pk}/"
    body = _error(clerk.post(base + "call-back/", {"finding": "maybe", "note": ""}), 400, "invalid")
    assert "核实结论" in body["detail"]
    _error(clerk.post(base + "reply/", {"text": "先答复"}), 400, "transition")
    body = _error(
        _api(s.far_clerk).post(base + "call-back/", {"finding": "true", "note": "x"}),
        404,
        "not_found",
    )
    assert body["detail"] == "整改单不存在或不在您的范围内。"
    _error(
        _api(s.supervisor).post(base + "call-back/", {"finding": "true", "note": "x"}),
        403,
        "permission_denied",
    )
    answer = clerk.post(base + "call-back/", {"finding": "true", "note": "已联系"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["status"] == "rectifying"
    assert [e["action"] for e in answer.json()["events"]] == ["opened", "call_back"]
    answer = clerk.post(base + "reply/", {"text": "已整改"}, format="json")
    assert answer.json()["status"] == "visit"
    answer = clerk.post(base + "return-visit/", {"level": "unsatisfied"}, format="json")
    assert (answer.json()["status"], answer.json()["reopened"]) == ("rectifying", True)

    # The appeal (multipart) and the supervisor's decision.
    answer = clerk.post(
        base + "appeal/",
        {"kind": "mistaken", "reason": "误评", "evidence": pdf_file()},
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    appeal = answer.json()
    assert appeal["status"] == "pending"
    assert _api(s.supervisor).get("/api/v1/feedback/appeals/").json()["count"] == 1
    body = _error(
        _api(s.far_supervisor).post(
            f"/api/v1/feedback/appeals/{appeal['id']}/decide/", {"accept": True, "reason": "x"}
        ),
        404,
        "not_found",
    )
    assert body["detail"] == "申诉不存在或不在您的范围内。"
    answer = _api(s.supervisor).post(
        f"/api/v1/feedback/appeals/{appeal['id']}/decide/",
        {"accept": True, "reason": "认定误评"},
        format="json",
    )
    assert answer.json()["status"] == "accepted"
    detail = clerk.get(base).json()
    assert (detail["status"], detail["outcome"], detail["excluded"]) == ("closed", "excluded", True)


def test_the_schema_documents_the_orders_api(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/feedback/orders/",
        "/api/v1/feedback/orders/{id}/call-back/",
        "/api/v1/feedback/orders/{id}/appeal/",
        "/api/v1/feedback/appeals/{id}/decide/",
    ):
        assert path in paths
    post = paths["/api/v1/feedback/orders/{id}/call-back/"]["post"]
    for status in ("400", "403", "404"):
        assert post["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/Error"
        )
    # A paused clock: no due date, its working days left instead.
    clock = schema.json()["components"]["schemas"]["OrderClock"]["properties"]
    assert clock["due_date"]["nullable"]
    assert "暂停" in clock["due_date"]["description"]
    assert clock["paused"]["type"] == "boolean"
    assert clock["paused_days_left"]["type"] == "integer"
    assert clock["paused_days_left"]["nullable"]


def test_the_lists_cost_the_same_queries_for_one_order_or_twenty(
    orders_scene, assert_flat_queries, client
):
    s = orders_scene

    def add(n):
        for _ in range(n):
            bad_rating(accept_case(s.version, clerk=s.hall_clerk, applicant=s.citizen))

    client.force_login(s.hall_clerk)
    assert_flat_queries(lambda: client.get(reverse("feedback:orders")), add)
    api = _api(s.supervisor)
    assert_flat_queries(lambda: api.get("/api/v1/feedback/orders/"), add)


def test_an_order_waiting_for_the_visit_shows_no_finished_light(orders_scene, two_orders, client):
    """Replied to, the order waits for the citizen's rating of the fix: its list row and
    its page's heading show where it stands (待回访评价), not the rectification clock's
    已办结 beside it, as if the order were closed."""
    s = orders_scene
    intake, _ = two_orders
    order_call_back(order=intake, actor=s.hall_clerk, finding=Finding.TRUE, note="已核实。")
    order_reply(order=intake, actor=s.hall_clerk, text="已加强窗口服务培训。")
    client.force_login(s.hall_clerk)
    html = client.get(reverse("feedback:orders")).content.decode()
    row = html[html.index(f'data-order="{intake.pk}"') :]
    row = row[: row.index("</a>")]
    assert "待回访评价" in row
    assert "已办结" not in row
    html = client.get(reverse("feedback:order", args=[intake.pk])).content.decode()
    heading = html[html.index('id="order-status"') : html.index('id="actions"')]
    assert "待回访评价" in heading
    assert "已办结" not in heading


def test_a_refused_order_action_keeps_what_was_typed(orders_scene, two_orders, client):
    """A refused step (by the form, or by the service: a colleague acted meanwhile) shows
    the order page again with what was typed and the step of now; nothing is saved."""
    s = orders_scene
    intake, _ = two_orders
    client.force_login(s.hall_clerk)
    first_step = order_token(intake)
    order_call_back(order=intake, actor=s.hall_clerk, finding=Finding.TRUE, note="属实。")
    intake.refresh_from_db()
    reply = reverse("feedback:order_action", args=[intake.pk, "reply"])

    # Too long for the form: the 400 page keeps all of it, with the error.
    too_long = "已对窗口人员进行服务规范培训" * 40  # 560 characters
    response = client.post(reply, {"seen": order_token(intake), "text": too_long})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{too_long}</textarea>" in html
    # Under the field, once (not also flashed atop the page).
    error = html[html.index(f"{too_long}</textarea>") : html.index('id="btn-reply"')]
    assert "500" in error
    assert html.count("目前字符数 560") == 1

    # Sent from a page of the step before (a colleague moved it since): the service
    # refuses; the answer stays, with the step of now, so it can be sent again.
    text = "已约谈当班人员并整改，向群众致歉。"
    response = client.post(reply, {"seen": first_step, "text": text})
    assert response.status_code == 409
    html = response.content.decode()
    assert f"{text}</textarea>" in html
    # The refusal is in the reply's form, above the text (not a message atop the page).
    form = html[html.index('id="actions"') : html.index(f"{text}</textarea>")]
    assert STALE_MESSAGE in form
    assert f'name="seen" value="{order_token(intake)}"' in html
    intake.refresh_from_db()
    assert (intake.status, intake.reply) == (OrderStatus.RECTIFYING, "")

    # A colleague replied meanwhile (the reply form is gone): the text is shown to copy.
    seen = order_token(intake)
    order_reply(order=intake, actor=s.hall_clerk, text="已整改。")
    late = "另行补充：已调整窗口排班。"
    response = client.post(reply, {"seen": seen, "text": late})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="kept-text"' in html
    assert late in html
    intake.refresh_from_db()
    assert intake.reply == "已整改。"

    # An appeal without its evidence: the reason stays and the appeal form is open.
    response = client.post(
        reverse("feedback:order_action", args=[intake.pk, "appeal"]),
        {"kind": "mistaken", "reason": "群众误评，当日未到窗口办理。"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "群众误评，当日未到窗口办理。</textarea>" in html
    assert '<details id="appeal-form" open>' in html
    assert not Appeal.objects.filter(order=intake).exists()


def test_a_paused_order_clock_answers_its_days_left_not_its_date(
    orders_scene, two_orders, at, client
):
    """While an order's clock is paused its due date moves by the pause, so the API
    says what the order's page says: no due date, paused, and the working days left,
    frozen from the first day of the pause; the other order's clock keeps its date."""
    from approvals.constants import PauseKind
    from approvals.services.clocks import clock_pause

    s = orders_scene
    intake, conclusion = two_orders
    order_call_back(order=intake, actor=s.hall_clerk, finding=Finding.TRUE, note="已核实。")
    intake.refresh_from_db()
    # Rectify within 15 working days from Mon 2 Nov: due Mon 23 Nov.
    assert intake.clock.due_date.isoformat() == "2026-11-23"
    paused_on = at(2026, 11, 4, 10).date()
    clock_pause(clock=intake.clock, kind=PauseKind.INSPECTION, reason="检测", on=paused_on)
    at(2026, 12, 1, 10)  # long past the stored date
    api = _api(s.supervisor)
    # Paused on Wed 4 Nov: 5, 6, 9-13, 16-20 and 23 Nov left.
    left = "已暂停，剩余 13 个工作日，恢复后顺延"
    clock = api.get(f"/api/v1/feedback/orders/{intake.pk}/").json()["clock"]
    assert (clock["due_date"], clock["paused"], clock["paused_days_left"]) == (None, True, 13)
    assert clock["time_left"] == left
    client.force_login(s.supervisor)
    assert left in client.get(reverse("feedback:order", args=[intake.pk])).content.decode()

    running = api.get(f"/api/v1/feedback/orders/{conclusion.pk}/").json()["clock"]
    assert running["due_date"] == conclusion.clock.due_date.isoformat()
    assert (running["paused"], running["paused_days_left"]) == (False, None)
    listed = {
        row["id"]: row["clock"] for row in api.get("/api/v1/feedback/orders/").json()["results"]
    }
    assert listed == {intake.pk: clock, conclusion.pk: running}


def test_a_refused_rating_of_the_fix_keeps_what_was_typed(orders_scene, two_orders, client):
    """The citizen's refused 回访评价 (no choice, a note over 500 characters, a page the
    unit's new round or telephone return visit overtook) shows the page again with the
    choice and the note kept and the error next to them: 400, or 409 when the order
    moved meanwhile; nothing is recorded."""
    from feedback.constants import VisitLevel
    from feedback.models import ReturnVisit
    from feedback.services.orders import order_visit

    s = orders_scene
    intake, _ = two_orders
    order_call_back(order=intake, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    order_reply(order=intake, actor=s.hall_clerk, text="已加强窗口服务培训。")
    intake.refresh_from_db()
    url = reverse("feedback:order_visit", args=[intake.pk])
    client.force_login(s.citizen.user)
    first_round = order_token(intake)
    assert f'name="seen" value="{first_round}"' in client.get(url).content.decode()

    # No choice: the note stays, the error is under the choices.
    note = "窗口人员态度有改进，但排队时间仍然较长。"
    html = refused(client, url, {"seen": first_round, "note": note})
    assert f"{note}</textarea>" in html
    assert 'id="visit_level_error" role="alert"' in html
    assert "请选择对整改结果的评价（满意、基本满意或不满意）。" in html

    # Too long: all of it comes back, the choice too.
    long_note = "排队时间过长，叫号系统经常出错，希望增加窗口。" * 24  # 528 characters
    html = refused(client, url, {"seen": first_round, "level": VisitLevel.BASIC, "note": long_note})
    assert f"{long_note}</textarea>" in html
    assert re.search(r'value="basic"[^>]*checked', html)
    assert 'id="visit_note_error" role="alert"' in html
    assert not ReturnVisit.objects.filter(order=intake).exists()

    # The unit's telephone visit (不满意) reopened it and it was answered again: the page
    # of the first round is refused (409), the new answer shown, the rating kept.
    order_visit(order=intake, actor=s.hall_clerk, level=VisitLevel.UNSATISFIED)
    order_reply(order=intake, actor=s.hall_clerk, text="已调整窗口排班，增设一个综合窗口。")
    intake.refresh_from_db()
    html = refused(
        client, url, {"seen": first_round, "level": VisitLevel.SATISFIED, "note": note}, 409
    )
    assert "已调整窗口排班" in html
    assert "整改单位已更新整改情况" in html
    assert f"{note}</textarea>" in html
    assert re.search(r'value="satisfied"[^>]*checked', html)
    assert f'name="seen" value="{order_token(intake)}"' in html
    assert ReturnVisit.objects.filter(order=intake).count() == 1

    # The unit recorded the second visit meanwhile (the form is gone): the note to copy.
    second_round = order_token(intake)
    order_visit(order=intake, actor=s.hall_clerk, level=VisitLevel.SATISFIED)
    html = refused(
        client, url, {"seen": second_round, "level": VisitLevel.BASIC, "note": note}, 409
    )
    assert 'id="visit-form"' not in html
    assert 'id="kept-text"' in html
    assert note in html
    intake.refresh_from_db()
    assert intake.status == OrderStatus.CLOSED
    assert ReturnVisit.objects.filter(order=intake).count() == 2
