"""Each rateable act opens its service instance (一次一评) in its own transaction, with
the dimensions the figures roll up by: the window's intake when a case is accepted,
deemed accepted or refused; the conclusion when a department decides or a 即办件 is
concluded at the counter. The period is FEEDBACK_RATING_DAYS from the service."""

import datetime

import pytest

from feedback.constants import InstanceState, Stage
from feedback.models import ServiceInstance
from intake.constants import Channel as IntakeChannel
from intake.services.cases import counter_receive, intake_accept
from tests.factories import (
    ApplicationFactory,
    all_received,
    counter_draft,
    department,
)

pytestmark = pytest.mark.django_db


def test_acceptance_opens_the_window_service(case, clerk):
    [instance] = ServiceInstance.objects.filter(application=case)
    assert instance.stage == Stage.INTAKE
    assert instance.state == InstanceState.OPEN
    assert instance.item_id == case.item_version.item_id
    assert instance.department == case.item_version.department
    assert instance.window == clerk.staff_profile.window
    assert instance.hall == clerk.staff_profile.window.hall
    assert instance.staff == clerk
    assert instance.served_at == case.accepted_at
    assert instance.rate_until == case.accepted_at + datetime.timedelta(days=7)


def test_the_period_comes_from_the_settings(settings, item, clerk, applicant):
    settings.FEEDBACK_RATING_DAYS = 3
    case = counter_draft(clerk, applicant, item)
    counter_receive(application=case, actor=clerk)
    case = intake_accept(application=case, actor=clerk, verdicts=all_received(case))
    instance = ServiceInstance.objects.get(application=case)
    assert instance.rate_until - instance.served_at == datetime.timedelta(days=3)


def test_the_accepting_unit_nearby_is_the_intakes_department(clerk, applicant):
    from tests.factories import accept_case, make_version

    park = department("YQ", "金普新区某园区", kind="park")
    spj = department("SPJ", "金普新区行政审批局")
    version = make_version(department=spj, steps=[(1, "审查", spj, 5)])
    version.accepting_units.add(park)
    case = accept_case(version, clerk=clerk, applicant=applicant, accepting_unit=park)
    assert ServiceInstance.objects.get(application=case).department == park


def test_a_refusal_opens_the_window_service():
    refused = ApplicationFactory(refused=True)
    [instance] = ServiceInstance.objects.filter(application=refused)
    assert instance.stage == Stage.INTAKE
    assert instance.staff == refused.events.get(action="refuse").actor
    assert refused.window_id is not None
    assert instance.window_id == refused.window_id


@pytest.mark.parametrize("state", ["submitted", "correction_requested", "withdrawn"])
def test_nothing_to_rate_before_acceptance_nor_after_a_withdrawal(state):
    """A correction notice is no rateable act, and an application is withdrawn only
    before it is accepted: such a case has no service to rate."""
    application = ApplicationFactory(**{state: True})
    assert not ServiceInstance.objects.filter(application=application).exists()


def test_a_decision_opens_the_conclusion_of_the_deciding_department(concluded):
    intake, conclusion = ServiceInstance.objects.filter(application=concluded).order_by("served_at")
    assert (intake.stage, conclusion.stage) == (Stage.INTAKE, Stage.CONCLUSION)
    task = concluded.tasks.get()
    assert conclusion.department == task.department
    assert conclusion.staff == task.assignee
    assert conclusion.staff.full_name == "审批乙某"
    assert conclusion.window is None  # a window's figures count its own service only
    assert conclusion.hall_id == concluded.hall_id
    assert conclusion.served_at == concluded.concluded_at
    assert intake.staff.full_name == "窗口甲某"


def test_an_immediate_case_concluded_at_the_counter_opens_both(clerk, applicant, immediate_item):
    case = counter_draft(clerk, applicant, immediate_item)
    counter_receive(application=case, actor=clerk)
    case = intake_accept(
        application=case,
        actor=clerk,
        verdicts=all_received(case),
        conclude_immediately=True,
    )
    stages = dict(ServiceInstance.objects.filter(application=case).values_list("stage", "staff"))
    assert stages == {Stage.INTAKE: clerk.pk, Stage.CONCLUSION: clerk.pk}
    conclusion = ServiceInstance.objects.get(application=case, stage=Stage.CONCLUSION)
    assert conclusion.window_id == case.window_id


def test_a_deemed_acceptance_is_rateable_from_when_it_is_recorded(applicant, item):
    from django.utils import timezone

    from tests.factories import submit_online

    case = submit_online(applicant, item)
    before = timezone.now()
    intake_accept(application=case, actor=None, auto=True)
    instance = ServiceInstance.objects.get(application=case)
    assert instance.staff is None
    assert instance.window is None
    assert instance.served_at >= before  # not the day it arrived: the period is whole
    assert case.channel == IntakeChannel.ONLINE


def test_no_instance_before_a_case_is_accepted():
    submitted = ApplicationFactory(submitted=True)
    assert not ServiceInstance.objects.filter(application=submitted).exists()
