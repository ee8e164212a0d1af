"""Case numbers come from one upsert per acceptance (``intake.services.numbering``)."""

import datetime

import pytest

from intake.models import CaseNumberSequence
from intake.services.numbering import UPSERT, case_number_next

pytestmark = pytest.mark.django_db


def test_daily_sequence_per_prefix():
    day = datetime.date(2026, 11, 27)
    assert [case_number_next(prefix="JP", day=day) for _ in range(3)] == [
        "JP2026112700001",
        "JP2026112700002",
        "JP2026112700003",
    ]
    assert case_number_next(prefix="WS", day=day) == "WS2026112700001"
    assert case_number_next(prefix="JP", day=day + datetime.timedelta(days=1)) == (
        "JP2026112800001"
    )
    assert CaseNumberSequence.objects.get(prefix="JP", day=day).last_value == 3


def test_upsert_names_the_model_table():
    assert f"INSERT INTO {CaseNumberSequence._meta.db_table} " in UPSERT
