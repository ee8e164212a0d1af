"""The profile page: identity (masked) and the enterprises a citizen acts for. Typing an
enterprise's public facts (name, credit code, legal representative) grants nothing
(issue 11 item 1); an unverified identity represents no enterprise."""

import pytest

from accounts.models import Enterprise, EnterpriseRepresentative
from accounts.selectors import enterprise_list_for
from accounts.services import citizen_register
from tests.factories import EnterpriseFactory, UserFactory

VALID_CODE = "91310000631696382C"


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen.user)
    return client


def test_profile_lists_identity_and_enterprises_masked(citizen_client):
    html = citizen_client.get("/accounts/profile/").content.decode()
    assert "实名信息与企业" in html
    assert "110105********002X" in html
    assert "11010519491231002X" not in html
    assert "大连测试科技有限公司" in html
    assert "911100********341L" in html
    assert "91110000600037341L" not in html
    assert "法定代表人" in html


@pytest.mark.parametrize("legal_representative", ["钱七", "王芳"])
def test_a_stranger_typing_public_facts_gains_nothing(
    citizen_client, citizen, legal_representative
):
    """Matching name, code and legal representative (even one's own name as legal
    representative): no membership, no new enterprise, no access."""
    EnterpriseFactory(
        name="大连别人家有限公司", credit_code=VALID_CODE, legal_representative="钱七"
    )
    before = (Enterprise.objects.count(), EnterpriseRepresentative.objects.count())
    response = citizen_client.post(
        "/accounts/profile/",
        {
            "name": "大连别人家有限公司",
            "credit_code": VALID_CODE,
            "legal_representative": legal_representative,
        },
        follow=True,
    )
    assert "不能凭企业名称、统一社会信用代码等公开信息在网上自行添加" in response.content.decode()
    assert (Enterprise.objects.count(), EnterpriseRepresentative.objects.count()) == before
    assert VALID_CODE not in {e.credit_code for e in enterprise_list_for(user=citizen.user)}


def test_an_unverified_identity_represents_no_enterprise(db):
    user = UserFactory()
    claim = citizen_register(name="王芳", id_number="11010519491231002X", user=user)
    EnterpriseFactory(representative=claim)
    assert list(enterprise_list_for(user=user)) == []


def test_profile_needs_login(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
