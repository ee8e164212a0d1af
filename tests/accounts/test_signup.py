"""Citizen signup: a real-name account is created whole, or nothing is saved."""

import pytest
from django.contrib.auth.models import Group

from accounts.constants import Role
from accounts.models import Citizen, User
from tests.factories import CitizenFactory

VALID_ID = "360426199101010071"


def signup_data(**identity):
    data = {
        "user-username": "xiaoming",
        "user-password1": "Quiet-river-2026",
        "user-password2": "Quiet-river-2026",
        "identity-name": "李小明",
        "identity-id_number": VALID_ID,
        "identity-phone": "13912345678",
    }
    data.update({f"identity-{key}": value for key, value in identity.items()})
    return data


def test_signup_page_is_chinese(client, db):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["实名注册", "用户名", "公民身份号码", "手机号码", "注册"]:
        assert text in html


def test_valid_signup_creates_citizen_account_and_logs_in(client, db):
    response = client.post("/accounts/signup/", signup_data(id_number="44011320141005001x"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    user = User.objects.get(username="xiaoming")
    assert user.has_role(Role.CITIZEN)
    citizen = Citizen.objects.get(user=user)
    assert citizen.id_number == "44011320141005001X"  # normalised
    assert citizen.name == "李小明"
    assert user.full_name == "李小明"
    assert citizen.verified_at is None  # a claim until verified
    profile = client.get("/accounts/profile/").content.decode()
    assert "注册成功" in profile
    assert "440113********001X" in profile
    assert "未认证" in profile


@pytest.mark.parametrize(
    ("id_number", "reason"),
    [
        ("3604261991010100", "长度错误：应为 18 位，实际为 16 位"),
        ("3604261991010100711", "长度错误"),
        ("36042619910101007A", "格式错误"),
        ("360426199113010071", "出生日期错误"),
        ("360426209901010071", "出生日期错误"),  # born in the future
        ("360426199101010072", "校验位错误：最后一位应为 1"),
    ],
)
def test_invalid_id_number_is_refused_in_chinese_and_nothing_is_saved(
    client, db, id_number, reason
):
    response = client.post("/accounts/signup/", signup_data(id_number=id_number))
    assert response.status_code == 200
    html = response.content.decode()
    assert "公民身份号码" in html
    assert reason in html
    assert 'class="form-control is-invalid"' in html
    assert not User.objects.exists()
    assert not Citizen.objects.exists()


def test_id_number_already_registered_is_not_revealed(client, db):
    """Signup neither refuses nor hints: the number stays a claim of the new account,
    the registered person's row is untouched (tests/accounts/test_verification.py
    compares the answers)."""
    registered = CitizenFactory(id_number=VALID_ID, user=None)
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "已存在" not in html
    user = User.objects.get(username="xiaoming")
    assert Citizen.objects.get(user=user).verified_at is None
    registered.refresh_from_db()
    assert registered.user is None


def test_bad_phone_and_password_are_refused_in_chinese(client, db):
    data = signup_data(phone="12345")
    data["user-password2"] = "something-else"
    response = client.post("/accounts/signup/", data)
    html = response.content.decode()
    assert "手机号码格式错误" in html
    assert "密码确认：输入的两个密码不一致" in html
    assert not User.objects.exists()


def test_groups_exist_from_the_migration(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}
