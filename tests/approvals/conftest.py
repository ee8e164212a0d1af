"""Approvals test data, made through the real services: items through
catalog.services (item_create + version_publish), people through accounts.services,
accepted cases through intake (application_create at the counter, counter_receive,
intake_accept with verdicts), which routes them through approvals' receiver.

``at(...)`` (tests/conftest.py) sets the portal's clock, so dates are fixed: the 2026
National Day tests depend on it.
"""

import pytest

from tests.factories import accept_case, department, make_approver, make_version


@pytest.fixture
def spj(db):
    return department("SPJ", "金普新区行政审批局")


@pytest.fixture
def scj(db):
    return department("SCJ", "金普新区市场监督管理局")


@pytest.fixture
def zjj(db):
    return department("ZJJ", "金普新区住房和城乡建设局")


@pytest.fixture
def sequential_version(spj):
    """审查 (5 days) then 决定 (3 days), both at the 审批局."""
    return make_version(department=spj, steps=[(1, "审查", spj, 5), (2, "决定", spj, 3)])


@pytest.fixture
def parallel_version(spj, scj, zjj):
    """联办: stage 1 = two parallel steps in different departments, stage 2 = decision."""
    return make_version(
        department=spj,
        steps=[(1, "市场监管审查", scj, 4), (1, "住建审查", zjj, 5), (2, "决定", spj, 3)],
        statutory=45,
        promised=15,
        co_departments=[scj, zjj],
    )


@pytest.fixture
def spj_approver(spj):
    return make_approver(spj, username="spj-approver", full_name="李审批")


@pytest.fixture
def spj_colleague(spj):
    return make_approver(spj, username="spj-colleague", full_name="赵同事")


@pytest.fixture
def spj_head(spj):
    return make_approver(spj, username="spj-head", head=True, full_name="周局长")


@pytest.fixture
def scj_approver(scj):
    return make_approver(scj, username="scj-approver", full_name="钱市场")


@pytest.fixture
def zjj_approver(zjj):
    return make_approver(zjj, username="zjj-approver", full_name="孙住建")


@pytest.fixture
def accept(clerk, citizen):
    """``accept(version, delivery_method=...)``: a case accepted at the counter."""

    def make(version, **kwargs):
        kwargs.setdefault("applicant", citizen)
        return accept_case(version, clerk=clerk, **kwargs)

    return make


@pytest.fixture
def walked(
    accept,
    sequential_version,
    spj_approver,
    spj_colleague,
    spj_head,
    clerk,
    citizen,
    django_capture_on_commit_callbacks,
):
    """A case walked through every approvals act (tests.approvals.walk); the clerk has a
    full name of their own, unlike any citizen's."""
    from tests.approvals.walk import walk_case

    clerk.full_name = "陈窗口"
    clerk.save(update_fields=["full_name"])
    return walk_case(
        case=accept(sequential_version),
        approver=spj_approver,
        colleague=spj_colleague,
        head=spj_head,
        clerk=clerk,
        citizen=citizen,
        capture=django_capture_on_commit_callbacks,
    )
