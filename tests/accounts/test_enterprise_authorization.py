"""The enterprise authorization chain (issue 11 item 1): a legal representative is the
verified identity with the ID number on record (put there by a clerk who checked the
licence and the ID card); agents are authorized online by the legal representative or at
a window from a power of attorney, for all items or chosen ones, until a date,
revocable at once. Every step is an audit row, and one rule (checked in the query)
decides who may act for an enterprise everywhere."""

import datetime
import os
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.authorization import (
    agent_authorizations_expire,
    agent_authorize_online,
    agent_revoke,
    legal_representative_record_at_window,
)
from accounts.constants import AuthorizationAction, Role, VerificationMethod
from accounts.models import (
    Enterprise,
    EnterpriseAuthorizationEvent,
    EnterpriseRepresentative,
)
from accounts.selectors import agent_chain_for, enterprise_list_for, may_act_for
from accounts.services import citizen_register, citizen_verify, user_set_roles
from accounts.token_users import cache_key
from approvals.services.delivery import may_download_result
from intake.services.cases import application_submit
from tests.factories import (
    UserFactory,
    authorize_agent,
    credit_code,
    make_citizen,
    make_clerk,
    make_enterprise,
    make_item,
    pdf_file,
    resident_id,
    start_online,
    upload_required,
)

pytestmark = pytest.mark.django_db

LEGAL_NUMBER = resident_id(501)
CODE = credit_code(501)


def record_legal(clerk, *, number=LEGAL_NUMBER, name="钱七", code=CODE):
    return legal_representative_record_at_window(
        clerk=clerk,
        window=clerk.staff_profile.window,
        credit_code=code,
        name="大连钱氏机械有限公司",
        legal_representative=name,
        id_number=number,
        licence_checked=True,
        id_card_checked=True,
    )


def verified_account(name, number):
    user = UserFactory(citizen=True)
    return citizen_verify(user=user, name=name, id_number=number, method=VerificationMethod.DEMO)


def soon(days=30):
    return timezone.localdate() + datetime.timedelta(days=days)


def api_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


# --- legal representative -------------------------------------------------------------


def test_a_stranger_typing_public_facts_gains_nothing(client):
    """Name, credit code and legal representative's name are public: typing them (even
    with one's own name as the legal representative's) grants nothing, online or API."""
    clerk = make_clerk()
    enterprise = record_legal(clerk, name="钱七")
    item = make_item()
    stranger = verified_account("钱七", resident_id(502))  # same name, other number
    client.force_login(stranger.user)
    client.post(
        "/accounts/profile/",
        {"name": enterprise.name, "credit_code": CODE, "legal_representative": "钱七"},
    )
    assert list(enterprise_list_for(user=stranger.user)) == []
    assert client.get(f"/accounts/enterprises/{enterprise.pk}/agents/").status_code == 404
    response = api_for(stranger.user).post(
        "/api/v1/applications/",
        {"item_code": item.item.code, "enterprise_id": enterprise.pk},
        format="json",
    )
    assert response.status_code == 403
    assert EnterpriseRepresentative.objects.count() == 0


def test_a_verified_identity_matching_the_number_on_record_is_the_legal_representative():
    clerk = make_clerk()
    enterprise = record_legal(clerk)
    person = verified_account("钱七", LEGAL_NUMBER)
    assert list(enterprise_list_for(user=person.user)) == [enterprise]
    assert EnterpriseAuthorizationEvent.objects.filter(
        enterprise=enterprise, action=AuthorizationAction.LEGAL_MATCHED, citizen=person
    ).exists()


def test_name_match_alone_or_an_unverified_claim_of_the_number_gives_nothing():
    clerk = make_clerk()
    enterprise = record_legal(clerk)
    namesake = verified_account("钱七", resident_id(503))
    claimant = UserFactory(citizen=True)
    citizen_register(name="钱七", id_number=LEGAL_NUMBER, user=claimant)  # unverified claim
    for user in (namesake.user, claimant):
        assert not may_act_for(user=user, enterprise=enterprise)
        with pytest.raises(PermissionDenied):
            agent_authorize_online(
                enterprise=enterprise,
                actor=user,
                id_number=namesake.id_number,
                name=namesake.name,
                valid_until=soon(),
            )


