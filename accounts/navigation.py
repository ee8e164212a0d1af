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


def _register(table: dict[str, list], role: Role | str, provider) -> None:
    providers = table.setdefault(str(role), [])
    if provider not in providers:
        providers.append(provider)


def _providers(table: dict[str, list], user) -> list:
    """The providers of ``table`` registered for the user's roles, in Role order, each
    once (one registered for several roles is asked once)."""
    if not user.is_authenticated:
        return []
    providers = []
    for role in Role:
        if user.has_role(role):
            providers.extend(p for p in table.get(role.value, []) if p not in providers)
    return providers


def register_alerts(role: Role | str, provider) -> None:
    """``provider(user) -> list[HomeAlert]``, called for users of ``role``."""
    _register(_ALERTS, role, provider)


def alerts_for(user) -> list[HomeAlert]:
    """The alerts of the user's roles that have something waiting (count above 0)."""
    return [a for provider in _providers(_ALERTS, user) for a in provider(user) if a.count > 0]


@dataclass(frozen=True)
class HomeNotice:
    """A standing state the user's role must know of (not work waiting, so no count and
    no menu item): a banner on the home page, with a link for those who may act on it."""

    text: str
    url: str | None = None  # where to act on it; None for those who may not
    link_text: str = ""
    icon: str = "bi-exclamation-triangle"
    level: str = "warning"  # a Bootstrap alert colour


_NOTICES: dict[str, list] = {}


def register_notices(role: Role | str, provider) -> None:
    """``provider(user) -> list[HomeNotice]``, called for users of ``role``."""
    _register(_NOTICES, role, provider)


def notices_for(user) -> list[HomeNotice]:
    """The notices of the user's roles; a provider registered for several of them is
    asked once."""
    return [n for provider in _providers(_NOTICES, user) for n in provider(user)]
