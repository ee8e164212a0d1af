"""督办 by a supervisor and the department's answer: approvals' services, the supervision
case page that issues it and the department's case page that answers it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from approvals.constants import EscalationStatus
from approvals.errors import ApprovalError
from approvals.models import Escalation
from approvals.services.escalations import escalation_answer, escalation_issue
from jinpu_portal.models import Notification

pytestmark = pytest.mark.django_db


def test_issue_and_answer(week):
    e = escalation_issue(application=week.c, actor=week.watcher, content="请加快办理，今日反馈。")
    assert (e.department, e.status, e.rule) == (week.spj, EscalationStatus.OPEN, "supervisor-1")
    assert week.c.events.filter(action="escalated", details__escalation=e.pk).exists()
    assert Notification.objects.filter(recipient=week.approver, title="督办通知").exists()
    second = escalation_issue(application=week.c, actor=week.district, content="再次督办。")
    assert second.rule == "supervisor-2"
    answered = escalation_answer(escalation=e, actor=week.approver, result="已于今日办结。")
    assert (answered.status, answered.result) == (EscalationStatus.RESOLVED, "已于今日办结。")
    assert week.c.events.filter(action="escalation_answered").exists()
    with pytest.raises(ApprovalError, match="已答复办结"):
        escalation_answer(escalation=e, actor=week.approver, result="再答一次")


def test_who_may_issue_and_answer(week):
    from tests.factories import make_approver, make_supervisor

    far = make_supervisor(week.scj, username="far")
    with pytest.raises(PermissionDenied):
        escalation_issue(application=week.c, actor=far, content="越权督办")
    with pytest.raises(PermissionDenied):
        escalation_issue(application=week.c, actor=week.approver, content="审批人员不能督办")
    with pytest.raises(ApprovalError, match="请填写督办内容"):
        escalation_issue(application=week.c, actor=week.district, content="  ")
    with pytest.raises(ApprovalError, match="最多 300 字"):
        escalation_issue(application=week.c, actor=week.district, content="督" * 301)
    with pytest.raises(ApprovalError, match="尚未受理"):
        escalation_issue(application=week.d, actor=week.district, content="不予受理的申请")
    e = escalation_issue(application=week.c, actor=week.district, content="请说明进度")
    stranger = make_approver(week.scj, username="scj-approver")
    with pytest.raises(PermissionDenied):
        escalation_answer(escalation=e, actor=stranger, result="不是我部门的")
    assert Escalation.objects.get(pk=e.pk).status == EscalationStatus.OPEN


def test_the_pages_issue_and_answer(client, week):
    client.force_login(week.watcher)
    page = client.get(reverse("supervision:case", args=[week.c.pk]))
    assert page.status_code == 200
    assert "发出督办" in page.content.decode()
    url = reverse("supervision:case_escalate", args=[week.c.pk])
    assert client.post(url, {"content": ""}).status_code == 400
    response = client.post(url, {"content": "红灯办件，请今日答复。"})
    assert response.status_code == 302
    e = Escalation.objects.get(application=week.c)
    # Outside the scope: as if it did not exist.
    assert (
        client.post(
            reverse("supervision:case_escalate", args=[week.e.pk]), {"content": "x"}
        ).status_code
        == 404
    )

    client.force_login(week.approver)
    case_page = client.get(reverse("approvals:case", args=[week.c.pk])).content.decode()
    assert "红灯办件，请今日答复。" in case_page
    assert "答复督办" in case_page
    answer = reverse("approvals:escalation_answer", args=[e.pk])
    assert client.post(answer, {"result": "已办理完毕并告知申请人。"}).status_code == 302
    e.refresh_from_db()
    assert e.status == EscalationStatus.RESOLVED

    client.force_login(week.watcher)
    page = client.get(reverse("supervision:case", args=[week.c.pk])).content.decode()
    assert "已办理完毕并告知申请人。" in page
    # The applicant sees neither the 督办 nor its answer.
    client.force_login(week.citizen.user)
    own = client.get(reverse("approvals:case", args=[week.c.pk])).content.decode()
    assert "红灯办件，请今日答复。" not in own
    assert "已办理完毕并告知申请人。" not in own


def test_the_escalation_list_reads_its_rules_in_chinese(client, week, at):
    """督办记录: each record's rule as people read it (never the code the sweep or the
    page stored), and its case opens on the supervisor's own case page."""
    from approvals.services.sweep import clock_sweep

    manual = escalation_issue(application=week.c, actor=week.district, content="请说明进度。")
    at(2026, 11, 5, 9)
    clock_sweep()  # case C's promised clock is overdue: the sweep opens its 督办
    rules = set(Escalation.objects.values_list("rule", flat=True))
    assert {manual.rule, "case_overdue_promised"} <= rules
    client.force_login(week.district)
    html = client.get(reverse("approvals:escalations")).content.decode()
    assert "督查人员督办（第 1 次）" in html
    assert "超过承诺办结期限" in html
    for rule in rules:
        assert f">{rule}<" not in html
    assert f'href="{reverse("supervision:case", args=[week.c.pk])}"' in html
    assert f'href="{reverse("approvals:case", args=[week.c.pk])}"' not in html
    # The menu leads back to the supervision pages.
    assert f'href="{reverse("supervision:overview")}"' in html


def test_every_rule_the_sweep_writes_has_a_label():
    from approvals.constants import ClockKind, escalation_rule_label
    from approvals.services.sweep import CASE_KINDS, STEP_RULE, case_rule, owned_rule

    rules = [STEP_RULE, *(case_rule(kind) for kind in CASE_KINDS)]
    rules.append(owned_rule(ClockKind.RECTIFICATION))
    for rule in rules:
        label = escalation_rule_label(rule)
        assert not label.isascii(), rule
    assert escalation_rule_label("supervisor-2") == "督查人员督办（第 2 次）"


def test_the_approver_answers_a_escalation_on_the_task_page(client, week):
    """The approver works from the task page: the case's 督办 is there with its answer
    form, and answering it comes back to the task page."""
    e = escalation_issue(application=week.c, actor=week.watcher, content="请今日说明进度。")
    task = week.c.tasks.get()
    client.force_login(week.approver)
    page = reverse("approvals:task", args=[task.pk])
    html = client.get(page).content.decode()
    card = html[html.index('id="escalations"') :]
    assert "请今日说明进度。" in card
    assert reverse("approvals:escalation_answer", args=[e.pk]) in card
    assert f'name="task" value="{task.pk}"' in card
    response = client.post(
        reverse("approvals:escalation_answer", args=[e.pk]),
        {"result": "已补充核查，明日办结。", "task": task.pk},
    )
    assert response.url == f"{page}#escalations"
    e.refresh_from_db()
    assert e.status == EscalationStatus.RESOLVED
    html = client.get(page).content.decode()
    assert "已补充核查，明日办结。" in html
    assert "答复督办" not in html  # answered: no form any more
    # A task of another case (or none) leads to the case page as before.
    second = escalation_issue(application=week.c, actor=week.watcher, content="再次督办。")
    response = client.post(
        reverse("approvals:escalation_answer", args=[second.pk]),
        {"result": "收到。", "task": "99999999999999999999"},
    )
    assert response.url == f"{reverse('approvals:case', args=[week.c.pk])}#escalations"
