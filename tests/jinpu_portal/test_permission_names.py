"""Permission names read in Chinese (``jinpu_portal.permissions``): every permission the
database holds (Django named the default ones "Can add …" in English), and every choice
of the two-box lists of a role's and a user's permissions in the admin. App labels and
codenames are not shown, and not checked."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse

from accounts.constants import Role
from accounts.models import User

LATIN = re.compile(r"[A-Za-z]")


def english(names) -> list[str]:
    return [name for name in names if LATIN.search(name)]


@pytest.mark.django_db
def test_every_permission_is_named_in_chinese():
    permissions = Permission.objects.select_related("content_type")
    names = {f"{p.content_type.app_label}.{p.codename}": p.name for p in permissions}
    assert names["accounts.add_department"] == "可以增加部门"
    assert names["accounts.act_for_department"] == "以该部门名义审批"
    assert names["auth.view_group"] == "可以查看组"
    assert {key: name for key, name in names.items() if LATIN.search(name)} == {}


@pytest.mark.django_db
def test_a_name_left_in_english_is_renamed_at_the_next_migrate():
    """A database migrated before the portal named them (or a row Django made since)."""
    Permission.objects.filter(codename="change_department").update(name="Can change 部门")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert Permission.objects.get(codename="change_department").name == "可以修改部门"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "field"),
    [("auth_group", "id_permissions"), ("accounts_user", "id_user_permissions")],
)
def test_the_admins_lists_of_permissions_read_in_chinese(client, page, field):
    admin = User.objects.create_superuser(username="root-test", password="Root-2026-x")
    client.force_login(admin)
    row = Group.objects.get(name=Role.CATALOG_ADMIN) if page == "auth_group" else admin
    response = client.get(reverse(f"admin:{page}_change", args=[row.pk]))
    assert response.status_code == 200
    select = re.search(rf'<select[^>]*id="{field}".*?</select>', response.text, re.S).group()
    choices = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert len(choices) == Permission.objects.count()
    assert "账号与组织 | 部门 | 可以增加部门" in choices
    assert "对象权限 | 用户的对象权限 | 可以查看用户的对象权限" in choices
    assert english(choices) == []
