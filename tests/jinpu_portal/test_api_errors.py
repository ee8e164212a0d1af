"""No input answers 500 (issue 11 items 5 and 6): ids past a 64-bit integer on every
``{id}`` route are a 404, JSON nested too deep is a 400, and every API error is JSON in
one shape ({"detail", "code", "errors"}), with Chinese field labels, also for API paths
no route matches, in DEBUG mode (the demo) too."""

import json
import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, StringConverter
from rest_framework.test import APIClient

from jinpu_portal.converters import MAX_ID, IdConverter, TextConverter

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"detail", "code", "errors"}


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def citizen_client(request, settings, citizen):
    """The citizen signed in on a Django client that answers server errors instead of
    raising them, with DEBUG on (the demo) and off."""
    settings.DEBUG = request.param
    client = Client(raise_request_exception=False)
    client.force_login(citizen.user)
    return client


def _routes(resolver=None, prefix=""):
    """Every URL pattern as (its full route text, the converters of its parameters)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            converters = getattr(entry.pattern, "converters", {})
            yield route, converters


def _id_routes():
    found = []
    for route, converters in _routes():
        if any(isinstance(c, IdConverter) for c in converters.values()):
            found.append((route, converters))
    return found


def _url(route: str, converters: dict, value: int, text: str = "x") -> str:
    """The route with ``value`` for each id and ``text`` for any other parameter."""

    def sample(match):
        return str(value) if isinstance(converters[match[1]], IdConverter) else text

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", sample, route)


def test_no_route_uses_djangos_unbounded_int_converter():
    unbounded = [
        route
        for route, converters in _routes()
        if any(type(c) is IntConverter for c in converters.values())
    ]
    assert unbounded == []
    assert len(_id_routes()) > 40  # web pages and API alike


def test_no_route_uses_djangos_str_converter():
    """A path segment that is not an id is ``<text:…>``: ``str`` lets a NUL through to
    PostgreSQL, which refuses it (a 500)."""
    plain = [
        route
        for route, converters in _routes()
        if not route.startswith("admin/")  # Django's and guardian's admin views
        and any(type(c) is StringConverter for c in converters.values())
    ]
    assert plain == []


def test_a_nul_in_any_text_segment_is_a_404(citizen_client):
    routes = [
        (route, converters)
        for route, converters in _routes()
        if any(isinstance(c, TextConverter) for c in converters.values())
    ]
    assert len(routes) > 10  # item codes, tokens, verification codes
    for route, converters in routes:
        url = _url(route, converters, 1, text="%00")
        assert citizen_client.get(url).status_code == 404, url


def test_every_id_route_answers_404_for_ids_past_bigint(system_admin, settings):
    settings.DEBUG = True  # the demo: no debug page either
    client = Client(raise_request_exception=False)
    client.force_login(system_admin)
    checked = 0
    for route, converters in _id_routes():
        for value in (MAX_ID + 1, 2**64, 10**30):
            url = _url(route, converters, value)
            assert "<" not in url, url
            for method in (client.get, client.post):
                response = method(url)
                if url.startswith("/admin/") and response.status_code == 302:
                    # the admin's catch-all <path:object_id>/ sends it to the change page,
                    # which says the object does not exist
                    response = client.get(response["Location"], follow=True)
                    assert response.status_code == 200, url
                    assert "不存在" in response.content.decode()
                    continue
                assert response.status_code == 404, (url, response.status_code)
                if url.startswith("/api/"):
                    assert set(response.json()) == ERROR_KEYS
                checked += 1
    assert checked > 200


def test_the_largest_id_reaches_the_view_and_is_not_found(system_admin):
    client = Client(raise_request_exception=False)
    client.force_login(system_admin)
    for route, converters in _id_routes():
        url = _url(route, converters, MAX_ID)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code < 500, (url, response.status_code)


def test_api_ids_past_bigint_with_a_token(citizen):
    api = APIClient()
    api.force_authenticate(citizen.user)
    for path in ("applications/{}/", "applications/{}/submit/", "cases/{}/clocks/"):
        response = api.post(f"/api/v1/{path.format(2**63)}", {}, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_json_nested_too_deep_is_a_400(citizen, depth):
    api = APIClient()
    api.force_authenticate(citizen.user)
    body = '{"item_code": ' + _deep(depth) + "}"
    response = api.post("/api/v1/applications/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "JSON 嵌套层数过多，无法处理。",
        "code": "too_deep",
        "errors": {},
    }


def test_malformed_json_is_a_chinese_400(citizen):
    api = APIClient()
    api.force_authenticate(citizen.user)
    response = api.post("/api/v1/applications/", "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容不是有效的 JSON。"


def test_api_404_and_405_are_json_in_every_mode(citizen_client, settings):
    answers = [
        citizen_client.get("/api/v1/no-such-endpoint/"),
        citizen_client.get("/api/v1/applications/abc/"),
    ]
    if settings.DEBUG:  # a POST without its slash: Django's APPEND_SLASH raises (with DEBUG only)
        answers.append(citizen_client.post("/api/v1/me", {}))
    for response in answers:
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"
        assert set(response.json()) == ERROR_KEYS
    response = citizen_client.delete("/api/v1/me/")
    assert response.status_code == 405
    assert response.json()["detail"] == "方法 “DELETE” 不被允许。"
    assert response.json()["code"] == "method_not_allowed"


def test_401_is_the_same_shape():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.urls("tests.jinpu_portal.error_urls")
def test_an_unexpected_exception_is_a_json_500(citizen_client, caplog):
    response = citizen_client.get("/api/test-500/")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "服务器内部错误，请稍后再试；问题持续请联系金普新区政务服务中心。",
        "code": "server_error",
        "errors": {},
    }
    assert "boom" not in response.content.decode()
    assert "RuntimeError: boom" in caplog.text


def test_field_errors_carry_chinese_labels_and_no_reprs(citizen):
    api = APIClient()
    api.force_authenticate(citizen.user)
    response = api.post(
        "/api/v1/applications/",
        {"item_code": "", "note": "长" * 2001, "agent": {"name": "", "id_number": "1"}},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"item_code", "note", "agent.name"}
    assert "事项编码：" in body["detail"]
    assert "申请说明：" in body["detail"]
    assert "代办人 代办人姓名：" in body["detail"]
    assert "ErrorDetail" not in response.content.decode()


def _schema(tmp_path) -> dict:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    return yaml.safe_load(out.read_text())


def test_the_schema_documents_errors_labels_and_nullability(tmp_path):
    schema = _schema(tmp_path)
    paths = schema["paths"]
    error = "#/components/schemas/Error"
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "detail", "errors"]

    def statuses(path, method):
        responses = paths[path][method]["responses"]
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"]["$ref"] == error
        return set(responses)

    assert statuses("/api/v1/applications/", "post") >= {"201", "400", "401", "403", "415"}
    assert statuses("/api/v1/tasks/{id}/", "get") == {"200", "401", "403", "404"}
    assert statuses("/api/v1/tasks/{id}/decide/", "post") >= {"400", "404", "409", "415"}
    assert "415" not in statuses("/api/v1/departments/", "get")
    assert statuses("/api/v1/departments/", "get") >= {"400", "401", "404"}

    components = schema["components"]["schemas"]
    parent = components["Department"]["properties"]["parent"]
    assert parent.get("nullable") is True
    # Every field a client sends has a Chinese label (the errors' detail uses it).
    for name, component in components.items():
        if not name.endswith("Request"):
            continue
        for field, spec in component.get("properties", {}).items():
            if spec.get("readOnly"):
                continue
            title = spec.get("title", "")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in title), (name, field)
    # A code with its label has one shape: /me's roles as the item's channels.
    choice_ref = {"$ref": "#/components/schemas/ChoiceRef"}
    for component, field in (("Me", "roles"), ("ItemVersionDetail", "channels")):
        spec = components[component]["properties"][field]
        assert (spec["type"], spec["items"]) == ("array", choice_ref)


def test_a_429_says_in_chinese_when_to_try_again():
    from jinpu_portal.api.errors import Throttled

    assert str(Throttled(3).detail) == "请求过于频繁，请稍后再试。 请 3 秒后再试。"
    assert str(Throttled(1, detail="取号过于频繁。").detail) == "取号过于频繁。 请 1 秒后再试。"


def test_error_body_never_shows_reprs():
    from jinpu_portal.api.errors import error_body

    body = error_body({"items": [{"name": ["必填。"]}, {}]}, 400, "invalid", {"items": "材料"})
    assert body == {
        "detail": "材料 第 1 项 name：必填。",
        "code": "invalid",
        "errors": {"items.0.name": ["必填。"]},
    }
    assert json.dumps(body, ensure_ascii=False).count("ErrorDetail") == 0


def test_a_page_size_that_is_not_1_to_100_is_a_400():
    api = APIClient()
    for value in ("null", "0", "101", "-1", "２"):
        response = api.get("/api/v1/departments/", {"page_size": value})
        assert response.status_code == 400, value
        assert response.json()["detail"] == "每页条数：每页条数须为 1 至 100 的整数。"
    assert api.get("/api/v1/departments/", {"page_size": "100"}).status_code == 200
    for page in ("last", "abc", "0", "999", ""):
        response = api.get("/api/v1/departments/", {"page": page})
        assert response.status_code == 404, page
        assert response.json()["code"] == "not_found"


def test_api_answers_keep_the_security_headers(citizen_client, citizen, settings):
    """Issue 11 item 8 holds for API answers, errors made outside DRF included."""
    for url, status in (("/api/v1/me/", 200), ("/api/v1/no-such/", 404)):
        response = citizen_client.get(url)
        assert response.status_code == status
        assert "no-store" in response["Cache-Control"]
        assert "Permissions-Policy" in response
        if settings.DEBUG and status == 404:
            continue  # django-csp leaves Django's debug 404 alone; a JSON body runs nothing
        directives = dict(
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )
        assert directives["script-src"] == "'self'"
    token_user = APIClient()
    token_user.force_authenticate(citizen.user)
    assert "no-store" in token_user.get("/api/v1/applications/").headers["Cache-Control"]
