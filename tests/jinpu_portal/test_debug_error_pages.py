"""The portal's own error pages in development mode too (DEBUG=1 is what the demo runs
with), the favicon, and the login page's hint when a page asked for a signed-in user."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_mode(settings):
    settings.DEBUG = True


def test_an_unknown_address_gets_the_portals_404_in_debug_mode(client, debug_mode):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "返回首页" in html
    assert "Page not found" not in html
    assert "URLconf" not in html  # no list of the portal's routes


def test_a_view_raising_404_gets_the_portals_404_in_debug_mode(client, debug_mode, citizen):
    client.force_login(citizen.user)
    response = client.get("/approvals/cases/987654/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "Page not found" not in html


@pytest.mark.urls("tests.jinpu_portal.error_urls")
def test_403_and_500_in_debug_mode(debug_mode, caplog):
    client = Client(raise_request_exception=False)
    forbidden = client.get("/test-403/")
    assert forbidden.status_code == 403
    assert "无权访问" in forbidden.content.decode()
    with caplog.at_level(logging.ERROR, logger="django.request"):
        broken = client.get("/test-500/")
    assert broken.status_code == 500
    html = broken.content.decode()
    assert "系统繁忙" in html
    assert "Traceback" not in html
    assert "boom" not in html
    assert "RuntimeError: boom" in caplog.text  # the developer still has the traceback


@pytest.mark.parametrize("debug", [True, False])
def test_a_button_address_opened_as_a_page_says_so_in_chinese(client, settings, citizen, debug):
    """Signed in again after the session expired, the login page sends the person on to
    the action they clicked: a POST-only address, opened with GET. Not a bare 405 (an
    English browser error page) but the portal's page, saying what to do."""
    settings.DEBUG = debug
    client.force_login(citizen.user)
    response = client.get("/intake/notifications/read-all/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "请从页面上操作" in html
    assert "返回首页" in html
    # A POST still reaches the view; other methods and the API keep their answers.
    assert client.post("/intake/notifications/read-all/").status_code == 302
    assert client.put("/intake/notifications/read-all/").content == b""
    assert client.get("/api/v1/me/").status_code == 200


def test_a_missing_slash_is_still_redirected_in_debug_mode(client, debug_mode):
    response = client.get("/accounts/login")
    assert response.status_code == 301
    assert response["Location"] == "/accounts/login/"


def test_api_paths_keep_their_own_answers(client, debug_mode):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert "页面不存在" not in response.content.decode()


def test_the_favicon(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"


def test_the_favicon_files_are_static_files():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    for name, start in (("favicon.ico", b"\x00\x00\x01\x00"), ("favicon.svg", b"<svg")):
        assert Path(finders.find(name)).read_bytes().startswith(start)


def test_the_login_page_says_to_sign_in_first(client, db):
    from tests.factories import ItemVersionFactory

    version = ItemVersionFactory()
    response = client.get(f"/intake/apply/{version.item.code}/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    assert 'data-testid="login-required"' in html
    assert "请先登录，登录后继续在线申请。" in html
    other = client.get("/intake/my/", follow=True).content.decode()
    assert "请先登录，登录后回到您要访问的页面。" in other
    plain = client.get("/accounts/login/").content.decode()
    assert "请先登录" not in plain
