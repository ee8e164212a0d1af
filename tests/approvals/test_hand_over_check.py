"""The delivery register (出件登记): each row links to its case and result document, shows
ID numbers masked, and the hand-over checks the recipient's ID card: the typed number
must be the applicant's or the registered agent's, with the name that goes with it."""

import re

import pytest
from django.core.exceptions import ValidationError

from approvals.constants import DeliveryStatus
from approvals.services.delivery import delivery_hand_over
from approvals.services.tasks import task_approve
from tests.factories import CitizenFactory, accept_case

pytestmark = pytest.mark.django_db

WANG = "11010519491231002X"  # the citizen fixture (王芳)


def concluded(case, approver, capture):
    with capture(execute=True):
        for stage in (1, 2):
            task_approve(task=case.tasks.get(stage=stage), actor=approver, opinion="同意")
    case.refresh_from_db()
    return case


@pytest.fixture
def ready(accept, sequential_version, spj_approver, django_capture_on_commit_callbacks):
    return concluded(accept(sequential_version), spj_approver, django_capture_on_commit_callbacks)


def test_the_register_links_case_and_result_and_masks_numbers(client, clerk, ready):
    client.force_login(clerk)
    html = client.get("/approvals/counter/").content.decode()
    assert (
        f'href="/approvals/cases/{ready.pk}/" data-testid="case-link">{ready.case_number}' in html
    )
    assert f'href="/approvals/cases/{ready.pk}/result/" data-testid="result-link"' in html
    assert WANG not in html
    assert "110105********002X" in html
    assert client.get(f"/approvals/cases/{ready.pk}/result/").status_code == 200


@pytest.mark.parametrize(
    ("name", "number", "message"),
    [
        ("王芳", "", "请核验领取人身份证件"),
        ("王芳", "110105194912310021", "公民身份号码校验位错误"),
        ("王芳", "360426199101010071", "与该办件的申请人（经办人）及登记的代办人均不一致"),
        ("王小芳", WANG, "领取人姓名与证件号码不一致（该号码登记为 王芳）"),
    ],
)
def test_a_wrong_recipient_is_refused_and_nothing_recorded(clerk, ready, name, number, message):
    with pytest.raises(ValidationError, match=message.replace("（", ".").replace("）", ".")):
        delivery_hand_over(
            delivery=ready.delivery, actor=clerk, recipient_name=name, recipient_id_number=number
        )
    ready.delivery.refresh_from_db()
    assert ready.delivery.status == DeliveryStatus.PENDING


def test_the_page_says_why_it_refused(client, clerk, ready):
    client.force_login(clerk)
    response = client.post(
        f"/approvals/deliveries/{ready.delivery.pk}/hand-over/",
        {"recipient_name": "王芳", "recipient_id_number": "360426199101010071"},
        follow=True,
    )
    html = response.content.decode()
    assert "不能出件" in html
    assert "核验并登记领取" in html  # still waiting


def hand_over(case, clerk, name, number):
    delivery_hand_over(
        delivery=case.delivery, actor=clerk, recipient_name=name, recipient_id_number=number
    )
    case.delivery.refresh_from_db()
    return case.delivery


def test_the_applicant_with_a_full_width_number_or_the_agent_may_collect(
    clerk, citizen, sequential_version, spj_approver, django_capture_on_commit_callbacks, ready
):
    delivery = hand_over(ready, clerk, "王芳", "１１０１０５１９４９１２３１００２ｘ")
    assert (delivery.status, delivery.recipient_name) == ("delivered", "王芳")

    agent = CitizenFactory(name="代领人", id_number="360426199101010071", user=None)
    case = accept_case(sequential_version, clerk=clerk, applicant=citizen, agent=agent)
    case = concluded(case, spj_approver, django_capture_on_commit_callbacks)
    assert hand_over(case, clerk, "代领人", "360426199101010071").status == "delivered"


def test_a_refused_hand_over_keeps_what_was_typed(client, clerk, ready):
    """A refused 窗口领取 shows 出件登记 again, with the list searched as it was, the
    name and number typed in the row and the error next to them (400); handed over by
    another window meanwhile, a 409 with the name typed above the list. Nothing is
    recorded by a refused one."""
    delivery = ready.delivery
    client.force_login(clerk)
    url = f"/approvals/deliveries/{delivery.pk}/hand-over/?q={ready.case_number}"
    field = f"delivery{delivery.pk}_recipient"

    wrong = "360426199101010071"  # a valid number, not the applicant's
    response = client.post(url, {"recipient_name": "王芳", "recipient_id_number": wrong})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'id="{field}_name"[^>]*value="王芳"', html)
    assert re.search(rf'id="{field}_id_number"[^>]*value="{wrong}" aria-invalid="true"', html)
    assert not re.search(rf'id="{field}_name"[^>]*aria-invalid', html)
    assert f'id="delivery-errors-{delivery.pk}" role="alert"' in html
    assert "不能出件" in html
    assert f'name="q" value="{ready.case_number}"' in html
    assert f'hand-over/?q={ready.case_number}"' in html  # sent again, the same search

    response = client.post(url, {"recipient_name": "王芳", "recipient_id_number": WANG[:-1] + "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "公民身份号码校验位错误" in html
    assert re.search(rf'id="{field}_id_number"[^>]*value="{WANG[:-1]}1" aria-invalid', html)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING

    hand_over(ready, clerk, "王芳", WANG)  # another window, meanwhile
    response = client.post(url, {"recipient_name": "王小芳", "recipient_id_number": WANG})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="refused-delivery"' in html
    assert "不能重复登记" in html
    assert "王小芳" in html
    assert WANG not in html
    delivery.refresh_from_db()
    assert delivery.recipient_name == "王芳"
