"""rating_record and rating_follow_up: the levels, a 差评's reasons, the text and the
sub-scores, one rating per instance within its period, staff refused, the online
channel for the applicant only, the 差评 signal inside the transaction, nothing
half-saved, and one 追评."""

import datetime

import pytest
from django.utils import timezone

from feedback.constants import InstanceState, Level, RatingChannel, Reason
from feedback.errors import FeedbackError, FeedbackPermissionDenied
from feedback.models import Rating, ServiceInstance
from feedback.selectors import may_be_rated
from feedback.services.jobs import ratings_default_record
from feedback.services.ratings import rating_follow_up, rating_record
from feedback.signals import bad_rating_recorded
from tests.factories import UserFactory, make_citizen, rating_of

pytestmark = pytest.mark.django_db


def record(instance, level=Level.SATISFIED, channel=RatingChannel.QR, **kwargs):
    return rating_record(instance=instance, level=level, channel=channel, **kwargs)


def nothing_written(instance):
    instance.refresh_from_db()
    return instance.state == InstanceState.OPEN and not Rating.objects.exists()


def test_a_rating_is_recorded_with_its_channel_and_marks_the_instance(intake_instance):
    rating = record(instance=intake_instance, level=Level.VERY_SATISFIED, text="  很快  ")
    assert (rating.level, rating.channel, rating.text) == (1, RatingChannel.QR, "很快")
    assert rating.rater is None
    assert not rating.is_default
    assert rating.stars == 5
    intake_instance.refresh_from_db()
    assert intake_instance.state == InstanceState.RATED


@pytest.mark.parametrize("level", [Level.DISSATISFIED, Level.VERY_DISSATISFIED])
def test_a_bad_rating_needs_a_reason(intake_instance, level):
    with pytest.raises(FeedbackError) as refused:
        record(intake_instance, level=level, text="态度差")
    assert refused.value.code == "reason_required"
    assert f"评价为“{level.label}”时，请至少选择一项原因" in refused.value.messages[0]
    assert nothing_written(intake_instance)


def test_reasons_come_from_the_fixed_list_in_its_order(intake_instance):
    with pytest.raises(FeedbackError, match="差评原因无效"):
        record(intake_instance, level=Level.DISSATISFIED, reasons=["rude"])
    rating = record(
        intake_instance,
        level=Level.DISSATISFIED,
        reasons=[Reason.OTHER, Reason.ATTITUDE, Reason.ATTITUDE],
    )
    assert rating.reasons == ["attitude", "other"]


def test_a_good_rating_takes_no_reasons(intake_instance):
    with pytest.raises(FeedbackError, match="只有“不满意”“非常不满意”需要选择原因"):
        record(intake_instance, level=Level.SATISFIED, reasons=[Reason.ATTITUDE])
    assert nothing_written(intake_instance)


@pytest.mark.parametrize("level", [0, 6, "2", None, True, 2.0])
def test_only_the_five_levels(intake_instance, level):
    with pytest.raises(FeedbackError, match="请选择评价等级"):
        record(intake_instance, level=level)


def test_text_longer_than_its_column_is_refused_not_cut(intake_instance):
    with pytest.raises(FeedbackError, match="评价内容最多 500 字，现有 501 字"):
        record(intake_instance, text="好" * 501)
    assert record(intake_instance, text="好" * 500).text == "好" * 500


def test_sub_scores_of_the_services_kind(intake_instance, concluded):
    # A counter case: the on-site set.
    with pytest.raises(FeedbackError, match="本次服务的分项评价只有：办事效率、业务能力、服务态度"):
        record(intake_instance, sub_scores={"usability": 4})
    with pytest.raises(FeedbackError, match="应为一星至五星"):
        record(intake_instance, sub_scores={"attitude": 6})
    rating = record(intake_instance, sub_scores={"attitude": 5, "efficiency": 4})
    assert rating.sub_scores == {"efficiency": 4, "attitude": 5}
    # An online application: the online set.
    online = ServiceInstance.objects.get(application=concluded, stage="conclusion")
    with pytest.raises(FeedbackError, match="平台好用"):
        record(online, sub_scores={"competence": 3})
    assert record(online, sub_scores={"usability": 2}).sub_scores == {"usability": 2}


def test_the_pad_rates_the_on_site_set(conclusion_instance):
    rating = record(conclusion_instance, channel=RatingChannel.PAD, sub_scores={"competence": 5})
    assert rating.channel == RatingChannel.PAD


def test_one_rating_per_instance(intake_instance):
    record(intake_instance)
    with pytest.raises(FeedbackError) as refused:
        record(intake_instance, level=Level.VERY_SATISFIED)
    assert refused.value.code == "already_rated"
    assert "只能评价一次" in refused.value.messages[0]
    assert Rating.objects.count() == 1


