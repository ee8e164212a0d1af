"""The jobs of 好差评 (feedback/services/jobs.py, feedback/tasks.py): the default rating
of every instance whose period ended unrated (once, however often and however many
at once it runs), the walk-in's SMS link and the one invitation after
FEEDBACK_INVITE_DAYS, both through the notifications outbox."""

import datetime
import re
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.urls import resolve
from django.utils import timezone

from feedback.constants import InstanceState, Level, PushStatus, RatingChannel, Stage
from feedback.models import Rating, ServiceInstance
from feedback.services.jobs import invitations_send, rating_link_send, ratings_default_record
from feedback.tasks import invitations_send as invitations_task
from feedback.tasks import ratings_default as ratings_default_task
from intake.constants import Channel, MaterialStatus
from intake.services.cases import application_create, counter_receive, intake_accept
from jinpu_portal.models import Notification
from tests.concurrency import run_at_once
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
    runs = run_at_once(*[lambda: ratings_default_record(now=NOW, batch=4).recorded] * 3)
    assert all(kind == "ok" for kind, _ in runs), runs
    assert sum(recorded for _, recorded in runs) == len(instances) == 30
    assert Rating.objects.count() == 30
    assert Rating.objects.values("instance").distinct().count() == 30
    assert set(states(*instances)) == {InstanceState.DEFAULTED}


# --- The walk-in's SMS link -------------------------------------------------------------


def linked_instance(url: str) -> ServiceInstance:
    """The instance whose rate-by-token page ``url`` opens, checking it is the SMS copy."""
    from feedback.tokens import instance_from_token

    path, query = url.split("?")
    assert query == "via=sms"
    match = resolve(path)
    assert match.view_name == "feedback:rate"
    return instance_from_token(match.kwargs["token"])


def link_in(body: str) -> str:
    [link] = re.findall(r"https://zwfw\.jinpu\.gov\.cn(\S+?via=sms)", body)
    return link


def links():
    return Notification.objects.filter(title="请您评价本次服务").order_by("id")


