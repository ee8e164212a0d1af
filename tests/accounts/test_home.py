"""The home page shows each role its label, its scope and what it can do."""

import pytest

from tests.factories import UserFactory


def home(client, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_sees_public_services(client, db):
    html = home(client)
    assert "公共服务" in html
    assert 'href="/accounts/login/"' in html
    assert 'href="/accounts/signup/"' in html


def test_citizen(client, citizen):
    html = home(client, citizen.user)
    assert "办事群众" in html
    assert "实名信息：王芳（110105********002X）" in html
    assert 'href="/accounts/profile/"' in html


def test_clerk(client, clerk):
    html = home(client, clerk)
    assert "综窗人员" in html
    assert "工作窗口：金普厅 3 号窗口" in html


def test_approver(client, approver):
    html = home(client, approver)
    assert "审批人员" in html
    assert "审批部门：" in html
    assert "市场监督管理局" in html
    assert "住房和城乡建设局" in html
    assert "不相干的部门" not in html


def test_supervisor(client, supervisor):
    html = home(client, supervisor)
    assert "督查人员" in html
    assert "督查范围：全区" in html


@pytest.mark.parametrize(
    ("trait", "label"), [("catalog_admin", "事项管理员"), ("system_admin", "系统管理员")]
)
def test_administrators_get_the_admin(client, db, trait, label):
    html = home(client, UserFactory(**{trait: True}))
    assert label in html
    assert 'href="/admin/"' in html


def test_user_without_role(client, db):
    html = home(client, UserFactory())
    assert "尚未分配角色" in html


def test_home_query_count_is_flat(client, db, assert_flat_queries):
    from tests.factories import ApproverFactory, department_granter

    user = ApproverFactory(departments=[])
    client.force_login(user)
    assert_flat_queries(lambda: client.get("/"), department_granter(user))
