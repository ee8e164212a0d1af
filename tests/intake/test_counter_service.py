"""intake.services.counter: the counter's orchestration that the workbench pages and
the clerks' API share, called directly."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Enterprise
from intake.constants import CaseStatus, IntakeOutcome, MaterialStatus
from intake.errors import IntakeError
from intake.models import Application, BundleApplication
from intake.services import counter
from tests.factories import (
    ItemVersionFactory,
    credit_code,
    make_bundle,
    material,
    resident_id,
)

pytestmark = pytest.mark.django_db

PARTICULARS = {"delivery_method": "window", "contact_phone": "13900000001"}


def test_a_number_registered_meanwhile_is_a_clear_chinese_error(clerk, applicant, monkeypatch):
    """Another clerk registered the number between the page's lookup and the insert:
    a Chinese message, and no enterprise is left behind either."""
    monkeypatch.setattr(counter, "citizen_by_id_number", lambda number: None)
    with pytest.raises(ValidationError, match="已由他人完成实名认证"):
        counter.applicant_register_at_window(
            id_number=applicant.id_number,
            clerk=clerk,
            person={"name": "李华", "phone": "13900000001"},
            credit_code=credit_code(778),
            organisation={"name": "大连李华商贸有限公司", "legal_representative": "李华"},
        )
    assert not Enterprise.objects.filter(credit_code=credit_code(778)).exists()


def test_a_new_person_and_enterprise_are_registered_together(clerk):
    citizen, enterprise = counter.applicant_register_at_window(
        id_number=resident_id(777),
        clerk=clerk,
        person={"name": "周敏", "phone": "13900000077"},
        credit_code=credit_code(777),
        organisation={"name": "大连周敏商贸有限公司", "legal_representative": "周敏"},
    )
    assert citizen.name == "周敏"
    assert enterprise.credit_code == credit_code(777)
    assert enterprise.name == "大连周敏商贸有限公司"


@pytest.mark.parametrize(
    ("outcome", "agent", "message"),
    [
        (IntakeOutcome.CORRECTION, {}, "没有需要补正的材料"),
        (
            IntakeOutcome.ACCEPT,
            {"by_agent": True, "agent_name": "别人"},
            "代办人姓名与登记信息不一致",
        ),
    ],
)
def test_a_refused_counter_intake_leaves_no_application(
    clerk, applicant, item, outcome, agent, message
):
    """A correction with nothing to correct, an agent whose name does not match."""
    if agent:
        agent["agent_id_number"] = applicant.id_number
    with pytest.raises(IntakeError, match=message):
        counter.counter_intake(
            item_version=item,
            applicant=applicant,
            actor=clerk,
            particulars={**PARTICULARS, **agent},
            verdicts=[],
            outcome={"outcome": outcome},
        )
    assert not Application.objects.exists()


def test_a_bundle_correction_goes_only_to_the_items_with_a_problem(clerk, applicant):
    shop = ItemVersionFactory(name="食品经营许可")
    sign = ItemVersionFactory(
        name="户外招牌设置", materials=[material("申请表"), material("招牌设计图")]
    )
    bundle = make_bundle("open-shop", [shop, sign])
    verdicts = {
        "申请表": {"status": MaterialStatus.RECEIVED, "originals": 1, "copies": 0},
        "场地使用证明": {"status": MaterialStatus.MISSING, "originals": 0, "copies": 0},
        "招牌设计图": {"status": MaterialStatus.RECEIVED, "originals": 1, "copies": 0},
    }
    bundle_application = counter.counter_bundle_intake(
        bundle=bundle,
        applicant=applicant,
        actor=clerk,
        particulars=PARTICULARS,
        verdicts=verdicts,
        outcome={"outcome": IntakeOutcome.CORRECTION},
    )
    statuses = {
        a.item_version.name: a.status
        for a in bundle_application.applications.select_related("item_version")
    }
    assert statuses == {
        "食品经营许可": CaseStatus.CORRECTION_REQUESTED,
        "户外招牌设置": CaseStatus.SUBMITTED,
    }


def test_a_bundle_correction_with_nothing_to_correct_leaves_nothing(clerk, applicant):
    shop = ItemVersionFactory(name="食品经营许可")
    bundle = make_bundle("only-shop", [shop])
    with pytest.raises(IntakeError, match="没有需要补正的材料"):
        counter.counter_bundle_intake(
            bundle=bundle,
            applicant=applicant,
            actor=clerk,
            particulars=PARTICULARS,
            verdicts={"申请表": {"status": MaterialStatus.RECEIVED}},
            outcome={"outcome": IntakeOutcome.CORRECTION},
        )
    assert not BundleApplication.objects.exists()
    assert not Application.objects.exists()