@pytest.mark.django_db
def test_a_walk_in_is_texted_the_rating_link_as_soon_as_the_case_is_accepted(
    settings, item, clerk, walk_in, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://zwfw.jinpu.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        case = accept_case(item, clerk=clerk, applicant=walk_in, contact_phone="13900007777")

    # After the acceptance's own message, in the outbox.
    accepted, message = Notification.objects.filter(phone="13900007777").order_by("id")
    assert (accepted.title, message.title) == ("您的申请已受理", "请您评价本次服务")
    assert list(links()) == [message]
    instance = ServiceInstance.objects.get(application=case, stage=Stage.INTAKE)
    assert (message.recipient, message.phone) == (None, "13900007777")  # the counter's number
    assert message.dispatched_at is None  # in the outbox
    assert linked_instance(message.url) == instance
    assert link_in(message.body) == message.url
    assert f"您办理“{case.item_version.name}”的受理服务已完成" in message.body
    # The period ends at the time of day of the service: the text names the time too.
    until = timezone.localtime(instance.rate_until)
    assert f"请在{until:%Y年%-m月%-d日 %H:%M}前评价" in message.body
    assert clerk.full_name not in message.body + message.title  # no staff names
    assert message.reference == case.case_number


@pytest.mark.django_db
def test_a_walk_in_is_texted_the_link_of_an_immediate_conclusion_too(
    settings, immediate_item, clerk, walk_in, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://zwfw.jinpu.gov.cn"
    case = application_create(
        item_version=immediate_item,
        applicant=walk_in,
        actor=clerk,
        channel=Channel.COUNTER,
        contact_phone="13900007777",
    )
    counter_receive(application=case, actor=clerk)
    verdicts = [
        {"material": material, "status": MaterialStatus.RECEIVED, "originals": 1}
        for material in immediate_item.materials.all()
    ]
    with django_capture_on_commit_callbacks(execute=True):
        intake_accept(application=case, actor=clerk, verdicts=verdicts, conclude_immediately=True)
    bodies = {linked_instance(message.url).stage: message.body for message in links()}
    assert set(bodies) == {Stage.INTAKE, Stage.CONCLUSION}
    assert set(case.service_instances.values_list("stage", flat=True)) == set(bodies)
    assert "的办结服务已完成" in bodies[Stage.CONCLUSION]


@pytest.mark.django_db
def test_an_account_holder_or_a_walk_in_without_mobile_gets_no_link(
    item, clerk, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        # The account holder rates under 我的申请 (and gets the invitation if not).
        case = accept_case(item, clerk=clerk, applicant=applicant, contact_phone="13900007777")
        no_mobile = accept_case(
            item,
            clerk=clerk,
            applicant=CitizenFactory(user=None, phone=""),
            contact_phone="0411-87651234",
        )
    assert not links().exists()
    for application in (case, no_mobile):
        assert not rating_link_send(application=application, stage=Stage.INTAKE)


# --- The one invitation -----------------------------------------------------------------


def invitations():
    return Notification.objects.filter(title="邀请您评价政务服务").order_by("id")


@pytest.mark.django_db
def test_one_invitation_after_three_days_to_whoever_has_not_rated(
    settings, item, clerk, case, walk_in_case, applicant
):
    settings.SITE_URL = "https://zwfw.jinpu.gov.cn"
    assert settings.FEEDBACK_INVITE_DAYS == 3
    three_days = NOW - timedelta(days=3)
    account = instance_of(case, served_at=three_days)
    walked_in = instance_of(walk_in_case, Stage.CONCLUSION, served_at=three_days - timedelta(1))
    too_early = instance_of(case, Stage.CONCLUSION, served_at=three_days + timedelta(minutes=1))
    rated = instance_of(walk_in_case, served_at=three_days)
    rating_of(rated, channel=RatingChannel.QR, rated_at=three_days + timedelta(hours=1))
    other = cases(item, clerk, 1)[0]
    closed = instance_of(other, served_at=NOW - timedelta(days=10))  # the default's now

    run = invitations_send(now=NOW)
    assert (run.invited, run.messages) == (2, 2)
    to_account = invitations().get(recipient=applicant.user)
    to_walk_in = invitations().get(recipient=None)
    assert (to_account.phone, to_walk_in.phone) == ("", "13900007777")
    for message, instance in ((to_account, account), (to_walk_in, walked_in)):
        assert linked_instance(message.url) == instance
        assert link_in(message.body) == message.url
        assert "尚未评价" in message.body
        assert clerk.full_name not in message.body
        assert message.dispatched_at is None
    assert "的办结服务尚未评价" in to_walk_in.body

    marked = ServiceInstance.objects.filter(invited_at=NOW)
    assert set(marked.values_list("pk", flat=True)) == {account.pk, walked_in.pk}
    for instance in (too_early, rated, closed):
        assert ServiceInstance.objects.get(pk=instance.pk).invited_at is None

    # Once: a second run, a day later, invites only what has become due since.
    again = invitations_send(now=NOW + timedelta(days=1))
    assert (again.invited, again.messages) == (1, 1)
    assert invitations().count() == 3
    assert invitations().last().recipient == applicant.user  # too_early's, now due
    assert invitations_send(now=NOW + timedelta(days=1)).invited == 0
    assert invitations().count() == 3


@pytest.mark.django_db
def test_an_invitation_task_in_the_daytime(settings, case):
    entry = settings.CELERY_BEAT_SCHEDULE["feedback-invitations-send"]
    assert entry["task"] == invitations_task.name == "feedback.tasks.invitations_send"
    assert entry["schedule"] == crontab(minute="*/15", hour="9-19")
    instance_of(case, served_at=NOW - timedelta(days=4))
    result = invitations_task.delay(now=NOW.isoformat()).get()
    assert (result["invited"], result["messages"]) == (1, 1)
    assert invitations_task.delay(now=NOW.isoformat()).get()["invited"] == 0
