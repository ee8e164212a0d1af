"""Token authentication keeps the signed-in user in the shared cache
(``accounts.token_users``) and forgets it whenever what it carries changes:
deactivation (saved or in bulk), roles (from either side), a role group's name, the
staff profile and its window, the token; and after CACHE_SECONDS in any case."""

import time

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import QuerySet
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from accounts import token_users
from accounts.authentication import TokenAuthentication
from accounts.services import staff_assign_window
from accounts.token_users import cache_is_shared
from tests.factories import HallFactory, UserFactory, WindowFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def clerk():
    user = UserFactory(clerk=True)
    staff_assign_window(user=user, window=WindowFactory(hall=HallFactory(code="JP"), number=1))
    return user


def authenticate(key):
    return TokenAuthentication().authenticate_credentials(key)[0]


def test_second_request_reads_nothing(clerk, django_assert_num_queries):
    assert cache_is_shared()
    key = Token.objects.create(user=clerk).key
    first = authenticate(key)
    assert first.has_role("clerk")
    assert first.staff_profile.window.hall.code == "JP"
    with django_assert_num_queries(0):
        cached = authenticate(key)
        assert cached.pk == clerk.pk
        assert cached.has_role("clerk")
        assert cached.staff_profile.window.number == 1


def test_deactivation_and_deleted_token_take_effect_at_once(clerk):
    token = Token.objects.create(user=clerk)
    authenticate(token.key)
    clerk.is_active = False
    clerk.save()
    with pytest.raises(AuthenticationFailed):
        authenticate(token.key)
    clerk.is_active = True
    clerk.save()
    key = token.key
    authenticate(key)
    token.delete()
    with pytest.raises(AuthenticationFailed):
        authenticate(key)


def test_role_changes_from_either_side(clerk):
    key = Token.objects.create(user=clerk).key
    group = Group.objects.get(name="clerk")
    assert authenticate(key).has_role("clerk")
    clerk.groups.remove(group)
    assert not authenticate(key).has_role("clerk")
    group.user_set.add(clerk)
    assert authenticate(key).has_role("clerk")
    group.user_set.clear()
    assert not authenticate(key).has_role("clerk")


def test_window_moves_and_renames(clerk):
    key = Token.objects.create(user=clerk).key
    assert authenticate(key).staff_profile.window.number == 1
    other = WindowFactory(hall=HallFactory(code="JZ", name="金州厅"), number=7)
    staff_assign_window(user=clerk, window=other)
    window = authenticate(key).staff_profile.window
    assert (window.hall.code, window.number) == ("JZ", 7)
    other.hall.name = "金州新区政务服务中心"
    other.hall.save()
    assert authenticate(key).staff_profile.window.hall.name == "金州新区政务服务中心"


def test_a_change_in_another_process_reaches_this_one_within_the_check_interval(
    clerk, django_assert_num_queries, monkeypatch
):
    """Each process keeps the users it served; another process's change moves the shared
    generation, which this one reads at most once a second."""
    key = Token.objects.create(user=clerk).key
    authenticate(key)
    with django_assert_num_queries(0):
        assert authenticate(key).is_active
    # Another process deactivates the user: its receivers drop the Redis entry and move
    # the generation; this process's copy is untouched until it looks again. (A plain
    # QuerySet sends no signal in this process.)
    QuerySet(model=type(clerk)).filter(pk=clerk.pk).update(is_active=False)
    cache.delete(token_users.cache_key(key))
    cache.set(token_users.LOCAL.key, "moved-by-another-process", None)
    assert authenticate(key).is_active  # within the interval: this process's copy
    later(monkeypatch, token_users.LOCAL.check_every)
    with pytest.raises(AuthenticationFailed):
        authenticate(key)


def later(monkeypatch, seconds):
    """Move the monotonic clock the caches read ``seconds`` ahead."""
    clock = time.monotonic() + seconds
    monkeypatch.setattr(time, "monotonic", lambda: clock)


def test_a_bulk_deactivation_takes_effect_at_once(clerk):
    key = Token.objects.create(user=clerk).key
    other = Token.objects.create(user=UserFactory()).key
    authenticate(key)
    authenticate(other)
    type(clerk).objects.filter(pk=clerk.pk).update(is_active=False)
    with pytest.raises(AuthenticationFailed):
        authenticate(key)
    assert cache.get(token_users.cache_key(other)) is None  # a bulk change forgets all
    assert authenticate(other).is_active