def test_the_clerk_records_the_legal_representative_at_the_window_with_who_when_where(client):
    clerk = make_clerk(hall_code="JZ", number=2)
    client.force_login(clerk)
    data = {
        "legal-credit_code": CODE,
        "legal-name": "大连钱氏机械有限公司",
        "legal-legal_representative": "钱七",
        "legal-id_number": LEGAL_NUMBER,
    }
    refused = client.post("/accounts/window/enterprise/", data)
    assert "请先查验营业执照原件并勾选确认" in refused.content.decode()
    assert not Enterprise.objects.filter(credit_code=CODE).exists()
    response = client.post(
        "/accounts/window/enterprise/",
        {**data, "legal-licence_checked": "on", "legal-id_card_checked": "on"},
        follow=True,
    )
    html = response.content.decode()
    assert LEGAL_NUMBER not in html  # masked
    enterprise = Enterprise.objects.get(credit_code=CODE)
    assert enterprise.legal_representative_id_number == LEGAL_NUMBER
    event = enterprise.auth_events.get(action=AuthorizationAction.LEGAL_RECORDED)
    window = clerk.staff_profile.window
    assert (event.actor, event.window, event.hall) == (clerk, window, window.hall)
    assert event.at is not None


def test_a_new_legal_representative_on_record_replaces_the_old_one_at_once():
    clerk = make_clerk()
    enterprise = record_legal(clerk)
    old = verified_account("钱七", LEGAL_NUMBER)
    new = verified_account("赵八", resident_id(504))
    record_legal(clerk, number=new.id_number, name="赵八")
    assert not may_act_for(user=old.user, enterprise=enterprise)
    assert may_act_for(user=new.user, enterprise=enterprise)


def test_window_pages_need_a_clerk_at_a_window(client):
    client.force_login(UserFactory(citizen=True))
    assert client.get("/accounts/window/enterprise/").status_code == 403
    client.force_login(UserFactory(clerk=True))  # no window
    assert client.get("/accounts/window/enterprise/").status_code == 403


# --- agents: scope --------------------------------------------------------------------


@pytest.fixture
def chain():
    legal = make_citizen("钱七")
    enterprise = make_enterprise(legal)
    agent = make_citizen("孙丽")
    item_a, item_b = make_item(name="事项甲"), make_item(name="事项乙")
    return legal, enterprise, agent, item_a, item_b


def test_an_agent_authorized_for_item_a_cannot_file_or_see_item_b(chain):
    legal, enterprise, agent, item_a, item_b = chain
    authorize_agent(enterprise, legal, agent, items=[item_a.item])
    api = api_for(agent.user)
    ok = api.post(
        "/api/v1/applications/",
        {"item_code": item_a.item.code, "enterprise_id": enterprise.pk},
        format="json",
    )
    assert ok.status_code == 201
    refused = api.post(
        "/api/v1/applications/",
        {"item_code": item_b.item.code, "enterprise_id": enterprise.pk},
        format="json",
    )
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied):
        start_online(item_b, agent, enterprise=enterprise)
    # The legal representative files item B: the agent does not see it, but sees item A's.
    case_a = start_online(item_a, legal, enterprise=enterprise)
    case_b = start_online(item_b, legal, enterprise=enterprise)
    for case in (case_a, case_b):
        upload_required(case)
        application_submit(application=case, actor=legal.user)
    assert api.get(f"/api/v1/applications/{case_a.pk}/").status_code == 200
    assert api.get(f"/api/v1/applications/{case_b.pk}/").status_code == 404
    assert not may_download_result(case_b, agent.user)


def test_the_start_page_offers_only_enterprises_authorized_for_the_item(client, chain):
    legal, enterprise, agent, item_a, item_b = chain
    authorize_agent(enterprise, legal, agent, items=[item_a.item])
    client.force_login(agent.user)
    assert enterprise.name in client.get(f"/intake/apply/{item_a.item.code}/").content.decode()
    assert enterprise.name not in client.get(f"/intake/apply/{item_b.item.code}/").content.decode()


