"""Who answers for a clock that an app above approvals starts: a hook, not an import.

Feedback's rectification orders run their deadlines on approvals' ``Clock`` rows
(``ClockKind.RECTIFICATION``), so the one minute sweep lights them, warns and opens the
督办 records, as for the case clocks. Only the app that started such a clock knows the
unit that answers for it (a hall's clerks, or a department's approvers) and how to name
it, so it registers, in its ``AppConfig.ready()``, a resolver for its kind: given the
ids of its clocks the sweep is about to announce, the owner of each. Approvals never
imports that app; a clock of a kind nobody registered is announced to the approvers of
its department, as before.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ClockOwner:
    """The unit that answers for a clock, as the sweep's messages and 督办 name it."""

    key: str  # groups the warnings: one message per owner and light, e.g. "hall:3"
    name: str  # the unit, e.g. "金普厅" or a department's name
    subject: str  # the clock in a sentence, e.g. "差评整改单 #12（JP2026…）整改时限"
    recipients: tuple = field(default=())  # the users warned
    url: str = ""  # the page to act on, for a message about one clock


Resolver = Callable[[list[int]], dict[int, ClockOwner]]
_RESOLVERS: dict[str, Resolver] = {}


def register(kind: str, resolver: Resolver) -> None:
    """``resolver(clock_ids) -> {clock_id: ClockOwner}`` for the clocks of ``kind``."""
    _RESOLVERS[str(kind)] = resolver


def is_registered(kind: str) -> bool:
    return str(kind) in _RESOLVERS


def owners_of(clocks: Iterable[tuple[int, str]]) -> dict[int, ClockOwner]:
    """The owners of (clock id, kind) pairs of the registered kinds: one call per kind."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for clock_id, kind in clocks:
        if str(kind) in _RESOLVERS:
            by_kind[str(kind)].append(clock_id)
    owners: dict[int, ClockOwner] = {}
    for kind, ids in by_kind.items():
        owners.update(_RESOLVERS[kind](sorted(set(ids))))
    return owners
