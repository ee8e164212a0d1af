"""Fixtures of the feedback tests (``at`` sets the clock: tests/conftest.py)."""

from types import SimpleNamespace

import pytest


@pytest.fixture
def orders_scene(db, at):
    """差评整改's cast, on Monday 2 November 2026 at 10:00: a counter case of the 审批局
    accepted at the 金普厅 (in approval), the hall's clerk and one of the 金州厅, the
    审批局's approver and one of another department, a district-wide supervisor, one
    watching the 审批局 and one watching another department, the applicant (with an
    account, a contact telephone)."""
    from tests.factories import (
        accept_case,
        department,
        make_approver,
        make_citizen,
        make_clerk,
        make_supervisor,
        make_version,
    )

    at(2026, 11, 2, 10)
    spj = department("SPJ", "金普新区行政审批局")
    other = department("OTHER", "不相干的部门")
    version = make_version(department=spj, steps=[(1, "审查", spj, 5)])
    hall_clerk = make_clerk("JP", 1, username="jp-clerk")
    far_clerk = make_clerk("JZ", 2, username="jz-clerk")
    approver = make_approver(spj, username="spj-approver")
    other_approver = make_approver(other, username="other-approver")
    supervisor = make_supervisor(username="district-supervisor")
    spj_supervisor = make_supervisor(spj, username="spj-supervisor")
    far_supervisor = make_supervisor(other, username="far-supervisor")
    citizen = make_citizen("张明")
    case = accept_case(version, clerk=hall_clerk, applicant=citizen, contact_phone="13900001111")
    return SimpleNamespace(
        spj=spj,
        other=other,
        version=version,
        hall_clerk=hall_clerk,
        far_clerk=far_clerk,
        approver=approver,
        other_approver=other_approver,
        supervisor=supervisor,
        spj_supervisor=spj_supervisor,
        far_supervisor=far_supervisor,
        citizen=citizen,
        case=case,
    )


# --- rating: cases whose service instances feedback's receivers opened ---------------------


@pytest.fixture
def case(item, clerk, applicant):
    """A 承诺件 accepted at the counter (金普厅 3 号窗口) for 李华, who has an account."""
    from tests.factories import accept_case

    return accept_case(item, clerk=clerk, applicant=applicant)


@pytest.fixture
def intake_instance(case):
    from feedback.constants import Stage
    from feedback.models import ServiceInstance

    return ServiceInstance.objects.get(application=case, stage=Stage.INTAKE)


@pytest.fixture
def concluded(db):
    """A 承诺件 applied for online, accepted by a named clerk and concluded by a named
    approver."""
    from tests.factories import ApplicationFactory, ApproverFactory, ClerkFactory, UserFactory

    clerk = ClerkFactory(user=UserFactory(clerk=True, full_name="窗口甲某"))
    approver = ApproverFactory(user=UserFactory(approver=True, full_name="审批乙某"))
    return ApplicationFactory(concluded=True, clerk=clerk, approver=approver)


@pytest.fixture
def conclusion_instance(concluded):
    from feedback.constants import Stage
    from feedback.models import ServiceInstance

    return ServiceInstance.objects.get(application=concluded, stage=Stage.CONCLUSION)
