"""The jobs of 好差评 (feedback/services/jobs.py, feedback/tasks.py): the default rating
of every instance whose period ended unrated (once, however often and however many
at once it runs)."""

import datetime
import threading
from datetime import timedelta

import pytest
from django.db import connection

from feedback.constants import InstanceState, Level, PushStatus, RatingChannel, Stage
from feedback.models import Rating, ServiceInstance
from feedback.services.jobs import ratings_default_record
from feedback.tasks import ratings_default as ratings_default_task
from tests.factories import CitizenFactory, accept_case, rating_of, service_instance

UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 10, 3, 0, tzinfo=UTC)  # 11:00 in Jinpu


def instance_of(application, stage=Stage.INTAKE, *, served_at, days=7):
    """The instance of ``application`` at ``stage`` served at ``served_at``, its period
    ``days`` long (the one feedback made when the case was accepted, moved in time)."""
    instance = service_instance(application, stage)
    ServiceInstance.objects.filter(pk=instance.pk).update(
        served_at=served_at, rate_until=served_at + timedelta(days=days)
    )
    instance.refresh_from_db()
    return instance


@pytest.fixture
def walk_in():
    return CitizenFactory(name="赵大爷", user=None, phone="13800000001")


@pytest.fixture
def case(db, item, clerk, applicant):
    """A counter case of an applicant with a portal account."""
    return accept_case(item, clerk=clerk, applicant=applicant)


@pytest.fixture
def walk_in_case(db, item, clerk, walk_in):
    return accept_case(item, clerk=clerk, applicant=walk_in, contact_phone="13900007777")


def cases(item, clerk, count):
    return [
        accept_case(item, clerk=clerk, applicant=CitizenFactory(user=None, phone=""))
        for _ in range(count)
    ]


def states(*instances):
    return [ServiceInstance.objects.get(pk=i.pk).state for i in instances]


# --- Default ratings --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_period_ended_unrated_is_recorded_once_as_a_default_basic(case):
    served = NOW - timedelta(days=8)
    instance = instance_of(case, served_at=served)
    concluded = instance_of(case, Stage.CONCLUSION, served_at=served)

    first = ratings_default_record(now=NOW)
    assert (first.recorded, first.batches) == (2, 1)
    second = ratings_default_record(now=NOW + timedelta(hours=1))
    assert second.recorded == 0

    assert Rating.objects.count() == 2
    assert states(instance, concluded) == [InstanceState.DEFAULTED] * 2
    rating = Rating.objects.get(instance=instance)
    assert rating.is_default
    assert (rating.level, rating.channel, rating.rater) == (
        Level.BASIC,
        RatingChannel.DEFAULT,
        None,
    )
    assert rating.rated_at == served + timedelta(days=7)  # the end of the period
    assert (rating.reasons, rating.sub_scores, rating.text) == ([], {}, "")
    assert (rating.excluded, rating.push_status) == (False, PushStatus.PENDING)
    assert rating.follow_up_level is None
    assert rating.created_at == rating.updated_at == NOW


@pytest.mark.django_db
def test_not_before_the_end_of_the_period(case):
    instance = instance_of(case, served_at=NOW - timedelta(days=7))  # ends exactly now
    assert ratings_default_record(now=NOW).recorded == 0
    assert ratings_default_record(now=NOW - timedelta(days=1)).recorded == 0
    assert states(instance) == [InstanceState.OPEN]
    assert not Rating.objects.exists()

    assert ratings_default_record(now=NOW + timedelta(microseconds=1)).recorded == 1
    assert states(instance) == [InstanceState.DEFAULTED]


@pytest.mark.django_db
def test_rated_instances_are_left_as_they_are(case, walk_in_case):
    served = NOW - timedelta(days=30)
    rated = instance_of(case, served_at=served)
    rating = rating_of(rated, Level.VERY_SATISFIED, rated_at=served + timedelta(days=1))
    bad = instance_of(walk_in_case, served_at=served)
    bad_rating = rating_of(
        bad, Level.DISSATISFIED, channel=RatingChannel.SMS, rated_at=served + timedelta(days=2)
    )
    # An instance already defaulted by an earlier run, its rating since excluded.
    unrated = instance_of(case, Stage.CONCLUSION, served_at=served)
    ratings_default_record(now=NOW)
    Rating.objects.filter(instance=unrated).update(excluded=True)

    assert ratings_default_record(now=NOW + timedelta(days=1)).recorded == 0
    assert states(rated, bad, unrated) == [
        InstanceState.RATED,
        InstanceState.RATED,
        InstanceState.DEFAULTED,
    ]
    assert Rating.objects.count() == 3
    for before in (rating, bad_rating):
        after = Rating.objects.get(pk=before.pk)
        assert (after.level, after.channel, after.is_default, after.updated_at) == (
            before.level,
            before.channel,
            False,
            before.updated_at,
        )
    assert Rating.objects.get(instance=unrated).excluded


@pytest.mark.django_db
def test_many_in_batches(item, clerk):
    instances = [
        instance_of(application, stage, served_at=NOW - timedelta(days=9, minutes=n))
        for n, application in enumerate(cases(item, clerk, 4))
        for stage in Stage.values
    ]
    not_due = instance_of(cases(item, clerk, 1)[0], served_at=NOW - timedelta(days=2))

    run = ratings_default_record(now=NOW, batch=3)
    assert (run.recorded, run.batches) == (8, 3)
    assert set(Rating.objects.values_list("instance", flat=True)) == {i.pk for i in instances}
    assert states(not_due) == [InstanceState.OPEN]


@pytest.mark.django_db
def test_the_beat_task(settings, case):
    entry = settings.CELERY_BEAT_SCHEDULE["feedback-ratings-default"]
    assert entry["task"] == ratings_default_task.name == "feedback.tasks.ratings_default"
    assert entry["schedule"] == timedelta(minutes=10)
    assert ratings_default_task.acks_late
    assert ratings_default_task.time_limit
    instance = instance_of(case, served_at=NOW - timedelta(days=8))

    result = ratings_default_task.delay(now=NOW.isoformat()).get()
    assert (result["recorded"], result["until"]) == (1, NOW.isoformat())
    assert ratings_default_task.delay().get()["recorded"] == 0  # now: nothing left
    assert states(instance) == [InstanceState.DEFAULTED]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_runs_at_the_same_time_record_each_default_once(item, clerk):
    instances = [
        instance_of(application, stage, served_at=NOW - timedelta(days=8, minutes=n))
        for n, application in enumerate(cases(item, clerk, 15))
        for stage in Stage.values
    ]
    barrier = threading.Barrier(3)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(ratings_default_record(now=NOW, batch=4).recorded)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 3, results
    assert sum(results) == len(instances) == 30
    assert Rating.objects.count() == 30
    assert Rating.objects.values("instance").distinct().count() == 30
    assert set(states(*instances)) == {InstanceState.DEFAULTED}
