"""Response headers: Content-Security-Policy without inline scripts, Permissions-Policy,
and ``Cache-Control: no-store`` on everything a signed-in person (or a token) receives."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize("url", ["/", "/guide/", "/accounts/login/", "/api/docs/"])
def test_csp_allows_no_inline_script(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    script_src = policy.get("script-src", policy.get("default-src"))
    assert script_src, response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_csp_on_signed_in_pages(client, citizen):
    client.force_login(citizen.user)
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_permissions_policy(client, db):
    response = client.get("/guide/")
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_templates_carry_no_inline_script():
    """Every <script> has a src and no element has an on*="..." handler, so the policy
    above never has to allow inline code."""
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
            if "src=" not in tag:
                offenders.append(f"{path}: {tag}")
        for handler in re.findall(r"<[^>]*\son[a-z]+\s*=", text, flags=re.IGNORECASE):
            offenders.append(f"{path}: {handler}")
    assert offenders == []


def test_public_guide_pages_stay_cacheable(client, db):
    response = client.get("/guide/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/", "/accounts/profile/", "/intake/"])
def test_signed_in_pages_are_not_stored(client, citizen, url):
    client.force_login(citizen.user)
    response = client.get(url, follow=False)
    assert "no-store" in response["Cache-Control"]


def test_signed_in_guide_page_is_not_stored(client, citizen):
    """The same guide page a passer-by may cache is private once it names the user."""
    client.force_login(citizen.user)
    assert "no-store" in client.get("/guide/")["Cache-Control"]


def test_token_api_answers_are_not_stored(client, citizen):
    token = Token.objects.create(user=citizen.user)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_session_api_answers_are_not_stored(client, citizen):
    client.force_login(citizen.user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
