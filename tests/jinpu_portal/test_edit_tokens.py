"""The edit token (``jinpu_portal.concurrency``) and its use in the admin: every admin
page that changes rows carries it, and two administrators editing one row never
overwrite each other (users and their roles here; the
catalog's drafts in tests/catalog/test_lost_updates.py, the hall's categories in
tests/hall/test_lost_updates.py)."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from jinpu_portal.admin import EditTokenAdminMixin
from jinpu_portal.concurrency import STALE_MESSAGE, edit_token, is_current
from tests.catalog.test_admin import form_data
from tests.factories import UserFactory

# Registered by other packages, and nothing on their change page can be lost.
EXEMPT = {
    "axes.AccessAttempt": "every field read-only (the lockout writes them)",
    "axes.AccessLog": "every field read-only",
    "axes.AccessFailureLog": "every field read-only",
    "authtoken.TokenProxy": "one field, the token's user, set when the token is made",
}


def test_the_token_names_the_values_not_the_time():
    day = datetime.date(2026, 12, 7)
    assert edit_token({"a": [1, 2], "d": day}) == edit_token({"d": day, "a": [1, 2]})
    assert edit_token([1, 2]) != edit_token([2, 1])
    assert is_current(None, "whatever")  # a caller without a page checks nothing
    assert is_current(edit_token("x"), "x")
    assert not is_current("", "x")


@pytest.mark.django_db
def test_every_admin_that_changes_rows_carries_the_edit_token(rf):
    request = rf.get("/admin/")
    request.user = User.objects.create_superuser(username="root-test", password="Root-2026-x")
    missing = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_change_permission(request)
        and model._meta.label not in EXEMPT
        and not isinstance(model_admin, EditTokenAdminMixin)
    ]
    assert missing == []


def user_page_data(response) -> dict:
    """``form_data`` with the user page's date-times split as its widgets post them."""
    data = form_data(response)
    for name, value in list(data.items()):
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(data.pop(name))
            data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
    return data


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_stale_user_page_does_not_take_a_role_back():
    person = UserFactory(username="wangqiang", phone="13800000000")
    first, second = (signed_in(UserFactory(system_admin=True)) for _ in range(2))
    url = reverse("admin:accounts_user_change", args=[person.pk])
    first_data, second_data = user_page_data(first.get(url)), user_page_data(second.get(url))

    clerk = Group.objects.get(name=Role.CLERK)
    first_data["groups"] = [str(clerk.pk)]  # one administrator gives the clerk's role
    assert first.post(url, first_data).status_code == 302
    second_data["phone"] = "13900000000"  # the other, on an older page, the phone
    response = second.post(url, second_data)

    assert response.status_code == 200
    assert STALE_MESSAGE in response.content.decode()
    person.refresh_from_db()
    assert list(person.groups.values_list("name", flat=True)) == [Role.CLERK]
    assert person.phone == "13800000000"
