"""The applicant's side (网上办), its pages (test_online.py) and its API
(test_api_citizen.py): both work on the same online item and the same applicant, which
stand here in place of the root conftest's counter ``item`` and ``applicant``."""

import pytest

from tests.factories import make_citizen, make_item


@pytest.fixture
def item(db):
    """An item applicable online: required 身份证明 and 申请表, an optional 其他材料."""
    return make_item(name="食品经营许可")


@pytest.fixture
def applicant(db):
    """李明, a citizen with a portal account and a phone number."""
    return make_citizen("李明", phone="13900000001")
