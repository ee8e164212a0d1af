"""Login, logout, and django-axes locking an account after five failed logins."""

import pytest

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="wangfang", citizen=True)


def login(client, password, username="wangfang"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_is_chinese(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert "登录" in html
    assert "用户名" in html
    assert "密码" in html
    assert "实名注册" in html


def test_login_and_logout(client, user):
    response = login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_says_so_in_chinese(client, user):
    response = login(client, "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名或密码错误" in html
    assert "_auth_user_id" not in client.session


def test_five_failed_logins_lock_the_account(client, user):
    for _ in range(4):
        assert "用户名或密码错误" in login(client, "wrong").content.decode()
    locked = login(client, "wrong")  # the fifth
    assert locked.status_code == 429
    assert "账号已临时锁定" in locked.content.decode()
    # Now even the right password is refused, from any client.
    from django.test import Client

    other = Client()
    response = login(other, PASSWORD)
    assert response.status_code == 429
    assert "账号已临时锁定" in response.content.decode()
    assert "_auth_user_id" not in other.session


def test_lock_is_per_account_not_per_address(client, user):
    UserFactory(username="lisi")
    for _ in range(5):
        login(client, "wrong")
    # Same client address, another account: not locked (a hall shares one address).
    response = login(client, PASSWORD, username="lisi")
    assert response.status_code == 302


def test_four_failures_then_success_resets_the_count(client, user):
    for _ in range(4):
        login(client, "wrong")
    assert login(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        login(client, "wrong")
    assert login(client, PASSWORD).status_code == 302
