"""The hall tests' shared fixtures."""

import pytest


@pytest.fixture
def monday(at):
    """Monday 2 November 2026, 9:00 in the hall."""
    return at(2026, 11, 2, 9)
