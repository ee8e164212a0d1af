"""The applicant's side (网上办), its pages (test_online.py) and its API
(test_api_citizen.py): both work on the same online item and the same applicant, which
stand here in place of the root conftest's counter ``item`` and ``applicant``."""

import pytest

from tests.factories import authorize_agent, make_citizen, make_enterprise, make_item


@pytest.fixture
def item(db):
    """An item applicable online: required 身份证明 and 申请表, an optional 其他材料."""
    return make_item(name="食品经营许可")


@pytest.fixture
def applicant(db):
    """李明, a citizen with a portal account and a phone number."""
    return make_citizen("李明", phone="13900000001")


@pytest.fixture
def stranger(db):
    """赵强, another citizen with a portal account."""
    return make_citizen("赵强")


@pytest.fixture
def enterprise(applicant):
    """大连李明商贸有限公司, whose legal representative on record is the applicant."""
    return make_enterprise(applicant, name="大连李明商贸有限公司")


@pytest.fixture
def colleague(applicant, enterprise):
    """孙丽, whom the applicant authorized online to act for ``enterprise``."""
    agent = make_citizen("孙丽")
    authorize_agent(enterprise, applicant, agent)
    return agent


@pytest.fixture
def foreign_enterprise(stranger):
    """别人的公司, the stranger's: the applicant does not represent it."""
    return make_enterprise(stranger, name="别人的公司")
