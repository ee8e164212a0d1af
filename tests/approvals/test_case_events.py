"""Approvals' events are first-class in the case record: each act has its own code and
Chinese label in ``CaseEvent.action`` (indexed, countable), registered by approvals in
intake's registry; a real free-text note stays ``note``; the former ``note`` rows are
converted by the data migration."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import Count

from approvals.constants import ApprovalEvent
from intake.constants import CaseAction
from intake.events import event_choices, event_kind
from intake.models import CaseEvent
from intake.states import record_event

pytestmark = pytest.mark.django_db


def test_every_act_has_its_own_code_and_label(walked):
    case = walked
    events = list(case.events.order_by("at", "id"))
    codes = [event.action for event in events if event.action != CaseAction.NOTICE_ISSUED]
    E, A = ApprovalEvent, CaseAction
    assert codes == [
        A.CREATE,
        A.RECEIVE,
        A.ACCEPT,
        A.START_APPROVAL,
        E.CLAIMED,
        E.ESCALATED,
        E.ESCALATED,
        E.ESCALATED,
        E.REASSIGNED,
        E.RELEASED,
        E.CLAIMED,
        E.SPECIAL_STARTED,
        E.SPECIAL_ENDED,
        E.EXTENSION_REQUESTED,
        E.EXTENSION_REJECTED,
        E.EXTENSION_REQUESTED,
        E.EXTENSION_APPROVED,
        A.REQUEST_SUPPLEMENT,
        A.SUPPLEMENT_RECEIVED,
        E.APPROVED,
        E.STAGE_ROUTED,
        E.APPROVED,
        A.CONCLUDE,
        E.DELIVERED,
    ]
    assert not case.events.filter(action=CaseAction.NOTE).exists()
    assert not case.events.filter(details__has_key="approvals").exists()
    labels = {event.action: event.label for event in events}
    assert labels[E.CLAIMED] == "认领"
    assert labels[E.ESCALATED] == "督办"
    assert labels[E.EXTENSION_REJECTED] == "不批准延期"
    assert labels[E.DELIVERED] == "结果送达"
    # Every department act names its department.
    for event in events:
        if event.action in (E.CLAIMED, E.APPROVED, E.EXTENSION_APPROVED, E.ESCALATED):
            assert event.department_id is not None, event.action
    # A department's notices are the department's, not the accepting window's.
    department_notices = [
        event
        for event in events
        if event.action == CaseAction.NOTICE_ISSUED
        and any(t in event.message for t in ("特别程序", "延长", "补正", "决定书"))
    ]
    assert len(department_notices) == 4
    assert all(e.department_id and not e.window_id for e in department_notices)
    # A dashboard counts by kind in one grouped query over the indexed column.
    counts = dict(
        CaseEvent.objects.values_list("action").annotate(n=Count("id")).values_list("action", "n")
    )
    assert counts[E.CLAIMED] == 2
    assert counts[E.EXTENSION_REQUESTED] == 2


def test_the_codes_are_registered_with_intake_and_indexed():
    choices = dict(event_choices())
    for code in ApprovalEvent:
        assert choices[code] == code.label
        assert event_kind(code).owner == "approvals"
    assert choices[CaseAction.NOTE] == "备注"
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_event_action_at'")
        [(definition,)] = cursor.fetchall()
    assert "(action, at)" in definition


def test_an_unregistered_code_is_refused(accept, sequential_version, clerk):
    case = accept(sequential_version)
    before = case.events.count()
    with pytest.raises(ValueError, match="Unregistered"):
        record_event(case, "claim", actor=clerk)
    assert case.events.count() == before


def test_a_free_text_note_stays_note(accept, sequential_version, clerk):
    case = accept(sequential_version)
    event = record_event(case, CaseAction.NOTE, actor=clerk, message="申请人来电询问进度")
    assert CaseEvent.objects.get(pk=event.pk).action == "note"
    assert event.label == "备注"


def test_the_migration_types_the_former_notes(accept, sequential_version, spj_approver, clerk):
    case = accept(sequential_version)
    former = CaseEvent.objects.bulk_create(
        [
            CaseEvent(application=case, at=case.accepted_at, action="note", details=details)
            for details in (
                {"approvals": "claim", "task": 1},
                {"approvals": "extension_rejected"},
                {"approvals": "delivered"},
                {"approvals": "stage_opened"},
                {},  # a real note
                {"other": "claim"},
            )
        ]
    )
    migration = importlib.import_module("approvals.migrations.0005_typed_case_events")
    migration.forwards(django_apps, None)
    actions = [CaseEvent.objects.get(pk=event.pk).action for event in former]
    assert actions == [
        "task_claimed",
        "extension_rejected",
        "delivered",
        "stage_routed",
        "note",
        "note",
    ]
    migration.backwards(django_apps, None)
    assert {CaseEvent.objects.get(pk=event.pk).action for event in former} == {"note"}