def test_bulk_changes_of_what_a_user_carries_take_effect_at_once(clerk):
    key = Token.objects.create(user=clerk).key
    window = clerk.staff_profile.window
    assert authenticate(key).staff_profile.window.hall.name != "改名的大厅"
    type(window.hall).objects.filter(pk=window.hall_id).update(name="改名的大厅")
    assert authenticate(key).staff_profile.window.hall.name == "改名的大厅"
    type(window).objects.filter(pk=window.pk).update(number=9)
    assert authenticate(key).staff_profile.window.number == 9


def test_a_renamed_role_group_takes_effect_at_once(clerk):
    key = Token.objects.create(user=clerk).key
    group = Group.objects.get(name="clerk")
    assert authenticate(key).has_role("clerk")
    group.name = "clerk-renamed"
    group.save()
    assert authenticate(key).role_names == {"clerk-renamed"}
    group.delete()
    assert authenticate(key).role_names == set()


def test_forget_users_and_invalidate(clerk):
    """What revoking an enterprise authorization (or any change the receivers do not
    watch) calls."""
    key = Token.objects.create(user=clerk).key
    authenticate(key)
    QuerySet(model=type(clerk)).filter(pk=clerk.pk).update(full_name="未发信号")
    assert authenticate(key).full_name != "未发信号"
    token_users.forget_users([clerk.pk])
    assert authenticate(key).full_name == "未发信号"
    QuerySet(model=type(clerk)).filter(pk=clerk.pk).update(full_name="再次未发信号")
    token_users.invalidate()
    assert authenticate(key).full_name == "再次未发信号"


def test_a_cached_user_lives_at_most_cache_seconds(clerk, monkeypatch):
    key = Token.objects.create(user=clerk).key
    authenticate(key)
    QuerySet(model=type(clerk)).filter(pk=clerk.pk).update(full_name="未发信号")  # unseen
    assert authenticate(key).full_name != "未发信号"
    cache.delete(token_users.cache_key(key))  # Redis's own expiry of the shared entry
    later(monkeypatch, token_users.CACHE_SECONDS - 0.5)
    assert authenticate(key).full_name != "未发信号"  # this process's copy is still young
    later(monkeypatch, token_users.CACHE_SECONDS)
    assert authenticate(key).full_name == "未发信号"


def test_each_request_gets_its_own_copy_of_the_user(clerk):
    key = Token.objects.create(user=clerk).key
    first = authenticate(key)
    first.full_name = "changed by one request"
    assert authenticate(key).full_name != "changed by one request"


@pytest.mark.django_db(transaction=True)
def test_a_request_racing_a_deactivation_cannot_keep_the_user_cached(clerk):
    """A request between the deactivation's save and its commit reads the user still
    active and caches it again; the commit drops that entry."""
    from django.db import transaction

    key = Token.objects.create(user=clerk).key
    with transaction.atomic():
        clerk.is_active = False
        clerk.save()  # the receivers drop the cached user
        # Another request, before the commit, sees the committed (active) row:
        stale = Token.objects.select_related("user").get(key=key)
        stale.user.is_active = True
        cache.set(authentication_key(key), stale, 300)
    with pytest.raises(AuthenticationFailed):
        authenticate(key)


def authentication_key(key):
    return token_users.cache_key(key)


@pytest.mark.parametrize(
    "header",
    [None, "", " ", "Token", "token", "Bearer abc", "Token a b", "Token nosuchkey", "valid"],
)
def test_the_header_is_read_as_drf_reads_it(clerk, rf, header):
    """``authenticate`` reads the header from META (without building
    ``request.headers``) and answers as DRF's own method on the same request."""
    from rest_framework import authentication
    from rest_framework.request import Request

    if header == "valid":
        header = f"Token {Token.objects.create(user=clerk).key}"
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}

    def answer(method):
        request = Request(rf.get("/api/v1/me/", **extra))
        try:
            found = method(TokenAuthentication(), request)
        except AuthenticationFailed as error:
            return "refused", str(error.detail)
        return None if found is None else (found[0].pk, found[1].key)

    ours = answer(TokenAuthentication.authenticate)
    assert ours == answer(authentication.TokenAuthentication.authenticate)
    if header == "valid" or (header or "").startswith("Token "):
        assert ours is not None


def test_no_header_builds_no_header_dictionary(rf):
    from rest_framework.request import Request

    request = Request(rf.get("/api/v1/me/"))
    assert TokenAuthentication().authenticate(request) is None
    assert "headers" not in request._request.__dict__  # HttpRequest.headers: a cached_property
