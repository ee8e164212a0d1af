"""What each role can do, as the home page lists it.

Apps register their entries in their AppConfig.ready() with ``register_action`` so
that accounts, low in the import order, never imports the apps above it.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .constants import Role


@dataclass(frozen=True)
class HomeAction:
    title: str
    description: str
    url_name: str
    icon: str = "bi-arrow-right-circle"
    order: int = 100

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


_ACTIONS: dict[str, list[HomeAction]] = {}
ANONYMOUS = "anonymous"


def register_action(role: Role | str, action: HomeAction) -> None:
    entries = _ACTIONS.setdefault(str(role), [])
    if action not in entries:
        entries.append(action)


def actions_for(user) -> list[tuple[str, list[HomeAction]]]:
    """[(role label, [actions with a resolvable URL])] for the user's roles, in Role order."""
    if not user.is_authenticated:
        keys = [(ANONYMOUS, "公共服务")]
    else:
        keys = [(role.value, role.label) for role in Role if user.has_role(role)]
    sections = []
    for key, label in keys:
        entries = sorted(
            (a for a in _ACTIONS.get(key, []) if a.url), key=lambda a: (a.order, a.title)
        )
        sections.append((str(label), entries))
    return sections


@dataclass(frozen=True)
class HomeAlert:
    """Something waiting for the user, shown on the home page and as a menu item with a
    count (on a phone, in the collapsed menu)."""

    text: str  # the home page's sentence
    count: int
    url: str
    label: str  # the menu item's name, shown with the count
    icon: str = "bi-bell"
    level: str = "info"  # a Bootstrap alert colour: info, warning


_ALERTS: dict[str, list] = {}


def register_alerts(role: Role | str, provider) -> None:
    """``provider(user) -> list[HomeAlert]``, called for users of ``role``."""
    providers = _ALERTS.setdefault(str(role), [])
    if provider not in providers:
        providers.append(provider)


def alerts_for(user) -> list[HomeAlert]:
    """The alerts of the user's roles that have something waiting (count above 0)."""
    if not user.is_authenticated:
        return []
    alerts = []
    for role in Role:
        if user.has_role(role):
            for provider in _ALERTS.get(role.value, []):
                alerts.extend(a for a in provider(user) if a.count > 0)
    return alerts
