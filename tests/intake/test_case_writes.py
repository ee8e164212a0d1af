"""``intake.states.case_writes``: a service's moves of one case written together."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.constants import CaseAction, CaseStatus
from intake.models import Application, CaseEvent
from intake.services.cases import intake_accept
from intake.states import case_writes, record_event, transition
from tests.factories import all_received, submit_online

pytestmark = pytest.mark.django_db


def test_acceptance_writes_the_case_once_and_its_events_in_order(clerk, citizen, item):
    application = submit_online(citizen, item)
    with CaptureQueriesContext(connection) as captured:
        accepted = intake_accept(
            application=application, actor=clerk, verdicts=all_received(application)
        )
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert sum('UPDATE "intake_application"' in sql for sql in updates) == 1
    inserts = [q["sql"] for q in captured.captured_queries if '"intake_caseevent"' in q["sql"]]
    assert len(inserts) == 1

    stored = Application.objects.get(pk=application.pk)
    assert stored.status == CaseStatus.IN_APPROVAL
    assert stored.case_number == accepted.case_number
    assert stored.case_number
    assert stored.accepted_at is not None
    assert stored.promised_due_date is not None
    assert stored.window_id is not None
    actions = list(
        stored.events.filter(action__in=[CaseAction.ACCEPT, CaseAction.NOTICE_ISSUED])
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    )
    assert actions[:2] == [
        (CaseAction.ACCEPT, CaseStatus.SUBMITTED, CaseStatus.ACCEPTED),
        (CaseAction.NOTICE_ISSUED, "", ""),
    ]
    last = stored.events.order_by("-id").first()
    assert (last.action, last.from_status, last.to_status) == (
        CaseAction.START_APPROVAL,
        CaseStatus.ACCEPTED,
        CaseStatus.IN_APPROVAL,
    )


def test_nothing_is_written_before_the_block_ends_nor_when_it_raises(clerk, citizen, item):
    application = submit_online(citizen, item)
    before = CaseEvent.objects.filter(application=application).count()

    def refuse_then_fail():
        with case_writes(application):
            transition(application, CaseAction.REFUSE, actor=clerk, update_fields=("outcome_note",))
            record_event(application, CaseAction.NOTE, actor=clerk, message="内部备注")
            assert Application.objects.get(pk=application.pk).status == CaseStatus.SUBMITTED
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        refuse_then_fail()
    assert Application.objects.get(pk=application.pk).status == CaseStatus.SUBMITTED
    assert CaseEvent.objects.filter(application=application).count() == before
    assert not hasattr(application, "_case_writes")

    application = Application.objects.get(pk=application.pk)  # as a new transaction would
    application.outcome_note = "不属于本机关职权范围"
    with case_writes(application):
        transition(application, CaseAction.REFUSE, actor=clerk, update_fields=("outcome_note",))
        assert CaseEvent.objects.filter(application=application).count() == before
    stored = Application.objects.get(pk=application.pk)
    assert (stored.status, stored.outcome_note) == (CaseStatus.REFUSED, "不属于本机关职权范围")
    assert CaseEvent.objects.filter(application=application).count() == before + 1


def test_blocks_do_not_nest(citizen, item):
    application = submit_online(citizen, item)
    outer = case_writes(application)
    outer.__enter__()
    with pytest.raises(RuntimeError, match="do not nest"):
        case_writes(application).__enter__()
    outer.__exit__(None, None, None)
    assert not hasattr(application, "_case_writes")
