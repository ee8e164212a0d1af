"""The public progress query (办件进度查询): case number plus the verification code of a
notice issued on that case; status, steps and dates only, never names; a wrong pair gets
one neutral answer and an address that keeps guessing is refused for a while."""

import pytest

from intake.constants import NoticeKind
from intake.services.cases import counter_receive, intake_accept
from tests.factories import all_received, counter_draft
from tests.intake.test_counter import form_data, intake_url

URL = "/intake/progress/"


@pytest.fixture
def case(client, clerk, applicant, item):
    client.force_login(clerk)
    assert client.post(intake_url(item, applicant), form_data(item)).status_code == 302
    client.logout()
    return applicant.applications.get()


def acceptance_code(case):
    return case.notices.get(kind=NoticeKind.ACCEPTANCE).verification_code


def test_the_right_pair_shows_status_steps_and_dates_but_no_names(client, case, clerk):
    response = client.post(
        URL, {"case_number": f" {case.case_number} ", "code": acceptance_code(case).lower()}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="progress-result"' in html
    assert case.item_version.name in html
    assert case.get_status_display() in html
    assert "已受理" in html  # the step
    assert "草稿" not in html
    assert f"{case.promised_due_date:%Y-%m-%d}" in html
    for private in (
        case.applicant.name,
        case.applicant.id_number,
        case.applicant.masked_id_number,
        clerk.full_name,
        clerk.username,
        str(case.window),
    ):
        assert private not in html, private
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )


def test_wrong_pairs_get_one_neutral_answer(client, case, clerk, applicant, item):
    other = counter_draft(clerk, applicant, item)
    counter_receive(application=other, actor=clerk)
    other = intake_accept(application=other, actor=clerk, verdicts=all_received(other))
    answers = [
        client.post(URL, data)
        for data in (
            {"case_number": case.case_number, "code": "ABCDEFGHJK"},
            {"case_number": "JP20990101000001", "code": acceptance_code(case)},
            {"case_number": case.case_number, "code": acceptance_code(other)},
            {"case_number": "", "code": ""},
        )
    ]
    assert {a.status_code for a in answers} == {404}
    errors = {
        a.content.decode().split('data-testid="progress-error">')[1].split("</div>")[0]
        for a in answers
    }
    assert errors == {"办件编号或验证码不正确，请核对受理通知书后重新输入。"}
    assert all("progress-result" not in a.content.decode() for a in answers)


def test_an_address_that_keeps_guessing_is_refused_for_a_while(client, case):
    for _ in range(10):
        assert (
            client.post(URL, {"case_number": case.case_number, "code": "WRONGCODE2"}).status_code
            == 404
        )
    right = client.post(URL, {"case_number": case.case_number, "code": acceptance_code(case)})
    assert right.status_code == 429
    assert "查询失败次数过多" in right.content.decode()
    assert "progress-result" not in right.content.decode()
    # Another address is not affected.
    elsewhere = client.post(
        URL,
        {"case_number": case.case_number, "code": acceptance_code(case)},
        REMOTE_ADDR="10.0.0.9",
    )
    assert elsewhere.status_code == 200


def test_the_form_is_public(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "办件编号" in response.content.decode()