def test_the_constraint_answers_like_a_second_rating(intake_instance):
    """A rating written past the lock (the default job's insert) meets the one-to-one
    constraint: the caller hears "already rated", not a database error."""
    Rating.objects.create(
        instance=intake_instance,
        level=Level.BASIC,
        channel=RatingChannel.DEFAULT,
        is_default=True,
        rated_at=timezone.now(),
    )  # the instance is still OPEN: only the constraint stands in the way
    with pytest.raises(FeedbackError) as refused:
        record(intake_instance)
    assert refused.value.code == "already_rated"


def test_a_defaulted_instance_is_refused(intake_instance):
    rating_of(intake_instance, channel=RatingChannel.DEFAULT)
    with pytest.raises(FeedbackError, match="已记为默认评价"):
        record(intake_instance)


def test_the_period_closes(intake_instance, monkeypatch):
    late = intake_instance.rate_until + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: late)
    with pytest.raises(FeedbackError) as refused:
        record(intake_instance)
    assert refused.value.code == "period_over"
    assert nothing_written(intake_instance)


def test_pages_offer_the_rating_to_the_periods_last_second_and_not_once_rated(
    intake_instance,
):
    end = intake_instance.rate_until
    assert may_be_rated(intake_instance, now=end)
    assert not may_be_rated(intake_instance, now=end + datetime.timedelta(seconds=1))
    record(intake_instance)
    intake_instance.refresh_from_db()
    assert not may_be_rated(intake_instance, now=end - datetime.timedelta(days=1))


def test_a_rating_in_the_periods_last_second_is_taken_and_the_job_leaves_it(
    intake_instance, monkeypatch
):
    """The end of the period belongs to it: the citizen rating at that very moment is
    taken, and the default-rating job run at the same moment (or later) writes nothing."""
    end = intake_instance.rate_until
    monkeypatch.setattr(timezone, "now", lambda: end)
    assert ratings_default_record(now=end, sessions=1).recorded == 0
    rating = record(intake_instance)
    assert (rating.rated_at, rating.is_default) == (end, False)
    later = end + datetime.timedelta(days=1)
    assert ratings_default_record(now=later, sessions=1).recorded == 0
    assert list(Rating.objects.values_list("channel", flat=True)) == [RatingChannel.QR]


@pytest.mark.parametrize(
    "role", ["clerk", "approver", "supervisor", "catalog_admin", "system_admin"]
)
def test_staff_accounts_cannot_rate(intake_instance, role):
    staff = UserFactory(**{role: True})
    for channel in (RatingChannel.QR, RatingChannel.ONLINE, RatingChannel.PAD):
        with pytest.raises(FeedbackPermissionDenied, match="工作人员账号不能参与好差评"):
            record(intake_instance, channel=channel, actor=staff)
    assert nothing_written(intake_instance)


def test_a_staff_member_who_is_also_a_citizen_is_refused(intake_instance):
    person = make_citizen("王五")
    from accounts.services import user_set_roles

    user_set_roles(user=person.user, roles={"citizen", "clerk"})
    with pytest.raises(FeedbackPermissionDenied):
        record(intake_instance, actor=person.user)


def test_online_only_for_the_applicant(intake_instance, applicant):
    stranger = make_citizen("路人")
    with pytest.raises(FeedbackPermissionDenied, match="只有申请人本人"):
        record(intake_instance, channel=RatingChannel.ONLINE, actor=stranger.user)
    with pytest.raises(FeedbackPermissionDenied):
        record(intake_instance, channel=RatingChannel.ONLINE, actor=None)
    rating = record(intake_instance, channel=RatingChannel.ONLINE, actor=applicant.user)
    assert rating.rater == applicant.user


def test_the_default_channel_is_not_a_persons(intake_instance):
    with pytest.raises(FeedbackError, match="评价渠道无效"):
        record(intake_instance, channel=RatingChannel.DEFAULT)


def test_a_good_rating_is_not_announced(intake_instance):
    heard = []

    def receiver(sender, rating, actor, address, **kwargs):
        # Inside the transaction: the rating and the instance's new state are visible.
        heard.append((rating.level, actor, address, ServiceInstance.objects.get().state))

    bad_rating_recorded.connect(receiver, dispatch_uid="test-heard")
    try:
        record(intake_instance, level=Level.SATISFIED)
        assert heard == []
    finally:
        bad_rating_recorded.disconnect(dispatch_uid="test-heard")


