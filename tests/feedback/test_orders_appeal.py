"""申诉复核: the owning unit asks a supervisor to rule a 差评 mistaken or malicious, with
evidence stored under a random name and served only to the unit and the supervisors;
only a supervisor of the department rules; accepted, the rating leaves the figures but
stays in the record and the order closes; rejected, the order goes on."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.constants import AppealKind, AppealStatus, Finding, OrderOutcome, OrderStatus
from feedback.errors import FeedbackError, FeedbackPermissionDenied
from feedback.models import Appeal, Rating
from feedback.services.orders import appeal_decide, appeal_file, order_call_back
from feedback.states import IllegalTransition
from tests.factories import exe_bytes, pdf_file
from tests.feedback.orders_support import bad_rating, messages_to, order_of, record, rectified

pytestmark = pytest.mark.django_db


def _file(s, order, **fields):
    values = {
        "order": order,
        "actor": s.hall_clerk,
        "kind": AppealKind.MALICIOUS,
        "reason": "监控显示群众未到窗口办理，评价与事实不符。",
        "evidence": pdf_file("监控截图说明.pdf"),
        **fields,
    }
    return appeal_file(**values)


def test_the_unit_appeals_with_evidence_and_a_supervisor_accepts(orders_scene):
    s = orders_scene
    rating = bad_rating(s.case)
    order = order_of(rating)
    appeal = _file(s, order)

    assert (appeal.status, appeal.kind, appeal.filed_by) == (
        AppealStatus.PENDING,
        AppealKind.MALICIOUS,
        s.hall_clerk,
    )
    # Stored under a random name; the uploader's name is kept for display only.
    assert re.fullmatch(r"feedback/appeals/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", appeal.evidence.name)
    assert (appeal.evidence_name, appeal.evidence_type) == ("监控截图说明.pdf", "application/pdf")
    assert [m.title for m in messages_to(s.spj_supervisor)] == ["差评申诉待复核"]
    assert messages_to(s.far_supervisor) == []

    with pytest.raises(FeedbackPermissionDenied):
        appeal_decide(appeal=appeal, actor=s.hall_clerk, accept=True, reason="自己认定")
    with pytest.raises(FeedbackPermissionDenied):
        appeal_decide(appeal=appeal, actor=s.far_supervisor, accept=True, reason="越权")
    with pytest.raises(FeedbackError):
        appeal_decide(appeal=appeal, actor=s.spj_supervisor, accept=True, reason="")

    appeal = appeal_decide(
        appeal=appeal, actor=s.spj_supervisor, accept=True, reason="经调取监控，认定为恶意评价。"
    )
    assert (appeal.status, appeal.decided_by) == (AppealStatus.ACCEPTED, s.spj_supervisor)
    rating.refresh_from_db()
    assert rating.excluded is True  # out of the figures
    assert Rating.objects.filter(pk=rating.pk).exists()  # kept in the record
    order.refresh_from_db()
    assert (order.status, order.outcome) == (OrderStatus.CLOSED, OrderOutcome.EXCLUDED)
    assert not order.clock.is_open
    assert record(order) == ["opened", "appeal_filed", "appeal_accepted", "appeal_upheld"]
    assert messages_to(s.hall_clerk)[-1].title == "差评申诉成立"
    with pytest.raises(IllegalTransition):
        appeal_decide(appeal=appeal, actor=s.supervisor, accept=False, reason="再议")


def test_a_rejected_appeal_leaves_the_order_running(orders_scene):
    s = orders_scene
    rating = bad_rating(s.case)
    order = order_of(rating)
    order_call_back(order=order, actor=s.hall_clerk, finding=Finding.UNTRUE, note="群众否认")
    appeal = _file(s, order, kind=AppealKind.MISTAKEN, reason="群众误点了不满意。")
    appeal = appeal_decide(
        appeal=appeal, actor=s.supervisor, accept=False, reason="证据不足以认定误评。"
    )
    assert appeal.status == AppealStatus.REJECTED
    rating.refresh_from_db()
    order.refresh_from_db()
    assert rating.excluded is False
    assert (order.status, order.clock.is_open) == (OrderStatus.RECTIFYING, True)
    assert record(order)[-1] == "appeal_rejected"
    assert messages_to(s.hall_clerk)[-1].title == "差评申诉不成立"
    # One appeal per 差评.
    with pytest.raises(FeedbackError, match="只能申诉一次"):
        _file(s, order)


def test_an_appeal_accepted_after_the_order_was_rectified_and_closed(orders_scene):
    """Filed while the order is open, ruled after the citizen was satisfied with the fix:
    the rating leaves the figures, the closed order keeps its outcome."""
    s = orders_scene
    rating = bad_rating(s.case)
    order = order_of(rating)
    appeal = _file(s, order)
    rectified(order, s.hall_clerk)  # and the citizen satisfied: closed
    appeal = appeal_decide(appeal=appeal, actor=s.spj_supervisor, accept=True, reason="恶意评价。")
    assert appeal.status == AppealStatus.ACCEPTED
    rating.refresh_from_db()
    order.refresh_from_db()
    assert rating.excluded is True
    assert (order.status, order.outcome) == (OrderStatus.CLOSED, OrderOutcome.SATISFIED)
    assert record(order)[-2:] == ["satisfied", "appeal_accepted"]


def test_appeal_refusals(orders_scene):
    s = orders_scene
    order = order_of(bad_rating(s.case))
    with pytest.raises(FeedbackPermissionDenied):
        _file(s, order, actor=s.far_clerk)
    with pytest.raises(FeedbackPermissionDenied):
        _file(s, order, actor=s.approver)  # an intake order is the hall's
    with pytest.raises(FeedbackPermissionDenied):
        _file(s, order, actor=s.supervisor)
    with pytest.raises(FeedbackError):
        _file(s, order, evidence=None)
    disguised = SimpleUploadedFile("截图.pdf", exe_bytes(), content_type="application/pdf")
    with pytest.raises(FeedbackError):
        _file(s, order, evidence=disguised)
    with pytest.raises(FeedbackError):
        _file(s, order, kind="other")
    rectified(order, s.hall_clerk)  # closed: too late to appeal
    with pytest.raises(FeedbackError, match="整改单已办结"):
        _file(s, order)
    assert not Appeal.objects.exists()


def test_the_evidence_is_served_only_to_the_unit_and_the_supervisors(orders_scene, client):
    s = orders_scene
    appeal = _file(s, order_of(bad_rating(s.case)))
    url = reverse("feedback:appeal_evidence", args=[appeal.pk])
    for user, status in (
        (s.hall_clerk, 200),
        (s.supervisor, 200),
        (s.spj_supervisor, 200),
        (s.far_clerk, 404),
        (s.approver, 404),
        (s.far_supervisor, 404),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user.username
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(s.citizen.user)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_appeal_pages(orders_scene, client):
    s = orders_scene
    order = order_of(bad_rating(s.case))
    client.force_login(s.hall_clerk)
    response = client.post(
        reverse("feedback:order_action", args=[order.pk, "appeal"]),
        {"kind": "mistaken", "reason": "群众误评。", "evidence": pdf_file("说明.pdf")},
        follow=True,
    )
    assert "申诉已提交" in response.content.decode()
    appeal = Appeal.objects.get(order=order)

    client.force_login(s.supervisor)
    queue = client.get(reverse("feedback:appeals")).content.decode()
    assert s.case.case_number in queue
    page = client.get(reverse("feedback:appeal", args=[appeal.pk])).content.decode()
    assert "群众误评" in page
    assert s.citizen.name in page
    response = client.post(
        reverse("feedback:appeal", args=[appeal.pk]), {"accept": "1", "reason": "认定误评。"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ACCEPTED

    client.force_login(s.far_supervisor)
    assert client.get(reverse("feedback:appeal", args=[appeal.pk])).status_code == 404
    assert (
        s.case.case_number
        not in client.get(reverse("feedback:appeals") + "?status=all").content.decode()
    )
    client.force_login(s.hall_clerk)
    assert client.get(reverse("feedback:appeals")).status_code == 403


def test_a_refused_ruling_keeps_what_was_typed(orders_scene, client):
    """A supervisor's refused 复核 (an opinion over 500 characters) shows the appeal page
    again with the conclusion chosen and the opinion typed; nothing is decided."""
    s = orders_scene
    appeal = _file(s, order_of(bad_rating(s.case)))
    client.force_login(s.supervisor)
    opinion = "监控记录不足以证明群众未到窗口，申诉理由不充分" * 25  # 575 characters
    response = client.post(
        reverse("feedback:appeal", args=[appeal.pk]), {"accept": "0", "reason": opinion}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{opinion}</textarea>" in html
    assert re.search(r'<option value="0" selected>', html)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING
