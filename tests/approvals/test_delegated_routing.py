"""赋权: a case applied for at a park or street that holds a delegation of the item is
handled there; other units may not be named as the accepting unit."""

import datetime

import pytest

from accounts.constants import DepartmentKind
from approvals.models import Task
from catalog.models import Delegation
from intake.constants import Channel
from intake.errors import IntakeError
from intake.services.cases import application_create
from tests.factories import DelegationFactory, department, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def bonded_zone(db):
    return department("BSQ-T", "测试保税区管委会", DepartmentKind.PARK)


@pytest.fixture
def delegated_version(spj, zjj, bonded_zone):
    version = make_version(
        department=spj,
        steps=[(1, "审查", spj, 3), (1, "会签", zjj, 3), (2, "决定", spj, 2)],
    )
    DelegationFactory(
        item=version.item, grantee=bonded_zone, batch="第一批", granted_on=datetime.date(2026, 1, 5)
    )
    return version


def test_steps_of_the_implementing_department_go_to_the_delegated_park(
    accept, delegated_version, bonded_zone, zjj
):
    case = accept(delegated_version, accepting_unit=bonded_zone)

    departments = set(Task.objects.filter(application=case).values_list("department", "name"))
    # The implementing department's step goes to the park; the co-signing stays with 住建局.
    assert departments == {(bonded_zone.pk, "审查"), (zjj.pk, "会签")}


def test_without_an_accepting_unit_the_catalog_department_handles_it(
    accept, delegated_version, spj
):
    case = accept(delegated_version)

    assert Task.objects.get(application=case, name="审查").department == spj


def revoked(bonded_zone):
    """The bonded zone, its delegation revoked."""
    Delegation.objects.filter(grantee=bonded_zone).update(revoked_on=datetime.date(2026, 6, 1))
    return bonded_zone


def unlisted(bonded_zone):
    """A street office with neither a delegation nor a listing as accepting unit."""
    return department("JD-T", "测试街道", DepartmentKind.STREET)


@pytest.mark.parametrize(
    ("unit_of", "refusal"),
    [(revoked, "不受理"), (unlisted, "测试街道不受理")],
    ids=["revoked-delegation", "no-delegation-or-listing"],
)
def test_a_unit_that_may_not_accept_is_refused(
    delegated_version, bonded_zone, clerk, citizen, unit_of, refusal
):
    with pytest.raises(IntakeError, match=refusal):
        application_create(
            item_version=delegated_version,
            applicant=citizen,
            actor=clerk,
            channel=Channel.COUNTER,
            accepting_unit=unit_of(bonded_zone),
        )
