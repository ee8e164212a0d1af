"""Roles are groups named by their codes (clerk, approver …), which the code checks by
name; the admin showed those codes. It shows each role by its Chinese name beside the
code, finds it by either, and keeps a role's group from being renamed or deleted there
(its members would lose the role)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.constants import Role
from accounts.models import User
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser(username="root-test", password="Root-2026-x"))
    return client


def options(html: str, field: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{field}".*?</select>', html, re.S).group()
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_roles_list_names_each_role_in_chinese(admin_client):
    url = reverse("admin:auth_group_changelist")
    html = admin_client.get(url).text
    roles = re.findall(r'class="field-role"[^>]*>(?:<a [^>]*>)?([^<]+)<', html)
    assert sorted(roles) == sorted(str(label) for label in Role.labels)
    assert "综窗人员" in roles
    found = admin_client.get(url, {"q": "综窗"}).text
    assert re.findall(r'class="field-name"[^>]*>(?:<a [^>]*>)?([^<]+)<', found) == ["clerk"]


def test_a_users_roles_read_in_chinese(admin_client):
    user = UserFactory(clerk=True)
    html = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).text
    choices = options(html, "id_groups")
    assert "综窗人员（clerk）" in choices
    assert "审批人员（approver）" in choices
    assert len(choices) == Group.objects.count()
    listing = admin_client.get(reverse("admin:accounts_user_changelist")).text
    assert "综窗人员（clerk）" in listing  # the filter by role


def test_a_roles_code_stays_as_the_code_checks_it(admin_client):
    clerk = UserFactory(clerk=True)
    group = Group.objects.get(name=Role.CLERK)
    url = reverse("admin:auth_group_change", args=[group.pk])
    html = admin_client.get(url).text
    assert "<h2>综窗人员（clerk）</h2>" in html  # under 修改角色
    assert 'name="name"' not in html  # shown, not a field
    token = re.search(r'name="edit_token" value="([^"]*)"', html)[1]
    permissions = list(group.permissions.values_list("pk", flat=True))
    response = admin_client.post(
        url, {"name": "窗口人员", "permissions": permissions, "edit_token": token}
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "clerk"
    assert User.objects.get(pk=clerk.pk).has_role(Role.CLERK)
    assert admin_client.get(reverse("admin:auth_group_delete", args=[group.pk])).status_code == 403


def test_a_group_that_is_no_role_is_edited_as_before(admin_client):
    group = Group.objects.create(name="临时小组")
    html = admin_client.get(reverse("admin:auth_group_change", args=[group.pk])).text
    assert 'name="name"' in html
    assert admin_client.get(reverse("admin:auth_group_delete", args=[group.pk])).status_code == 200
