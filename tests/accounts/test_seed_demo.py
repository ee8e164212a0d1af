"""`manage.py seed_demo` (what `make demo` runs) is idempotent and gives every demo
account its role and scope."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import User
from accounts.selectors import user_scope
from supervision.models import CaseItemDay, RollupState
from supervision.refresh import refresh


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_second_run_adds_nothing(seeded):
    # The overview shows the demo's figures from the first page view: the supervision
    # rollups are current, nothing is left for the worker's first refresh.
    assert RollupState.objects.get().built
    assert CaseItemDay.objects.exists()
    assert refresh().days == []
    first = row_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert row_counts() == first
    # The accounts one can sign in with are exactly the demo's; the 好差评 history adds
    # the clerks who served its past cases, without a usable password.
    can_sign_in = [user.username for user in User.objects.all() if user.has_usable_password()]
    assert sorted(can_sign_in) == sorted(account.username for account in DEMO_ACCOUNTS)


def test_every_demo_account_can_log_in_with_its_role(seeded):
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.role_names == {account.role.value}


def test_demo_scopes(seeded):
    def scope(username):
        return user_scope(user=User.objects.get(username=username))

    assert str(scope("clerk")["window"]) == "金普厅 1 号窗口"
    assert str(scope("clerk2")["window"]) == "金州厅 2 号窗口"
    assert {d.code for d in scope("approver")["acting_for"]} == {"SCJ", "SPJ"}
    assert {d.code for d in scope("approver2")["acting_for"]} == {"ZJJ", "SWU", "RQG"}
    assert {d.code for d in scope("head")["acting_for"]} == {"SPJ"}
    assert User.objects.get(username="head").staff_profile.head_of.code == "SPJ"
    assert scope("supervisor")["district_wide"] is True
    citizen = scope("citizen")
    assert citizen["citizen"].name == "张明"
    assert [e.name for e in citizen["enterprises"]] == ["大连金普示范科技有限公司"]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser


def test_demo_accounts_command_prints_one_account_per_role(seeded, capsys):
    call_command("demo_accounts")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    for account in DEMO_ACCOUNTS:
        assert account.username in out
