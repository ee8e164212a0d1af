"""What the hall's page tests share: a hall with categories A and B, the clerk of
window 3 seated there with the window open, and a ticket issued through the page."""

from dataclasses import dataclass

from django.urls import reverse

from hall.models import ServiceCategory
from hall.services.windows import window_open, window_set_categories
from intake.constants import MaterialStatus, RefusalKind
from tests.factories import ServiceCategoryFactory


@dataclass
class HallScene:
    hall: object
    window: object
    a: ServiceCategory
    b: ServiceCategory


def hall_scene(clerk, supervisor) -> HallScene:
    """金普厅 (the ``clerk`` fixture's hall) with A 企业登记 and B 工程建设; window 3
    (the clerk's) serves both and is open with the clerk seated."""
    window = clerk.staff_profile.window
    hall = window.hall
    a = ServiceCategoryFactory(hall=hall, letter="A", name="企业登记", order=1)
    b = ServiceCategoryFactory(hall=hall, letter="B", name="工程建设项目", order=2)
    window_set_categories(window=window, category_ids=[a.pk, b.pk], actor=supervisor)
    window_open(window=window, actor=clerk)
    return HallScene(hall=hall, window=window, a=a, b=b)


def take_ticket(client, hall, category, **fields):
    """Issue a ticket through the ticket page (anonymous unless ``client`` is signed in):
    the response of the redirect to the issued ticket."""
    data = {"category": category.pk, **fields}
    response = client.post(reverse("hall:ticket", args=[hall.code]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def act(client, action, ticket=None, **fields):
    data = {"action": action, **fields}
    if ticket is not None:
        data["ticket"] = ticket.pk
    return client.post(reverse("hall:panel-act"), data)


#: The counter intake form's fields of each outcome (tests.intake.test_counter.form_data's
#: keywords besides the outcome): a refusal's kind and reason, a correction's defect.
OUTCOME_FIELDS = {
    "accept": {},
    "refuse": {"refusal_kind": RefusalKind.NOT_ELIGIBLE, "refusal_reason": "不符合条件"},
    "correction": {
        "overrides": {"申请表": {"status": MaterialStatus.DEFECTIVE, "reason": "缺少申请人签字"}}
    },
}
