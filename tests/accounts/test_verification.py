"""Real-name verification (issue 11 item 2): an account's ID number is a claim until it
is verified (demo back end, OpenID Connect, or a clerk at a window); an unverified
account never sees a counter case of the number it claims; one verified holder per
number; signup cannot tell whether a number is registered."""

import pytest
from django.contrib.messages import get_messages
from django.core.checks import run_checks
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.constants import VerificationMethod
from accounts.models import Citizen, IdentityVerification, User
from accounts.services import citizen_register, citizen_register_at_window, citizen_verify
from accounts.verification import VerificationOIDCBackend
from intake.models import Application
from tests.factories import CitizenFactory, UserFactory, counter_draft, submit_online

pytestmark = pytest.mark.django_db

NUMBER = "360426199101010071"


def signup(client, username, id_number=NUMBER, name="李华"):
    return client.post(
        "/accounts/signup/",
        {
            "user-username": username,
            "user-password1": "Quiet-river-2026",
            "user-password2": "Quiet-river-2026",
            "identity-name": name,
            "identity-id_number": id_number,
            "identity-phone": "13912345678",
        },
    )


@pytest.fixture
def counter_person(clerk):
    """李华 as a clerk registered him at the counter (ID card checked), no account."""
    return citizen_register_at_window(
        name="李华", id_number=NUMBER, clerk=clerk, window=clerk.staff_profile.window
    )


@pytest.fixture
def counter_case(clerk, counter_person, item):
    return counter_draft(clerk, counter_person, item)


def verify_at_window(user, clerk, id_number=NUMBER, name="李华"):
    return citizen_verify(
        user=user,
        name=name,
        id_number=id_number,
        method=VerificationMethod.WINDOW,
        verified_by=clerk,
        window=clerk.staff_profile.window,
    )


