"""The counter pad (评价器): binding a tablet to a window with a device key, the key
refused once revoked or for another window, the poll answering the window's newest open
intake service (in one query), what the pad shows and never shows, and the rating
through the pad (channel pad, a second one refused)."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.validators import mask_identity_number
from feedback.constants import InstanceState, Level, RatingChannel, Stage
from feedback.models import Pad, Rating, ServiceInstance
from feedback.services.pads import (
    key_hash,
    mask_name,
    pad_create,
    pad_rate,
    pad_revoke,
    poll_query,
)
from feedback.views.pad import PAD_COOKIE
from tests.factories import accept_case, rating_of, service_instance

pytestmark = pytest.mark.django_db

BIND = "feedback:pad-bind"


def served(case, seconds_ago: float = 0, stage=Stage.INTAKE) -> ServiceInstance:
    """The ``stage`` instance of ``case`` (the one feedback made for it, or one made
    here), served ``seconds_ago``."""
    instance = service_instance(case, stage)
    at = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    ServiceInstance.objects.filter(pk=instance.pk).update(
        served_at=at, rate_until=at + datetime.timedelta(days=7)
    )
    instance.refresh_from_db()
    return instance


@pytest.fixture
def accept(clerk, citizen, item):
    """``accept(clerk=...)``: a case accepted at the counter, by default at the clerk's
    window (金普厅 3 号窗口) for 王芳."""

    def make(**kwargs):
        kwargs.setdefault("clerk", clerk)
        kwargs.setdefault("applicant", citizen)
        return accept_case(item, **kwargs)

    return make


@pytest.fixture
def pad_and_key(clerk):
    return pad_create(window=clerk.staff_profile.window, actor=clerk)


def bind(client, key):
    return client.post(reverse(BIND), {"key": key})


@pytest.fixture
def pad_client(client, pad_and_key):
    """A browser that opened the bind page once with the pad's key."""
    assert bind(client, pad_and_key[1]).status_code == 302
    return client


def poll(client, shown=""):
    return client.get(reverse("feedback:pad-poll"), {"shown": shown}, HTTP_HX_REQUEST="true")


def rate(client, instance, **data):
    url = reverse("feedback:pad-rate", args=[instance.pk])
    return client.post(url, data, HTTP_HX_REQUEST="true")


# --- registering and binding ---------------------------------------------------------


def test_a_pad_gets_a_long_random_key_stored_only_as_its_hash(clerk):
    window = clerk.staff_profile.window
    pad, key = pad_create(window=window, actor=clerk)
    _, other_key = pad_create(window=window, actor=clerk)
    assert len(key) >= 43
    assert key != other_key
    assert pad.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in repr(Pad.objects.filter(pk=pad.pk).values().get())
    assert (pad.window, pad.created_by, pad.name) == (window, clerk, "3 号窗口评价器")


def test_only_an_admin_or_the_clerk_at_that_window_registers_or_revokes(
    clerk, other_clerk, system_admin, citizen
):
    window = clerk.staff_profile.window
    for stranger in (other_clerk, citizen.user):
        with pytest.raises(PermissionDenied):
            pad_create(window=window, actor=stranger)
    pad, _ = pad_create(window=window, actor=system_admin)
    with pytest.raises(PermissionDenied):
        pad_revoke(pad=pad, actor=other_clerk)
    assert pad_revoke(pad=pad, actor=clerk).revoked_by == clerk