def test_only_the_legal_representative_authorizes_and_bad_input_saves_nothing(chain):
    legal, enterprise, agent, item_a, _ = chain
    authorize_agent(enterprise, legal, agent)
    third = make_citizen("周九")
    with pytest.raises(PermissionDenied):  # an agent cannot pass the authorization on
        agent_authorize_online(
            enterprise=enterprise,
            actor=agent.user,
            id_number=third.id_number,
            name=third.name,
            valid_until=soon(),
        )
    before = EnterpriseAuthorizationEvent.objects.count()
    for kwargs, message in [
        ({"valid_until": timezone.localdate() - datetime.timedelta(days=1)}, "不能早于今天"),
        ({"name": "周十"}, "未找到与该姓名和公民身份号码一致的已实名认证人员"),
        ({"id_number": "110105194912310021"}, "校验位"),
    ]:
        with pytest.raises(ValidationError) as error:
            agent_authorize_online(
                **{
                    "enterprise": enterprise,
                    "actor": legal.user,
                    "id_number": third.id_number,
                    "name": third.name,
                    "valid_until": soon(),
                    **kwargs,
                }
            )
        assert message in str(error.value)
    assert EnterpriseAuthorizationEvent.objects.count() == before
    assert not may_act_for(user=third.user, enterprise=enterprise)


def test_an_unverified_person_cannot_be_made_an_agent(chain):
    legal, enterprise, *_ = chain
    user = UserFactory(citizen=True)
    claim = citizen_register(name="吴十", id_number=resident_id(505), user=user)
    with pytest.raises(ValidationError):
        authorize_agent(enterprise, legal, claim)
    assert not may_act_for(user=user, enterprise=enterprise)


# --- revocation and expiry ------------------------------------------------------------


