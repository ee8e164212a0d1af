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
