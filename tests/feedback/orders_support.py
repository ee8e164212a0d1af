"""What the 差评整改 tests share: a 差评 of a case's intake or conclusion (until the
rating service lands, through ``tests.factories.rating_of`` and the signal it will
send), and the order's record as codes."""

from django.utils import timezone

from approvals.services.tasks import task_approve, task_claim
from feedback.constants import Finding, Level, Stage, VisitLevel
from feedback.models import Rating, RectificationOrder
from feedback.services.orders import order_call_back, order_reply, order_visit
from feedback.signals import bad_rating_recorded
from jinpu_portal.models import Notification
from tests.factories import rating_of, service_instance


def bad_rating(case, stage=Stage.INTAKE, level=Level.DISSATISFIED, **fields) -> Rating:
    """A 差评 of the case's intake (or conclusion) and its order. Sending the signal
    again after a rating service that sent it already opens nothing twice."""
    fields.setdefault("rated_at", timezone.now())
    rating = rating_of(service_instance(case, stage), level, **fields)
    bad_rating_recorded.send(sender=Rating, rating=rating, actor=rating.rater)
    return rating


def order_of(rating) -> RectificationOrder:
    return RectificationOrder.objects.get(rating=rating)


def record(order) -> list[str]:
    return list(order.events.order_by("at", "id").values_list("action", flat=True))


def messages_to(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def conclude(case, approver):
    """Approve the case's open task(s): the case concludes."""
    for task in case.tasks.filter(status__in=("open", "claimed")):
        if task.status == "open":
            task_claim(task=task, actor=approver)
        task_approve(task=task, actor=approver, opinion="同意。")
    case.refresh_from_db()
    return case


def rectified(order, unit, visit=VisitLevel.SATISFIED) -> RectificationOrder:
    """The unit calls back, rectifies and replies, then records the citizen's ``visit``
    (a telephone return visit)."""
    order_call_back(order=order, actor=unit, finding=Finding.TRUE, note="已联系群众核实。")
    order_reply(order=order, actor=unit, text="已整改。")
    order_visit(order=order, actor=unit, level=visit)
    order.refresh_from_db()
    return order


def refused(client, url, data, status=400) -> str:
    """Post ``data`` to a page that refuses it: the page shown again, with ``status``."""
    response = client.post(url, data)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()