@pytest.mark.redis
def test_a_revoked_agent_loses_access_at_once_in_session_and_cached_token(client, chain):
    legal, enterprise, agent, item_a, _ = chain
    authorization = authorize_agent(enterprise, legal, agent)
    case = start_online(item_a, legal, enterprise=enterprise)
    upload_required(case)
    application_submit(application=case, actor=legal.user)
    token = Token.objects.create(user=agent.user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.force_login(agent.user)
    assert api.get(f"/api/v1/applications/{case.pk}/").status_code == 200
    assert cache.get(cache_key(token.key)) is not None  # the token user is cached
    assert client.get(f"/intake/my/{case.pk}/").status_code == 200

    legal_client = client.__class__()
    legal_client.force_login(legal.user)
    response = legal_client.post(
        f"/accounts/enterprises/{enterprise.pk}/agents/{authorization.pk}/revoke/", follow=True
    )
    assert "已撤销 孙丽 的经办人授权" in response.content.decode()

    assert cache.get(cache_key(token.key)) is None  # dropped on revocation
    assert api.get(f"/api/v1/applications/{case.pk}/").status_code == 404
    assert api.get("/api/v1/applications/").data["count"] == 0
    assert client.get(f"/intake/my/{case.pk}/").status_code == 404
    assert not may_download_result(case, agent.user)
    event = EnterpriseAuthorizationEvent.objects.get(
        authorization=authorization, action=AuthorizationAction.AGENT_REVOKED
    )
    assert event.actor == legal.user


def test_a_revoked_agent_loses_even_the_cases_they_filed(chain):
    legal, enterprise, agent, item_a, _ = chain
    authorization = authorize_agent(enterprise, legal, agent)
    case = start_online(item_a, agent, enterprise=enterprise)
    api = api_for(agent.user)
    assert api.get(f"/api/v1/applications/{case.pk}/").status_code == 200
    agent_revoke(authorization=authorization, actor=legal.user)
    assert api.get(f"/api/v1/applications/{case.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        upload_required(case)


def test_an_expired_authorization_grants_nothing_before_any_job_runs(chain):
    legal, enterprise, agent, item_a, _ = chain
    authorization = authorize_agent(enterprise, legal, agent, days=0)  # valid today
    case = start_online(item_a, legal, enterprise=enterprise)
    upload_required(case)
    application_submit(application=case, actor=legal.user)
    api = api_for(agent.user)
    assert api.get(f"/api/v1/applications/{case.pk}/").status_code == 200
    # A day later (the row as time leaves it: no job has run).
    EnterpriseRepresentative.objects.filter(pk=authorization.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert api.get(f"/api/v1/applications/{case.pk}/").status_code == 404
    assert not may_act_for(user=agent.user, enterprise=enterprise)
    # The job writes the audit row, once.
    assert agent_authorizations_expire() == 1
    assert agent_authorizations_expire() == 0
    assert authorization.events.filter(action=AuthorizationAction.AGENT_EXPIRED).count() == 1


def test_granting_again_supersedes_the_open_authorization(chain):
    legal, enterprise, agent, item_a, _ = chain
    first = authorize_agent(enterprise, legal, agent)
    second = authorize_agent(enterprise, legal, agent, items=[item_a.item])
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    actions = list(
        enterprise.auth_events.filter(citizen=agent).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        AuthorizationAction.AGENT_GRANTED,
        AuthorizationAction.AGENT_REVOKED,
        AuthorizationAction.AGENT_GRANTED,
    ]


# --- at the window: the power of attorney ---------------------------------------------


def record_agent_at_window(client, enterprise, name, number, **extra):
    return client.post(
        f"/accounts/window/enterprise/{enterprise.pk}/",
        {
            "agent-name": name,
            "agent-id_number": number,
            "agent-scope": "all",
            "agent-valid_until": soon().isoformat(),
            "agent-power_of_attorney": pdf_file("钱氏机械授权委托书.pdf"),
            "agent-attorney_checked": "on",
            **extra,
        },
        follow=True,
    )


def test_the_power_of_attorney_is_served_only_to_those_concerned(client, settings, chain):
    legal, enterprise, agent, *_ = chain
    clerk = make_clerk(hall_code="JP", number=1)
    other_hall_clerk = make_clerk(hall_code="JZ", number=2)
    client.force_login(clerk)
    response = record_agent_at_window(client, enterprise, agent.name, agent.id_number)
    assert "授权委托书已存档" in response.content.decode()
    authorization = EnterpriseRepresentative.objects.get(enterprise=enterprise, citizen=agent)
    stored = authorization.power_of_attorney.name
    assert authorization.power_of_attorney_name == "钱氏机械授权委托书.pdf"
    assert "钱氏" not in stored
    assert stored.endswith(".pdf")
    assert len(os.path.basename(stored)) == 36  # 32 hex characters and the extension
    event = authorization.events.get(action=AuthorizationAction.AGENT_RECORDED)
    assert (event.actor, event.window) == (clerk, clerk.staff_profile.window)
    url = f"/accounts/attorney/{authorization.pk}/"
    assert url in response.content.decode()
    assert settings.MEDIA_URL not in response.content.decode()

    for user, status in [
        (clerk, 200),
        (legal.user, 200),
        (agent.user, 200),
        (other_hall_clerk, 404),
        (make_citizen("陌生人").user, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert client.get(f"{settings.MEDIA_URL}{stored}").status_code == 404


def test_a_window_agent_without_an_account_is_verified_by_the_clerk(client):
    clerk = make_clerk()
    enterprise = record_legal(clerk)
    client.force_login(clerk)
    number = resident_id(506)
    missing = record_agent_at_window(
        client, enterprise, "郑十一", number, **{"agent-attorney_checked": ""}
    )
    assert "请先核对授权委托书原件和经办人身份证原件" in missing.content.decode()
    assert not EnterpriseRepresentative.objects.exists()
    record_agent_at_window(client, enterprise, "郑十一", number)
    # Later the agent signs up and verifies online: the window's authorization is theirs.
    user = UserFactory(citizen=True)
    citizen_register(name="郑十一", id_number=number, user=user)
    assert not may_act_for(user=user, enterprise=enterprise)
    citizen_verify(user=user, name="郑十一", id_number=number, method=VerificationMethod.DEMO)
    assert may_act_for(user=user, enterprise=enterprise)


def test_a_clerk_revokes_at_the_window(client, chain):
    legal, enterprise, agent, *_ = chain
    authorization = authorize_agent(enterprise, legal, agent)
    clerk = make_clerk()
    client.force_login(clerk)
    client.post(f"/accounts/window/enterprise/{enterprise.pk}/agents/{authorization.pk}/revoke/")
    assert not may_act_for(user=agent.user, enterprise=enterprise)
    event = authorization.events.get(action=AuthorizationAction.AGENT_REVOKED)
    assert (event.actor, event.window) == (clerk, clerk.staff_profile.window)


def test_the_chain_shows_each_authorizations_state_and_who_took_each_step(chain):
    legal, enterprise, agent, *_ = chain
    revoked = authorize_agent(enterprise, legal, agent)
    agent_revoke(authorization=revoked, actor=legal.user)
    expired = authorize_agent(enterprise, legal, make_citizen("周八"))
    EnterpriseRepresentative.objects.filter(pk=expired.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    valid = authorize_agent(enterprise, legal, make_citizen("吴九"), days=0)  # to today

    shown = agent_chain_for(enterprise=enterprise, staff=False)

    states = {row["authorization"].pk: (row["state"], row["tone"]) for row in shown.authorizations}
    assert states == {
        revoked.pk: ("已撤销", "secondary"),
        expired.pk: ("已过期", "secondary"),
        valid.pk: ("有效", "success"),
    }
    # The legal representative acted online (three grants, one revocation): by name; the
    # factory's record of the enterprise has no actor.
    assert [e.who for e in shown.events if e.actor_id == legal.user.pk] == [legal.name] * 4
    assert {e.who for e in shown.events if e.actor_id is None} == {"系统"}


def test_the_legal_representatives_page_hides_staff_names(client, chain):
    legal, enterprise, agent, *_ = chain
    clerk = make_clerk()
    client.force_login(clerk)
    record_agent_at_window(client, enterprise, agent.name, agent.id_number)
    client.force_login(legal.user)
    html = client.get(f"/accounts/enterprises/{enterprise.pk}/agents/").content.decode()
    assert "窗口登记经办人授权" in html
    assert str(clerk.staff_profile.window) in html
    assert clerk.full_name not in html
    assert agent.id_number not in html
    assert agent.masked_id_number in html
    client.force_login(agent.user)  # an agent does not manage the enterprise's agents
    assert client.get(f"/accounts/enterprises/{enterprise.pk}/agents/").status_code == 404


@pytest.mark.parametrize("leaves", ["deactivated", "moved_to_a_department"])
def test_a_clerk_who_left_the_window_stays_unnamed(client, chain, leaves):
    """The chain's record keeps who acted; the page decided "staff or citizen" from the
    actor's roles today, and an inactive account has none (``User.has_role``): the
    clerk who left, or now approves for a department, was shown by name."""
    legal, enterprise, agent, *_ = chain
    clerk = make_clerk()
    client.force_login(clerk)
    record_agent_at_window(client, enterprise, agent.name, agent.id_number)
    if leaves == "deactivated":
        clerk.is_active = False
        clerk.save(update_fields=["is_active"])
    else:
        user_set_roles(user=clerk, roles={Role.APPROVER})
    client.force_login(legal.user)
    # The legal representative revokes it online: their own act names them.
    authorization = EnterpriseRepresentative.objects.get(enterprise=enterprise)
    client.post(f"/accounts/enterprises/{enterprise.pk}/agents/{authorization.pk}/revoke/")
    html = client.get(f"/accounts/enterprises/{enterprise.pk}/agents/").content.decode()
    assert clerk.full_name not in html
    assert clerk.username not in html
    assert re.search(rf"窗口登记经办人授权 · {agent.name}\s*· {clerk.staff_profile.window}", html)
    assert re.search(rf"撤销经办人授权 · {agent.name}\s*· {legal.name}", html)