def test_the_clerk_registers_a_pad_sees_its_key_once_and_stops_it(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("feedback:pad-new"), {"name": "3 号窗口平板"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    pad = Pad.objects.get()
    key = response.context["new_key"]
    assert pad.key_hash == key_hash(key)
    assert f"{reverse(BIND)}#key={key}" in response.content.decode()
    page = client.get(reverse("feedback:pads")).content.decode()
    assert "3 号窗口平板" in page
    assert key not in page
    response = client.post(reverse("feedback:pad-stop", args=[pad.pk]))
    assert response.status_code == 302
    pad.refresh_from_db()
    assert pad.revoked_at is not None
    assert pad.revoked_by == clerk


def test_a_clerk_neither_sees_nor_stops_another_windows_pads(
    client, pad_and_key, other_clerk, citizen
):
    pad = pad_and_key[0]
    client.force_login(other_clerk)
    assert str(pad) not in client.get(reverse("feedback:pads")).content.decode()
    assert client.post(reverse("feedback:pad-stop", args=[pad.pk])).status_code == 404
    client.force_login(citizen.user)
    assert client.get(reverse("feedback:pads")).status_code == 403
    pad.refresh_from_db()
    assert pad.revoked_at is None


def test_binding_keeps_the_key_in_a_signed_httponly_cookie(client, pad_and_key):
    response = bind(client, pad_and_key[1])
    assert response.status_code == 302
    assert response.url == reverse("feedback:pad")
    cookie = response.cookies[PAD_COOKIE.name]
    assert cookie["httponly"]
    assert cookie["path"] == "/feedback/pad/"
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] > 300 * 24 * 3600
    assert cookie.value != pad_and_key[1]  # signed
    page = client.get(reverse("feedback:pad"))
    assert page.status_code == 200
    assert "金普厅 3 号窗口" in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_a_wrong_or_revoked_key_does_not_bind(client, pad_and_key, clerk):
    pad, key = pad_and_key
    for attempt in (key[:-1], "x" * 43):
        response = bind(client, attempt)
        assert response.status_code == 200
        assert PAD_COOKIE.name not in response.cookies
        assert "密钥无效" in response.content.decode()
    pad_revoke(pad=pad, actor=clerk)
    response = bind(client, key)
    assert response.status_code == 200
    assert PAD_COOKIE.name not in response.cookies


def test_a_revoked_pad_is_refused_at_its_next_request(pad_client, pad_and_key, clerk, accept):
    instance = served(accept())
    assert instance.application.case_number in poll(pad_client).content.decode()
    pad_revoke(pad=pad_and_key[0], actor=clerk)
    response = poll(pad_client)
    assert response["HX-Redirect"] == reverse(BIND)
    assert instance.application.case_number not in response.content.decode()
    assert response.cookies[PAD_COOKIE.name].value == ""  # dropped
    assert rate(pad_client, instance, level=1).get("HX-Redirect") == reverse(BIND)
    response = pad_client.get(reverse("feedback:pad"))
    assert response.status_code == 302
    assert response.url == reverse(BIND)
    assert not Rating.objects.exists()


def test_a_cookie_the_portal_did_not_sign_is_refused(client, pad_and_key):
    client.cookies[PAD_COOKIE.name] = pad_and_key[1]
    response = client.get(reverse("feedback:pad"))
    assert response.status_code == 302
    assert response.url == reverse(BIND)


# --- what the pad shows --------------------------------------------------------------


def test_the_poll_answers_the_windows_newest_open_intake_service(pad_client, accept, other_clerk):
    old = served(accept(), seconds_ago=6 * 60)  # past FEEDBACK_PAD_RECENT_MINUTES (5)
    earlier = served(accept(), seconds_ago=90)
    newest = served(accept(), seconds_ago=30)
    rated = served(accept(), seconds_ago=10)
    rating_of(rated)
    elsewhere = served(accept(clerk=other_clerk), seconds_ago=5)
    concluded = accept()
    served(concluded, seconds_ago=8 * 60)
    conclusion = served(concluded, seconds_ago=1, stage=Stage.CONCLUSION)

    response = poll(pad_client)
    assert response.status_code == 200
    body = response.content.decode()
    assert newest.application.case_number in body
    for other in (old, earlier, rated, elsewhere, conclusion):
        assert other.application.case_number not in body
    assert poll(pad_client, shown=newest.pk).status_code == 204  # nothing new: no swap

    rating_of(newest)
    response = poll(pad_client, shown=newest.pk)
    assert earlier.application.case_number in response.content.decode()
    rating_of(earlier)
    body = poll(pad_client, shown=earlier.pk).content.decode()
    assert 'id="pad-stage"' in body
    assert "every 1s" in body
    assert poll(pad_client).status_code == 204


def test_the_screen_opens_on_the_service_to_rate(pad_client, accept):
    instance = served(accept())
    body = pad_client.get(reverse("feedback:pad")).content.decode()
    assert instance.application.case_number in body
    assert 'data-pad-timeout="60"' in body


def test_a_poll_with_nothing_new_is_one_query(pad_client, accept, django_assert_num_queries):
    instance = served(accept())
    poll(pad_client)  # the first poll of a minute also writes last_seen_at
    with django_assert_num_queries(1):
        assert poll(pad_client, shown=instance.pk).status_code == 204
    rating_of(instance)
    poll(pad_client)
    with django_assert_num_queries(1):
        assert poll(pad_client).status_code == 204


@pytest.mark.postgres
def test_the_poll_runs_on_the_partial_index(pad_and_key):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = poll_query(key_hash(pad_and_key[1]), timezone.now()).explain()
    assert "serviceinstance_pad_poll" in plan, plan


def test_the_pad_shows_the_window_never_the_clerks_name_the_id_number_or_full_name(
    pad_client, accept, citizen, clerk
):
    instance = served(accept())
    body = poll(pad_client).content.decode()
    assert instance.application.case_number in body
    assert "食品经营许可" in body
    assert "金普厅 3 号窗口" in body
    assert clerk.full_name not in body
    assert "王*" in body
    assert citizen.name not in body
    assert citizen.id_number not in body
    assert mask_identity_number(citizen.id_number) not in body


def test_mask_name():
    assert [mask_name(n) for n in ("张明", "欧阳娜娜", "李", " ")] == ["张*", "欧***", "李*", ""]


def test_after_a_timeout_the_same_service_is_not_shown_again(pad_client, accept):
    instance = served(accept())
    body = pad_client.get(reverse("feedback:pad-idle"), {"shown": instance.pk}).content.decode()
    assert f"?shown={instance.pk}" in body
    assert instance.application.case_number not in body
    assert poll(pad_client, shown=instance.pk).status_code == 204


def test_another_windows_pad_neither_sees_nor_rates_this_windows_service(
    client, accept, other_clerk
):
    instance = served(accept())
    other_pad, key = pad_create(window=other_clerk.staff_profile.window, actor=other_clerk)
    bind(client, key)
    assert instance.application.case_number not in poll(client).content.decode()
    assert rate(client, instance, level=Level.VERY_SATISFIED).status_code == 404
    with pytest.raises(PermissionDenied):
        pad_rate(window_id=other_pad.window_id, instance=instance, level=Level.VERY_SATISFIED)
    assert not Rating.objects.exists()


def test_a_service_past_the_pads_period_is_not_rated_there(pad_client, accept):
    instance = served(accept(), seconds_ago=5 * 60 + 61)  # display period + idle timeout
    assert rate(pad_client, instance, level=Level.VERY_SATISFIED).status_code == 404
    assert not Rating.objects.exists()


def test_a_bad_rating_without_a_reason_is_asked_again(pad_client, accept):
    instance = served(accept())
    response = rate(pad_client, instance, level=Level.DISSATISFIED)
    body = response.content.decode()
    assert response.status_code == 200
    assert "差评请至少选择一项原因" in body
    assert "data-pad-bad hidden" not in body  # the reasons stay open
    assert not Rating.objects.exists()


# --- rating through the pad (feedback.services.ratings.rating_record) --------------


def test_a_rating_on_the_pad_is_recorded_with_channel_pad(pad_client, accept):
    instance = served(accept())
    response = rate(pad_client, instance, level=Level.SATISFIED, sub_efficiency=1, sub_attitude=2)
    body = response.content.decode()
    assert "感谢您的评价" in body
    assert f"{reverse('feedback:pad-idle')}?shown={instance.pk}" in body  # back to idle
    rating = Rating.objects.get(instance=instance)
    assert (rating.level, rating.channel, rating.rater, rating.is_default) == (
        Level.SATISFIED,
        RatingChannel.PAD,
        None,
        False,
    )
    assert rating.sub_scores == {"efficiency": 1, "attitude": 2}
    instance.refresh_from_db()
    assert instance.state == InstanceState.RATED
    assert instance.application.case_number not in poll(pad_client).content.decode()


def test_a_bad_rating_on_the_pad_keeps_its_reasons_and_text(pad_client, accept):
    instance = served(accept())
    rate(
        pad_client,
        instance,
        level=Level.VERY_DISSATISFIED,
        reasons=["attitude", "efficiency"],
        text="等了很久",
    )
    rating = Rating.objects.get(instance=instance)
    assert (rating.level, rating.channel) == (Level.VERY_DISSATISFIED, RatingChannel.PAD)
    assert sorted(rating.reasons) == ["attitude", "efficiency"]
    assert rating.text == "等了很久"


def test_a_second_rating_on_the_pad_is_refused(pad_client, accept):
    instance = served(accept())
    rate(pad_client, instance, level=Level.VERY_SATISFIED)
    response = rate(pad_client, instance, level=Level.DISSATISFIED, reasons=["attitude"])
    assert "已经评价过了" in response.content.decode()
    assert list(Rating.objects.values_list("level", flat=True)) == [Level.VERY_SATISFIED]