def api_for(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


# --- signup: neutral, a claim only ------------------------------------------------------


def test_signup_answers_the_same_whether_or_not_the_number_is_registered(client, counter_person):
    """Unknown number, a number registered at the counter, a number another account
    holds verified: the same redirect and the same message, and nothing of the
    registered person reaches the new account."""
    CitizenFactory(name="周杰", id_number="44011320141005001X")  # verified, with an account
    answers = []
    for username, number in [
        ("fresh", "11010519491231002X"),
        ("counter", NUMBER),
        ("taken", "44011320141005001X"),
    ]:
        client.logout()
        response = signup(client, username, number)
        page = client.get(response["Location"])
        answers.append(
            (response.status_code, response["Location"], [str(m) for m in page.context["messages"]])
        )
        account = User.objects.get(username=username)
        assert account.citizen.verified_at is None
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 302
    assert "请完成实名认证" in answers[0][2][0]
    assert Citizen.objects.get(user=None).id_number == NUMBER  # the counter row: untouched


def test_unverified_account_never_sees_a_counter_case_for_its_number(client, counter_case, item):
    signup(client, "claimant")
    claimant = User.objects.get(username="claimant")
    # What it made online itself, it sees.
    own = submit_online(claimant.citizen, item)
    html = client.get("/intake/my/").content.decode()
    assert f"/intake/my/{own.pk}/" in html
    assert f"/intake/my/{counter_case.pk}/" not in html
    assert client.get(f"/intake/my/{counter_case.pk}/").status_code == 404
    api = api_for(claimant)
    listed = {row["id"] for row in api.get("/api/v1/applications/").json()["results"]}
    assert listed == {own.pk}
    assert api.get(f"/api/v1/applications/{counter_case.pk}/").status_code == 404


def test_a_counter_case_on_an_unverified_row_stays_hidden(client, clerk, item):
    """Even if a case were made for an unverified row (the selectors check the row,
    not how the case was found), its account does not see it."""
    signup(client, "claimant")
    claimant = User.objects.get(username="claimant")
    case = counter_draft(clerk, claimant.citizen, item)
    assert client.get(f"/intake/my/{case.pk}/").status_code == 404
    assert api_for(claimant).get(f"/api/v1/applications/{case.pk}/").status_code == 404


def test_the_counter_never_finds_an_unverified_claim(client, clerk):
    signup(client, "claimant")
    client.force_login(clerk)
    response = client.get("/intake/workbench/counter/", {"kind": "person", "id_number": NUMBER})
    assert response.context["citizen"] is None  # asks the clerk to register the person


# --- verification resolves the claims ---------------------------------------------------


def test_verifying_takes_over_the_counter_identity_and_its_cases(
    client, clerk, counter_person, counter_case, item
):
    signup(client, "claimant")
    signup(client, "rightful")
    claimant = User.objects.get(username="claimant")
    rightful = User.objects.get(username="rightful")
    draft = submit_online(rightful.citizen, item)
    verify_at_window(rightful, clerk)
    counter_person.refresh_from_db()
    assert counter_person.user == rightful
    assert Application.objects.get(pk=draft.pk).applicant == counter_person  # moved over
    assert Citizen.objects.filter(id_number=NUMBER, verified_at__isnull=False).count() == 1
    client.force_login(rightful)
    assert client.get(f"/intake/my/{counter_case.pk}/").status_code == 200
    assert client.get(f"/intake/my/{draft.pk}/").status_code == 200
    # The other claimant loses the claim: still nothing, and cannot verify it.
    client.force_login(claimant)
    assert client.get(f"/intake/my/{counter_case.pk}/").status_code == 404
    with pytest.raises(Exception, match="已由其他账号完成实名认证"):
        verify_at_window(claimant, clerk)
    assert claimant.citizen.verified_at is None


def test_the_second_claimant_wins_by_verifying_not_by_coming_first(client, settings):
    settings.DEBUG = True  # the demo back end (as in make demo)
    signup(client, "first")
    signup(client, "second")
    second = User.objects.get(username="second")
    client.force_login(second)
    client.post("/accounts/verify/")  # the demo back end under DEBUG
    assert Citizen.objects.get(user=second).verified_at is not None
    assert Citizen.objects.get(user__username="first").verified_at is None


def test_two_accounts_can_never_hold_the_same_verified_number(db):
    CitizenFactory(id_number=NUMBER)
    other = UserFactory(citizen=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Citizen.objects.create(
            user=other,
            name="李华",
            id_number=NUMBER,
            verified_at="2026-01-01T00:00Z",
            verification_method=VerificationMethod.DEMO,
        )
    # Unverified claims of the same number are allowed (signup stays neutral).
    citizen_register(name="李华", id_number=NUMBER, user=UserFactory())
    citizen_register(name="李华", id_number=NUMBER, user=UserFactory())
    assert Citizen.objects.filter(id_number=NUMBER).count() == 3


def test_a_verified_account_cannot_switch_to_another_number(clerk):
    person = CitizenFactory(id_number=NUMBER)
    with pytest.raises(Exception, match="不能再认证其他身份号码"):
        verify_at_window(person.user, clerk, "11010519491231002X", name="王芳")


# --- the back ends --------------------------------------------------------------------


def test_demo_back_end_verifies_at_once_and_says_it_is_a_demo(client, settings):
    settings.DEBUG = True  # as in make demo; the test runner turns DEBUG off
    signup(client, "demo-user", id_number="１１０１０５１９４９１２３１００２ｘ", name="王芳")
    page = client.get("/accounts/profile/").content.decode()
    assert "未认证" in page
    assert "演示认证" in page
    response = client.post("/accounts/verify/", follow=True)
    html = response.content.decode()
    assert "已通过演示认证（演示环境，未核验真实身份）" in html
    assert "已认证" in html
    citizen = Citizen.objects.get(user__username="demo-user")
    assert citizen.id_number == "11010519491231002X"
    assert citizen.verification_method == VerificationMethod.DEMO
    record = IdentityVerification.objects.get(citizen=citizen)
    assert (record.method, record.user.username) == (VerificationMethod.DEMO, "demo-user")


def test_demo_back_end_refuses_outside_debug(client, settings):
    signup(client, "prod-user")
    settings.DEBUG = False
    response = client.post("/accounts/verify/", follow=True)
    assert "当前环境不提供演示认证" in response.content.decode()
    assert Citizen.objects.get(user__username="prod-user").verified_at is None


def test_system_check_refuses_the_demo_back_end_in_production(settings):
    settings.DEBUG = False
    settings.IDENTITY_VERIFICATION_BACKEND = "accounts.verification.DemoVerification"
    assert "accounts.E001" in {message.id for message in run_checks()}
    settings.IDENTITY_VERIFICATION_BACKEND = "accounts.verification.OidcVerification"
    assert "accounts.E001" not in {message.id for message in run_checks()}


def test_oidc_back_end_without_configuration_points_to_the_window(client, settings):
    settings.IDENTITY_VERIFICATION_BACKEND = "accounts.verification.OidcVerification"
    settings.OIDC_RP_CLIENT_ID = ""
    signup(client, "oidc-user")
    html = client.get("/accounts/profile/").content.decode()
    assert 'action="/accounts/verify/"' not in html  # no button that cannot work
    response = client.post("/accounts/verify/", follow=True)
    assert "统一身份认证尚未开通" in response.content.decode()


def _oidc_request(user, claims, settings):
    settings.OIDC_RP_CLIENT_ID = "jinpu"
    settings.OIDC_RP_CLIENT_SECRET = "secret"  # noqa: S105 - a test value
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example/jwks"
    request = RequestFactory().get("/oidc/callback/")
    request.user = user
    request.session = {}
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    backend = VerificationOIDCBackend()
    backend.request = request
    # The provider's userinfo answer (the HTTP call is the only thing replaced).
    backend.get_userinfo = lambda access_token, id_token, payload: claims
    return backend, request


def test_oidc_callback_verifies_the_signed_in_account(client, settings):
    signup(client, "oidc-user", name="李华")
    user = User.objects.get(username="oidc-user")
    claims = {"sub": "idp-42", "name": "李华", "id_number": "３６０４２６１９９１０１０１００７１"}
    backend, request = _oidc_request(user, claims, settings)
    assert backend.get_or_create_user("access", "id", {}) == user
    citizen = Citizen.objects.get(user=user)
    assert (citizen.id_number, citizen.verification_method) == (NUMBER, VerificationMethod.OIDC)
    assert IdentityVerification.objects.get(citizen=citizen).subject == "idp-42"
    assert "已通过统一身份认证" in [str(m) for m in get_messages(request)][0]


def test_oidc_callback_never_signs_anyone_in_or_takes_a_held_number(client, settings):
    from django.contrib.auth.models import AnonymousUser

    CitizenFactory(id_number=NUMBER)
    claims = {"sub": "idp-42", "name": "李华", "id_number": NUMBER}
    backend, _ = _oidc_request(AnonymousUser(), claims, settings)
    assert backend.get_or_create_user("access", "id", {}) is None
    assert not User.objects.filter(username__startswith="idp").exists()
    signup(client, "late")
    user = User.objects.get(username="late")
    backend, request = _oidc_request(user, claims, settings)
    assert backend.get_or_create_user("access", "id", {}) is None
    assert "已由其他账号完成实名认证" in [str(m) for m in get_messages(request)][0]
    assert Citizen.objects.get(user=user).verified_at is None


# --- at the window ----------------------------------------------------------------------


def test_clerk_verifies_at_the_window_and_the_record_says_who_when_where(client, clerk):
    signup(client, "walk-in", name="李华")
    client.force_login(clerk)
    data = {"username": "walk-in", "name": "李华", "id_number": NUMBER}
    refused = client.post("/accounts/window/verify/", data)
    assert "请先查验本人居民身份证原件并勾选确认" in refused.content.decode()
    assert Citizen.objects.get(user__username="walk-in").verified_at is None
    response = client.post("/accounts/window/verify/", {**data, "id_card_checked": "on"})
    assert response.status_code == 302
    citizen = Citizen.objects.get(user__username="walk-in")
    assert citizen.verification_method == VerificationMethod.WINDOW
    record = IdentityVerification.objects.get(citizen=citizen)
    window = clerk.staff_profile.window
    assert (record.verified_by, record.window, record.hall) == (clerk, window, window.hall)
    assert record.created_at is not None


def test_window_verification_needs_a_clerk_at_a_window(client, db):
    signup(client, "walk-in")
    assert client.get("/accounts/window/verify/").status_code == 403
    client.force_login(UserFactory(clerk=True))  # a clerk without a window
    assert client.get("/accounts/window/verify/").status_code == 403
