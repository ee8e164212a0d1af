"""GET /api/v1/me/: roles and scope per role, authentication by session and token."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture
def api():
    return APIClient()


def me(api, user):
    api.force_authenticate(user)
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    return response.json()


def role_codes(data):
    return [role["code"] for role in data["roles"]]


def test_anonymous_is_refused(api, db):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "身份认证信息未提供" in response.json()["detail"]


def test_bad_token_is_refused(api, db):
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401


def test_citizen(api, citizen):
    data = me(api, citizen.user)
    assert data["roles"] == [{"code": "citizen", "label": "办事群众"}]
    assert data["citizen"]["name"] == "王芳"
    assert data["citizen"]["id_number"] == "110105********002X"
    assert [e["name"] for e in data["enterprises"]] == ["大连测试科技有限公司"]
    assert data["window"] is None
    assert data["acting_for"] == []
    assert data["district_wide"] is False


def test_clerk_sees_window_and_hall(api, clerk):
    data = me(api, clerk)
    assert role_codes(data) == ["clerk"]
    assert data["roles"][0]["label"] == "综窗人员"
    assert data["window"]["number"] == 3
    assert data["window"]["hall"] == {
        "id": data["window"]["hall"]["id"],
        "code": "JP",
        "name": "金普厅",
    }
    assert data["citizen"] is None


def test_approver_sees_departments_granted_through_guardian(api, approver):
    data = me(api, approver)
    assert role_codes(data) == ["approver"]
    assert data["roles"][0]["label"] == "审批人员"
    assert sorted(d["code"] for d in data["acting_for"]) == ["SCJ", "ZJJ"]
    assert data["supervising"] == []


def test_approver_grant_and_revoke(api, approver):
    from accounts.models import Department
    from accounts.services import staff_grant_department, staff_revoke_department

    other = Department.objects.get(code="OTHER")
    staff_grant_department(user=approver, department=other)
    assert "OTHER" in [d["code"] for d in me(api, approver)["acting_for"]]
    staff_revoke_department(user=approver, department=other)
    assert "OTHER" not in [d["code"] for d in me(api, approver)["acting_for"]]


def test_approver_without_the_role_acts_for_nothing(api, db):
    """A grant alone is not enough: the user must also hold the approver role."""
    from accounts.services import staff_grant_department
    from tests.factories import DepartmentFactory

    user = UserFactory(clerk=True)
    staff_grant_department(user=user, department=DepartmentFactory())
    assert me(api, user)["acting_for"] == []


def test_supervisor_district_wide(api, supervisor):
    data = me(api, supervisor)
    assert role_codes(data) == ["supervisor"]
    assert data["roles"][0]["label"] == "督查人员"
    assert data["district_wide"] is True


def test_supervisor_of_some_departments(api, db):
    from tests.factories import DepartmentFactory, make_supervisor

    watched = DepartmentFactory(code="WJJ", name="卫生健康局")
    DepartmentFactory(code="JYJ", name="教育局")
    user = make_supervisor(watched)
    data = me(api, user)
    assert data["district_wide"] is False
    assert [d["code"] for d in data["supervising"]] == ["WJJ"]


@pytest.mark.parametrize(
    ("trait", "label"), [("catalog_admin", "事项管理员"), ("system_admin", "系统管理员")]
)
def test_admin_roles(api, db, trait, label):
    data = me(api, UserFactory(**{trait: True}))
    assert data["roles"] == [{"code": trait, "label": label}]


def test_token_authentication(api, clerk):
    token = Token.objects.create(user=clerk)
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["username"] == "clerk-test"


def test_session_authentication(client, clerk):
    client.force_login(clerk)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "clerk-test"


def test_query_count_is_flat_in_the_number_of_departments(api, db, assert_flat_queries):
    from tests.factories import ApproverFactory, department_granter

    user = ApproverFactory(departments=[])
    api.force_authenticate(user)
    one, twenty = assert_flat_queries(lambda: api.get("/api/v1/me/"), department_granter(user))
    assert len(one.json()["acting_for"]) == 1
    assert len(twenty.json()["acting_for"]) == 20
