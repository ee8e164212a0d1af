"""Concurrency on PostgreSQL: 200 online submissions and their acceptances at once,
each thread with its own database connection, plus counter intakes in the same
burst and pairs of clerks racing for the same application. Nothing is lost and no
case number is handed out twice."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from accounts.services import staff_assign_window
from intake.constants import CaseAction, CaseStatus, Channel, NoticeKind
from intake.errors import IntakeError, IntakePermissionDenied
from intake.models import Application, CaseEvent, CaseNumberSequence, Notice
from intake.services.cases import (
    application_create,
    counter_receive,
    intake_accept,
)
from tests.factories import (
    CitizenFactory,
    HallFactory,
    ItemVersionFactory,
    UserFactory,
    WindowFactory,
    all_received,
    submit_online,
)

SUBMISSIONS = 200
COUNTER_INTAKES = 40
RACES = 20
WORKERS = 24

# serialized_rollback: the flush after this test then leaves the next transactional test
# (the browser tests) the migrations' rows to restore, without duplicates.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def in_own_connection(func):
    """Run ``func`` in a worker thread with its own connection, closed at the end."""

    def run(*args):
        try:
            return func(*args)
        finally:
            connection.close()

    return run


def run_all(func, arguments):
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(in_own_connection(func), arguments))


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_200_concurrent_submissions_and_acceptances(fast_passwords):
    item = ItemVersionFactory()
    hall_jp = HallFactory(code="JP", name="金普厅")
    hall_jz = HallFactory(code="JZ", name="金州厅")
    clerks = []
    for index in range(8):
        clerk = UserFactory(clerk=True, username=f"clerk-c{index}")
        hall = hall_jp if index % 2 else hall_jz
        staff_assign_window(user=clerk, window=WindowFactory(hall=hall, number=index + 1))
        clerks.append(clerk)
    citizens = [CitizenFactory() for _ in range(SUBMISSIONS + COUNTER_INTAKES)]
    queued: list[int] = []
    lock = threading.Lock()

    def queue(notice_id):
        with lock:
            queued.append(notice_id)

    # PDF rendering is the worker's job (and off the request path): record the queue.
    with mock.patch("intake.tasks.notice_render.delay", side_effect=queue):
        submitted = run_all(lambda citizen: submit_online(citizen, item).pk, citizens[:SUBMISSIONS])
        assert len(set(submitted)) == SUBMISSIONS

        races = submitted[:RACES]
        work = [(pk, clerks[i % len(clerks)]) for i, pk in enumerate(submitted)]
        # Each of the first RACES applications is accepted by two clerks at once.
        work += [(pk, clerks[(i + 3) % len(clerks)]) for i, pk in enumerate(races)]
        work += [
            ("counter", clerks[i % len(clerks)], c) for i, c in enumerate(citizens[SUBMISSIONS:])
        ]

        def act(job):
            if job[0] == "counter":
                _, clerk, citizen = job
                application = application_create(
                    item_version=item, applicant=citizen, actor=clerk, channel=Channel.COUNTER
                )
                counter_receive(application=application, actor=clerk)
                intake_accept(
                    application=application, actor=clerk, verdicts=all_received(application)
                )
                return "accepted"
            pk, clerk = job
            application = Application.objects.get(pk=pk)
            try:
                intake_accept(
                    application=application, actor=clerk, verdicts=all_received(application)
                )
            except IntakeError as error:
                return f"refused:{error.code}"
            except IntakePermissionDenied:
                # The winner's window now holds the case.
                return "refused:window"
            return "accepted"

        outcomes = Counter(run_all(act, work))

    total = SUBMISSIONS + COUNTER_INTAKES
    assert outcomes["accepted"] == total
    assert outcomes["refused:transition"] + outcomes["refused:window"] == RACES
    applications = Application.objects.all()
    assert applications.count() == total
    assert not applications.exclude(
        status__in=[CaseStatus.ACCEPTED, CaseStatus.IN_APPROVAL]
    ).exists()
    numbers = list(applications.values_list("case_number", flat=True))
    assert None not in numbers
    assert len(set(numbers)) == total
    # The daily sequences are gap-free: every number from 1 to the last was used once.
    day = timezone.localdate()
    for prefix, count in Counter(n[:2] for n in numbers).items():
        sequence = CaseNumberSequence.objects.get(prefix=prefix, day=day)
        assert sequence.last_value == count
        used = sorted(int(n[-5:]) for n in numbers if n.startswith(prefix))
        assert used == list(range(1, count + 1))
    assert CaseEvent.objects.filter(action=CaseAction.ACCEPT).count() == total
    acceptance = Notice.objects.filter(kind=NoticeKind.ACCEPTANCE)
    assert acceptance.count() == total
    assert set(acceptance.values_list("pk", flat=True)) <= set(queued)
    # The year's 受理通知书 and 收件凭证 numbers: each type its own gap-free run.
    year = timezone.localdate().year
    for kind, code, count in (
        (NoticeKind.ACCEPTANCE, "SL", total),
        (NoticeKind.RECEIPT, "SJ", COUNTER_INTAKES),
    ):
        issued = sorted(Notice.objects.filter(kind=kind).values_list("number", flat=True))
        assert issued == [f"金普{code}〔{year}〕{n:06d}号" for n in range(1, count + 1)]
    assert len(queued) == len(set(queued)) == Notice.objects.count()
