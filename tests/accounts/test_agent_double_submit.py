"""One authorization form, one grant: the legal representative's 确认授权 (or the clerk's
确认登记 from a power of attorney) posted twice — a double click, the page resubmitted,
two posts at the same moment — grants once. Before, the second post superseded the first
grant (revoked it) and granted again: an extra revocation and grant in the enterprise's
audit record. The second post is shown the first one's grant. A new page (a new key)
granting again still supersedes the open authorization, as before."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.constants import AuthorizationAction
from accounts.models import EnterpriseRepresentative
from tests.concurrency import run_at_once
from tests.factories import (
    authorize_agent,
    make_citizen,
    make_clerk,
    make_enterprise,
    pdf_file,
)
from tests.form_keys import rendered_form

pytestmark = pytest.mark.django_db


def _terms(agent) -> dict:
    until = timezone.localdate() + datetime.timedelta(days=30)
    return {
        "agent-name": agent.name,
        "agent-id_number": agent.id_number,
        "agent-scope": "all",
        "agent-valid_until": until.isoformat(),
    }


def _actions(enterprise, agent) -> list:
    return list(
        enterprise.auth_events.filter(citizen=agent).order_by("id").values_list("action", flat=True)
    )


@pytest.fixture
def chain():
    legal = make_citizen("钱七")
    return legal, make_enterprise(legal), make_citizen("孙丽")


def test_the_same_online_form_posted_twice_grants_once(client, chain):
    legal, enterprise, agent = chain
    client.force_login(legal.user)
    url = reverse("accounts:enterprise-agents", args=[enterprise.pk])
    data = rendered_form(client, url, _terms(agent), prefix="agent")
    assert client.post(url, data).status_code == 302
    second = client.post(url, data, follow=True)
    authorization = EnterpriseRepresentative.objects.get()
    assert authorization.revoked_at is None
    assert _actions(enterprise, agent) == [AuthorizationAction.AGENT_GRANTED]
    body = second.content.decode()
    assert (
        f"该授权表单已提交过，未重复授权。首次提交已授权 {agent.name} 为经办人，"
        f"有效期至 {authorization.valid_until:%Y年%-m月%-d日}。"
    ) in body

    # A new page granting again (other terms) supersedes the open one, as before.
    later = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    again = rendered_form(client, url, {**_terms(agent), "agent-valid_until": later}, "agent")
    client.post(url, again)
    assert EnterpriseRepresentative.objects.filter(revoked_at__isnull=True).count() == 1
    assert _actions(enterprise, agent) == [
        AuthorizationAction.AGENT_GRANTED,
        AuthorizationAction.AGENT_REVOKED,
        AuthorizationAction.AGENT_GRANTED,
    ]


def test_a_refused_online_form_may_be_corrected_and_posted_again(client, chain):
    legal, enterprise, agent = chain
    client.force_login(legal.user)
    url = reverse("accounts:enterprise-agents", args=[enterprise.pk])
    data = rendered_form(client, url, {**_terms(agent), "agent-name": "孙莉"}, prefix="agent")
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "未找到与该姓名和公民身份号码一致的已实名认证人员" in refused.content.decode()
    assert f'value="{data["agent-submission"]}"' in refused.content.decode()
    data["agent-name"] = agent.name
    assert client.post(url, data).status_code == 302
    assert _actions(enterprise, agent) == [AuthorizationAction.AGENT_GRANTED]


def test_the_same_window_form_posted_twice_records_once(client, chain):
    _legal, enterprise, agent = chain
    clerk = make_clerk()
    client.force_login(clerk)
    url = reverse("accounts:window-enterprise-detail", args=[enterprise.pk])
    data = rendered_form(
        client, url, {**_terms(agent), "agent-attorney_checked": "on"}, prefix="agent"
    )
    for _ in range(2):
        post = {**data, "agent-power_of_attorney": pdf_file("授权委托书.pdf")}
        response = client.post(url, post, follow=True)
    authorization = EnterpriseRepresentative.objects.get()
    assert authorization.revoked_at is None
    assert _actions(enterprise, agent) == [AuthorizationAction.AGENT_RECORDED]
    assert "该授权表单已提交过，未重复授权。首次提交已登记" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_of_one_form_at_the_same_moment_grant_once():
    """PostgreSQL, three connections: the same form (an agent already authorized, the new
    terms superseding that) posted three times at once. One supersedes and grants; the
    others wait at the key's INSERT and are shown that grant."""
    legal = make_citizen("钱七")
    enterprise = make_enterprise(legal)
    agent = make_citizen("孙丽")
    old = authorize_agent(enterprise, legal, agent, days=10)
    url = reverse("accounts:enterprise-agents", args=[enterprise.pk])
    page = Client()
    page.force_login(legal.user)
    data = rendered_form(page, url, _terms(agent), prefix="agent")

    def post():
        client = Client()
        client.force_login(legal.user)
        return client.post(url, data).status_code

    results = run_at_once(post, post, post)
    assert results == [("ok", 302)] * 3, results
    open_ones = EnterpriseRepresentative.objects.filter(revoked_at__isnull=True)
    assert open_ones.count() == 1
    assert open_ones.get() != old
    assert EnterpriseRepresentative.objects.count() == 2
    assert _actions(enterprise, agent) == [
        AuthorizationAction.AGENT_GRANTED,
        AuthorizationAction.AGENT_REVOKED,
        AuthorizationAction.AGENT_GRANTED,
    ]
