"""Who may see who rated (rule 6), for ratings recorded through the rating service:
supervisors, and the unit handling a 差评 (the window's hall for the intake, the deciding
department for the conclusion); nobody else, and nobody for a good rating but
supervisors (the rule is feedback.selectors.StaffScope.sees_rater)."""

import pytest

from feedback.constants import Level, RatingChannel, Stage
from feedback.models import ServiceInstance
from feedback.selectors import staff_scope_for
from tests.factories import (
    ApproverFactory,
    ClerkFactory,
    UserFactory,
    department,
    make_supervisor,
    rating_of,
)

pytestmark = pytest.mark.django_db


USERS = (
    "same_hall_clerk",
    "other_hall_clerk",
    "deciding_approver",
    "other_approver",
    "supervisor",
    "citizen",
)


@pytest.fixture
def people(concluded):
    conclusion = ServiceInstance.objects.get(application=concluded, stage=Stage.CONCLUSION)
    intake = ServiceInstance.objects.get(application=concluded, stage=Stage.INTAKE)
    supervisor = make_supervisor()
    return {
        "intake": intake,
        "conclusion": conclusion,
        "same_hall_clerk": ClerkFactory(hall_code=intake.hall.code, hall_name=intake.hall.name),
        "other_hall_clerk": ClerkFactory(hall_code="JZ", hall_name="金州厅"),
        "deciding_approver": ApproverFactory(departments=[conclusion.department]),
        "other_approver": ApproverFactory(departments=[department("ZJJ", "住建局")]),
        "supervisor": supervisor,
        "citizen": UserFactory(citizen=True),
    }


def rater_shown_to(*, user, rating) -> bool:
    return staff_scope_for(user=user).sees_rater(rating)


def test_a_bad_intake_rating_shows_its_rater_to_the_hall_and_supervisors(people, concluded):
    rating = rating_of(people["intake"], Level.DISSATISFIED)  # online, by the applicant
    shown = {name for name in USERS if rater_shown_to(user=people[name], rating=rating)}
    assert shown == {"same_hall_clerk", "supervisor"}
    assert rating.rater == concluded.applicant.user  # rated online by the applicant


def test_a_bad_conclusion_rating_shows_its_rater_to_the_deciding_department(people):
    rating = rating_of(people["conclusion"], Level.VERY_DISSATISFIED, channel=RatingChannel.QR)
    assert rater_shown_to(user=people["deciding_approver"], rating=rating)
    assert not rater_shown_to(user=people["other_approver"], rating=rating)
    assert not rater_shown_to(user=people["same_hall_clerk"], rating=rating)
    assert rating.rater is None  # by the QR code's link, no account


def test_a_good_rating_shows_its_rater_to_supervisors_only(people):
    rating = rating_of(people["intake"], Level.SATISFIED)
    assert rater_shown_to(user=people["supervisor"], rating=rating)
    for name in ("same_hall_clerk", "deciding_approver", "citizen"):
        assert not rater_shown_to(user=people[name], rating=rating), name
