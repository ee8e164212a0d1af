"""Error pages, admin and API docs in Chinese, everything served locally."""

import re

import pytest
from django.test import Client


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False


@pytest.mark.urls("tests.jinpu_portal.error_urls")
def test_403_page_is_chinese(client, db, production_errors):
    response = client.get("/test-403/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html
    assert "返回首页" in html
    assert '<html lang="zh-CN">' in html


def test_404_page_is_chinese(client, db, production_errors):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "金普新区政务服务" in html


@pytest.mark.urls("tests.jinpu_portal.error_urls")
def test_500_page_is_chinese(db, production_errors):
    client = Client(raise_request_exception=False)
    response = client.get("/test-500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统繁忙" in html
    assert "8890" in html


def test_csrf_failure_page_is_chinese(db, production_errors):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_admin_login_is_chinese(client, db):
    html = client.get("/admin/login/").content.decode()
    assert "金普新区政务服务一窗受理平台 · 管理后台" in html
    assert "用户名" in html
    assert "密码" in html
    assert "登录" in html
    assert 'lang="zh-hans"' in html


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