def test_a_failing_order_leaves_no_bad_rating(intake_instance):
    """The order opens in the same transaction: if it fails, the 差评 is not recorded."""

    def failing(sender, **kwargs):
        raise RuntimeError("order could not open")

    bad_rating_recorded.connect(failing, dispatch_uid="test-failing")
    try:
        with pytest.raises(RuntimeError):
            record(
                intake_instance,
                level=Level.VERY_DISSATISFIED,
                reasons=[Reason.EFFICIENCY],
                address="10.0.0.9",
            )
    finally:
        bad_rating_recorded.disconnect(dispatch_uid="test-failing")
    assert nothing_written(intake_instance)


def test_the_signal_carries_the_rating_the_rater_and_the_address(case, applicant):
    instance = ServiceInstance.objects.get(application=case)
    heard = []

    def receiver(sender, rating, actor, address, **kwargs):
        heard.append((rating.level, actor, address, ServiceInstance.objects.get().state))

    bad_rating_recorded.connect(receiver, dispatch_uid="test-heard-bad")
    try:
        record(
            instance,
            level=Level.DISSATISFIED,
            reasons=[Reason.ATTITUDE],
            channel=RatingChannel.ONLINE,
            actor=applicant.user,
            address="10.0.0.7",
        )
    finally:
        bad_rating_recorded.disconnect(dispatch_uid="test-heard-bad")
    assert heard == [(Level.DISSATISFIED, applicant.user, "10.0.0.7", InstanceState.RATED)]


# --- 追评 ---------------------------------------------------------------------------------


def test_one_follow_up_by_the_applicant_within_the_period(intake_instance, applicant):
    rating = record(intake_instance, level=Level.BASIC)  # on the pad or by QR: no rater
    stranger = make_citizen("路人")
    with pytest.raises(FeedbackPermissionDenied):
        rating_follow_up(rating=rating, text="补充", actor=stranger.user)
    with pytest.raises(FeedbackError, match="请填写追评内容"):
        rating_follow_up(rating=rating, text="  ", actor=applicant.user)
    followed = rating_follow_up(rating=rating, text="后来很快拿到了证", actor=applicant.user)
    assert followed.follow_up_text == "后来很快拿到了证"
    assert followed.level == Level.BASIC  # the rating itself does not change
    with pytest.raises(FeedbackError, match="只能追评一次"):
        rating_follow_up(rating=rating, text="再补充", actor=applicant.user)


def test_no_follow_up_after_the_period_nor_on_a_default(intake_instance, applicant, monkeypatch):
    rating = record(intake_instance)
    late = intake_instance.rate_until + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: late)
    with pytest.raises(FeedbackError, match="追评期限已过"):
        rating_follow_up(rating=rating, text="补充", actor=applicant.user)


def test_staff_cannot_follow_up(intake_instance):
    rating = record(intake_instance)
    with pytest.raises(FeedbackPermissionDenied):
        rating_follow_up(rating=rating, text="补充", actor=UserFactory(clerk=True))


def test_the_one_statement_sends_each_value_as_its_field_would(intake_instance):
    """The claim-and-insert statement passes most values as the rating holds them
    (``_AS_HELD``): they must be what each field's ``get_db_prep_save`` would send."""
    from django.db import connection

    from feedback.services.ratings import _claim_and_insert_sql, _insert_values

    now = timezone.now()
    rating = Rating(
        instance=intake_instance,
        level=Level.DISSATISFIED,
        reasons=[Reason.ATTITUDE],
        text="态度差",
        sub_scores={"attitude": 2},
        channel=RatingChannel.QR,
        rater=UserFactory(citizen=True),
        rated_at=now,
    )
    _, fields = _claim_and_insert_sql()
    sent = _insert_values(rating, fields, now, connection)
    assert (rating.created_at, rating.updated_at) == (now, now)
    expected = [
        field.get_db_prep_save(getattr(rating, field.attname), connection) for field, _ in fields
    ]

    def plain(value):  # a JSON field's adapter, by what it adapts
        return getattr(value, "adapted", value)

    assert [plain(value) for value in sent] == [plain(value) for value in expected]
    assert [type(plain(value)) for value in sent] == [type(plain(value)) for value in expected]
    assert len(fields) == len(Rating._meta.concrete_fields) - 2  # all but the id and the instance


def test_a_rating_by_the_statement_reads_back_as_written(intake_instance):
    rating = record(
        intake_instance,
        level=Level.DISSATISFIED,
        reasons=[Reason.ATTITUDE],
        text="态度差",
        sub_scores={"attitude": 2},
    )
    stored = Rating.objects.get(pk=rating.pk)
    for field in Rating._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(rating, field.attname), field.name
