"""The hall tests' shared fixtures."""

import pytest

from tests.factories import HallWindowFactory, ServiceCategoryFactory


@pytest.fixture
def monday(at):
    """Monday 2 November 2026, 9:00 in the hall."""
    return at(2026, 11, 2, 9)


@pytest.fixture
def category(db):
    """A business category of the 金普厅 (the factory's letter, 10 minutes of service)."""
    return ServiceCategoryFactory()


@pytest.fixture
def seat(monday, category):
    """On Monday at 9:00, an open window of ``category`` with its clerk seated
    (``seat.window``, ``seat.clerk``)."""
    return HallWindowFactory(categories=[category])
