"""Error pages, admin and API docs in Chinese, everything served locally."""

import re

import pytest
from django.test import Client


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False


@pytest.mark.urls("tests.jinpu_portal.error_urls")
@pytest.mark.parametrize(
    ("url", "status", "texts"),
    [
        ("/test-403/", 403, ["无权访问", "返回首页", '<html lang="zh-CN">']),
        ("/no-such-page/", 404, ["页面不存在", "金普新区政务服务"]),
        ("/test-500/", 500, ["系统繁忙", "8890"]),
        (
            "/admin/login/",
            200,
            ["金普新区政务服务一窗受理平台 · 管理后台", "用户名", "密码", "登录", 'lang="zh-hans"'],
        ),
    ],
)
def test_error_pages_and_admin_login_are_chinese(db, production_errors, url, status, texts):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == status
    html = response.content.decode()
    for text in texts:
        assert text in html, text


def test_csrf_failure_page_is_chinese(db, production_errors):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_admin_index_is_chinese(client, system_admin):
    client.force_login(system_admin)
    html = client.get("/admin/").content.decode()
    for text in [
        "系统管理",
        "账号与组织",
        "事项目录",
        "部门",
        "工作日历年度",
        "最近动作",
        "修改密码",
    ]:
        assert text in html, text


def test_admin_is_closed_to_citizens(client, citizen):
    client.force_login(citizen.user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_openapi_schema(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/v1/me/" in body
    assert "金普新区政务服务一窗受理平台 API" in body


def test_swagger_ui_is_served_locally(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    for cdn in ["cdn.jsdelivr", "unpkg.com", "cdnjs"]:
        assert cdn not in html
    for source in sources:
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source


@pytest.mark.parametrize(
    ("url", "signed_in"),
    [("/", True), ("/accounts/profile/", True), ("/accounts/login/", False), ("/", False)],
)
def test_pages_reference_no_cdn(client, citizen, url, signed_in):
    if signed_in:
        client.force_login(citizen.user)
    response = client.get(url)
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert any(s.startswith("/static/vendor/bootstrap/") for s in sources)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
