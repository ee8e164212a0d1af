"""One 督办 form, one 督办: the supervisor's form posted twice (a double click, the page
resubmitted, two tabs) issues one 督办 and tells each approver once; the second post
is shown, in Chinese, the 督办 the first one issued."""

import pytest
from django.test import Client
from django.urls import reverse

from approvals.models import Escalation
from approvals.services.sweep import approvers_by_department
from jinpu_portal.models import Notification
from tests.concurrency import run_at_once
from tests.form_keys import rendered_form


def case_url(week) -> str:
    return reverse("supervision:case", args=[week.c.pk])


def escalate_url(week) -> str:
    return reverse("supervision:case_escalate", args=[week.c.pk])


def one_escalation_issued(week) -> Escalation:
    """The one 督办 on case C, in its record once, each approver told once."""
    escalation = Escalation.objects.get(application=week.c)
    approvers = approvers_by_department([escalation.department_id])[escalation.department_id]
    assert approvers
    told = Notification.objects.filter(title="督办通知", body__contains=escalation.content)
    assert sorted(told.values_list("recipient", flat=True)) == sorted(a.pk for a in approvers)
    assert week.c.events.filter(action="escalated").count() == 1
    return escalation


@pytest.mark.django_db
def test_the_same_form_posted_twice_issues_one_escalation(client, week):
    client.force_login(week.watcher)
    data = rendered_form(client, case_url(week), {"content": "红灯办件，请今日答复。"})
    first = client.post(escalate_url(week), data)
    assert first.status_code == 302
    second = client.post(escalate_url(week), data, follow=True)
    escalation = one_escalation_issued(week)
    assert second.redirect_chain[-1][0] == first["Location"]
    assert first["Location"].endswith(f"#escalation-{escalation.pk}")
    page = second.content.decode()
    assert "该督办表单已提交过，未重复督办。" in page
    assert "首次提交的督办已于" in page
    assert f'id="escalation-{escalation.pk}"' in page


@pytest.mark.django_db
def test_a_new_form_issues_a_new_escalation(client, week):
    client.force_login(week.watcher)
    for content in ("第一次督办。", "第二次督办。"):
        data = rendered_form(client, case_url(week), {"content": content})
        assert client.post(escalate_url(week), data).status_code == 302
    assert Escalation.objects.filter(application=week.c).count() == 2


@pytest.mark.django_db
def test_a_refused_form_may_be_corrected_and_posted_again(client, week):
    client.force_login(week.watcher)
    data = rendered_form(client, case_url(week), {"content": "督" * 301})
    refused = client.post(escalate_url(week), data)
    assert refused.status_code == 400
    assert not Escalation.objects.exists()
    assert f'value="{data["submission"]}"' in refused.content.decode()  # the same key
    data["content"] = "请说明进度。"
    assert client.post(escalate_url(week), data).status_code == 302
    one_escalation_issued(week)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_posting_the_same_form_at_once_issue_one_escalation(week):
    browser = Client()
    browser.force_login(week.watcher)
    data = rendered_form(browser, case_url(week), {"content": "两个标签页同时督办。"})
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.cookies = browser.cookies  # the same browser session, two tabs

    results = run_at_once(*(lambda tab=tab: tab.post(escalate_url(week), data) for tab in tabs))
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert [response.status_code for _, response in results] == [302, 302]
    escalation = one_escalation_issued(week)
    assert {response["Location"] for _, response in results} == {
        f"{case_url(week)}#escalation-{escalation.pk}"
    }
