"""The profile page: a citizen adds the enterprises they act for. A bad credit code is
refused in Chinese and saves nothing."""

import pytest

from accounts.constants import RepresentativeRole
from accounts.models import Enterprise, EnterpriseRepresentative
from tests.factories import EnterpriseFactory, UserFactory

VALID_CODE = "91310000631696382C"


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen.user)
    return client


def enterprise_data(**overrides):
    data = {"name": "上海示范有限公司", "credit_code": VALID_CODE, "legal_representative": "王芳"}
    data.update(overrides)
    return data


def test_profile_lists_identity_and_enterprises_masked(citizen_client):
    html = citizen_client.get("/accounts/profile/").content.decode()
    assert "实名信息与企业" in html
    assert "110105********002X" in html
    assert "11010519491231002X" not in html
    assert "大连测试科技有限公司" in html
    assert "911100********341L" in html
    assert "91110000600037341L" not in html
    assert "法定代表人" in html


def test_adding_a_new_enterprise(citizen_client, citizen):
    response = citizen_client.post(
        "/accounts/profile/", enterprise_data(credit_code=VALID_CODE.lower())
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code=VALID_CODE)
    membership = EnterpriseRepresentative.objects.get(enterprise=enterprise, citizen=citizen)
    assert membership.role == RepresentativeRole.LEGAL_REPRESENTATIVE
    assert (
        "已添加企业：上海示范有限公司" in citizen_client.get("/accounts/profile/").content.decode()
    )


def test_a_new_enterprise_with_someone_else_as_legal_representative_makes_an_agent(
    citizen_client, citizen
):
    citizen_client.post("/accounts/profile/", enterprise_data(legal_representative="赵六"))
    membership = EnterpriseRepresentative.objects.get(enterprise__credit_code=VALID_CODE)
    assert membership.role == RepresentativeRole.AGENT


@pytest.mark.parametrize(
    ("credit_code", "reason"),
    [
        ("91310000631696382", "长度错误：应为 18 位，实际为 17 位"),
        ("91310000631696382CC", "长度错误：应为 18 位，实际为 19 位"),
        ("9131000063169638OC", "不允许的字符：O"),
        ("91AB0000631696382C", "第 3 至 8 位应为行政区划代码数字"),
        ("91310000631696382D", "校验位错误：最后一位应为 C"),
    ],
)
def test_bad_credit_code_is_refused_in_chinese_and_nothing_is_saved(
    citizen_client, credit_code, reason
):
    before = (Enterprise.objects.count(), EnterpriseRepresentative.objects.count())
    response = citizen_client.post("/accounts/profile/", enterprise_data(credit_code=credit_code))
    assert response.status_code == 200
    html = response.content.decode()
    assert "统一社会信用代码" in html
    assert reason in html
    assert (Enterprise.objects.count(), EnterpriseRepresentative.objects.count()) == before


def test_an_existing_enterprise_cannot_be_claimed_with_other_details(citizen_client, citizen):
    EnterpriseFactory(
        name="大连别人家有限公司", credit_code=VALID_CODE, legal_representative="钱七"
    )
    response = citizen_client.post(
        "/accounts/profile/",
        enterprise_data(name="大连别人家有限公司", legal_representative="王芳"),
    )
    assert response.status_code == 200
    assert "与该统一社会信用代码的登记信息不一致" in response.content.decode()
    assert not EnterpriseRepresentative.objects.filter(enterprise__credit_code=VALID_CODE).exists()


def test_an_existing_enterprise_with_matching_details_is_joined_as_agent(citizen_client, citizen):
    EnterpriseFactory(
        name="大连别人家有限公司", credit_code=VALID_CODE, legal_representative="钱七"
    )
    response = citizen_client.post(
        "/accounts/profile/",
        enterprise_data(name="大连别人家有限公司", legal_representative="钱七"),
    )
    assert response.status_code == 302
    membership = EnterpriseRepresentative.objects.get(enterprise__credit_code=VALID_CODE)
    assert (membership.citizen, membership.role) == (citizen, RepresentativeRole.AGENT)
    assert Enterprise.objects.filter(credit_code=VALID_CODE).count() == 1


def test_a_user_without_identity_cannot_add_an_enterprise(client, db):
    client.force_login(UserFactory(clerk=True))
    response = client.post("/accounts/profile/", enterprise_data())
    assert "请先完成实名认证" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_profile_needs_login(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
