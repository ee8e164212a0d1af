"""What the sweep and re-derivation tests look at: the messages the sweep sends and the
lights stored (the clocks themselves come from ``tests.factories.start_clock``)."""

from approvals.models import Clock
from jinpu_portal.models import Notification


def messages_to(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def lights(*clocks) -> list[tuple[int, int]]:
    """(light, warned_level) of each clock as stored."""
    stored = {
        pk: (light, warned)
        for pk, light, warned in Clock.objects.filter(
            pk__in=[clock.pk for clock in clocks]
        ).values_list("pk", "light", "warned_level")
    }
    return [stored[clock.pk] for clock in clocks]
