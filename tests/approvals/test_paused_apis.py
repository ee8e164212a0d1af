"""While a case's limits are paused their due dates move by the pause, so intake's
citizen and clerk APIs and the approvals task API answer as the pages and the orders
API do: no due date, ``paused`` and the working days left, frozen (d53098b's fields);
the lists cost the same queries for one case or five."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from approvals.services.tasks import task_request_supplement

pytestmark = pytest.mark.django_db

# Promised limit: 10 working days from Mon 9/28, due 10/16; frozen on 9/29 with 9/30,
# 10/8-10/10, 10/12-10/16 left. The step: 4 working days left (tests/approvals/test_pages).
PROMISED = "已暂停，剩余 9 个工作日，恢复后顺延"
STEP = "已暂停，剩余 4 个工作日，恢复后顺延"


def _api(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def paused_case(at, accept, sequential_version, spj_approver):
    at(2026, 9, 28, 9)
    case = accept(sequential_version)
    running = accept(sequential_version)
    task = case.tasks.get()
    at(2026, 9, 29, 9)
    task_request_supplement(task=task, actor=spj_approver, items=["合同"])
    at(2026, 10, 12, 9)  # paused a fortnight
    case.refresh_from_db()
    return case, running, task


def _promised(data):
    return {
        key: data[key]
        for key in (
            "promised_due_date",
            "paused",
            "promised_paused_days_left",
            "promised_time_left",
        )
    }


def _running(application):
    return {
        "promised_due_date": application.promised_due_date.isoformat(),
        "paused": False,
        "promised_paused_days_left": None,
        "promised_time_left": None,
    }


PAUSED = {
    "promised_due_date": None,
    "paused": True,
    "promised_paused_days_left": 9,
    "promised_time_left": PROMISED,
}


def test_the_citizen_api_says_a_paused_limit_s_days_left(paused_case, citizen):
    case, running, _task = paused_case
    api = _api(citizen.user)
    rows = api.get("/api/v1/applications/").json()["results"]
    assert {row["id"]: row["promised_due_date"] for row in rows} == {
        case.pk: None,
        running.pk: running.promised_due_date.isoformat(),
    }
    listed = {
        row["id"]: _promised(row) for row in api.get("/api/v1/applications/").json()["results"]
    }
    assert listed == {case.pk: PAUSED, running.pk: _running(running)}
    assert _promised(api.get(f"/api/v1/applications/{case.pk}/").json()) == PAUSED


def test_the_clerk_api_says_a_paused_limit_s_days_left(paused_case, clerk):
    case, running, _task = paused_case
    api = _api(clerk)
    data = api.get(f"/api/v1/clerk/applications/{case.pk}/").json()
    assert (data["promised_due_date"], data["statutory_due_date"]) == (None, None)
    assert _promised(data) == PAUSED
    assert data["statutory_due_date"] is None
    assert data["statutory_paused_days_left"] > 9
    assert data["statutory_time_left"].startswith("已暂停，剩余 ")
    other = api.get(f"/api/v1/clerk/applications/{running.pk}/").json()
    assert _promised(other) == _running(running)
    assert (other["statutory_due_date"], other["statutory_time_left"]) == (
        running.statutory_due_date.isoformat(),
        None,
    )


def test_the_task_api_says_a_paused_clock_s_days_left(paused_case, spj_approver):
    case, running, task = paused_case
    api = _api(spj_approver)
    rows = {row["id"]: row for row in api.get("/api/v1/tasks/").json()["results"]}
    paused = rows[task.pk]
    assert paused["due_date"] is None
    assert (paused["due_date"], paused["paused"], paused["paused_days_left"]) == (None, True, 4)
    assert paused["time_left"]["label"] == STEP
    other = rows[running.tasks.get().pk]
    assert (other["due_date"], other["paused"], other["paused_days_left"]) == (
        running.tasks.get().clock.due_date.isoformat(),
        False,
        None,
    )
    detail = api.get(f"/api/v1/tasks/{task.pk}/").json()
    assert (detail["due_date"], detail["paused"], detail["time_left"]["label"]) == (
        None,
        True,
        STEP,
    )
    assert (detail["promised_due_date"], detail["promised_paused_days_left"]) == (None, 9)
    assert detail["promised_time_left"] == PROMISED
    assert detail["statutory_due_date"] is None


def test_the_schema_documents_the_paused_fields(client):
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    for name, prefix in [
        ("ApplicationList", "promised_"),
        ("ClerkApplicationDetail", "statutory_"),
        ("TaskList", ""),
        ("TaskDetail", "promised_"),
    ]:
        fields = schemas[name]["properties"]
        assert fields[f"{prefix}due_date"]["nullable"], name
        assert "暂停" in fields[f"{prefix}due_date"]["description"], name
        assert fields[f"{prefix}paused_days_left"]["nullable"], name
        assert fields["paused"]["type"] == "boolean", name


def _list_queries(api, url: str) -> tuple[int, list]:
    api.get(url)  # warm the process caches (calendar, versions)
    with CaptureQueriesContext(connection) as queries:
        rows = api.get(url).json()["results"]
    return len(queries), rows


def test_the_lists_cost_the_same_queries_for_one_paused_case_or_five(
    at, accept, sequential_version, spj_approver, citizen
):
    api = _api(citizen.user)
    at(2026, 9, 28, 9)
    cases = [accept(sequential_version)]
    at(2026, 9, 29, 9)
    task_request_supplement(task=cases[0].tasks.get(), actor=spj_approver, items=["合同"])
    one, rows = _list_queries(api, "/api/v1/applications/")
    assert [row["promised_time_left"] for row in rows] == [PROMISED]
    at(2026, 9, 28, 10)
    cases += [accept(sequential_version) for _ in range(4)]
    at(2026, 9, 29, 10)
    for case in cases[1:]:
        task_request_supplement(task=case.tasks.get(), actor=spj_approver, items=["合同"])
    five, rows = _list_queries(api, "/api/v1/applications/")
    assert [row["promised_time_left"] for row in rows] == [PROMISED] * 5
    print(f"citizen list: {one} queries for 1 paused case, {five} for 5")
    assert one == five
