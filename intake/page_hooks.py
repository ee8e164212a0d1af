"""What the apps above intake add to intake's pages about one case, without intake
importing them (as ``accounts.navigation`` does for the home page): each registers a
provider from its ``AppConfig.ready()``.

- Public links (``register_public_case_links``): shown on the public pages reached with
  a case's verification code, the notice check (``intake:verify``, where the notices'
  QR code leads) and the progress query (``intake:progress``), i.e. only to whoever
  holds the notice. ``provider(application) -> list[CaseLink]``; feedback offers the
  rating link of each service still open for rating there.
- Applicant panels (``register_applicant_case_panel``): a card on the applicant's page
  of the case (``intake:my_application``). ``provider(application, user) -> CasePanel |
  None``, rendered with its own template (a template of the registering app) and
  context; approvals shows 办理结果 on a concluded case, feedback the case's services with
  去评价 and the ratings given.
- Workbench banners (``register_workbench_banner``): a bar at the top of the clerk's
  workbench pages about the clerk's window, and a line added to the message of an
  outcome given there (accepted, refused, sent back for correction). Its facts come in
  the statement that loads the window on every workbench page
  (``intake.selectors.workbench_window``): ``annotations()`` are expressions over the
  ``Window`` row (``OuterRef("pk")`` is the window; names prefixed by the app), read
  back from the window by ``panel(window) -> CasePanel | None`` and ``reminder(window)
  -> str`` ("" for none), so a banner costs no statement of its own. The hall shows the
  ticket in service at the window with 结束办理 (``hall.workbench``). A banner may also
  name the visit in progress there (``visit(window) -> WorkbenchVisit | None``: the
  hall's ticket in service), which the review of an online application offers to mark
  as the one the application's outcome belongs to (本次叫号群众办理): the outcome's
  signal then carries its ``key`` as ``visit=`` (``workbench_visit``). The review page's
  box and the clerks' API's ``visit`` are checked by the same rule (``visit_offered``,
  ``visit_refusal``): a mark for a visit that changed or ended is refused. The receiver
  that links the outcome to the visit raises the same refusal (``VisitRefused``) when
  the visit ended after that check, so the outcome and its link are one act.
- Paused limits (``register_paused_limits``): while a case's promised or statutory
  limit is paused (补正, 听证, 鉴定...), its due date moves by the paused working days,
  so the pages and the APIs showing ``promised_due_date`` / ``statutory_due_date``
  show what the clock says instead. ``provider(applications) -> {application pk:
  {kind: PausedLimit}}`` for a whole list in one query; approvals answers from its
  clocks (``approvals.selectors.paused_limit_details``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .constants import Channel
from .errors import IntakeError


@dataclass(frozen=True)
class CaseLink:
    text: str
    url: str
    description: str = ""
    icon: str = "bi-arrow-right-circle"


@dataclass(frozen=True)
class CasePanel:
    template: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PausedLimit:
    """A paused limit of a case: the working days left, frozen from the first day of
    the pause (negative: overdue already; ``Clock.paused_days_left``), and the same in
    words ("剩余 5 个工作日，恢复后顺延"; ``Clock.paused_left``)."""

    days_left: int
    text: str


@dataclass(frozen=True)
class WorkbenchVisit:
    """The visit in progress at a window (the hall: its ticket in service): ``key``
    goes back with an outcome the clerk marks as given for it (the ticket's id),
    ``label`` names it to the clerk (A001 号)."""

    key: str
    label: str


def _no_visit(window) -> WorkbenchVisit | None:
    return None


@dataclass(frozen=True)
class WorkbenchBanner:
    annotations: Callable[[], dict]
    panel: Callable[[object], CasePanel | None]
    reminder: Callable[[object], str]
    visit: Callable[[object], WorkbenchVisit | None] = _no_visit


_PUBLIC_LINKS: list = []
_APPLICANT_PANELS: list = []
_WORKBENCH_BANNERS: list = []
_PAUSED_LIMITS: list = []


def register_public_case_links(provider) -> None:
    if provider not in _PUBLIC_LINKS:
        _PUBLIC_LINKS.append(provider)


def register_applicant_case_panel(provider) -> None:
    if provider not in _APPLICANT_PANELS:
        _APPLICANT_PANELS.append(provider)


def register_workbench_banner(banner: WorkbenchBanner) -> None:
    if banner not in _WORKBENCH_BANNERS:
        _WORKBENCH_BANNERS.append(banner)


def register_paused_limits(provider) -> None:
    if provider not in _PAUSED_LIMITS:
        _PAUSED_LIMITS.append(provider)


def paused_limit_details(applications) -> dict[int, dict[str, PausedLimit]]:
    """Application pk → its paused limits, kind ("promised", "statutory") →
    ``PausedLimit``, for those of ``applications`` with one paused: one query for the
    whole list (none when none of them has a due date)."""
    applications = list(applications)
    limits: dict[int, dict[str, PausedLimit]] = {}
    for provider in _PAUSED_LIMITS:
        for pk, kinds in provider(applications).items():
            limits.setdefault(pk, {}).update(kinds)
    return limits


def paused_limits(applications) -> dict[int, dict[str, str]]:
    """``paused_limit_details`` in words: kind → what the pages show instead of that
    due date ("剩余 5 个工作日，恢复后顺延")."""
    return {
        pk: {kind: limit.text for kind, limit in kinds.items()}
        for pk, kinds in paused_limit_details(applications).items()
    }


def paused_limits_of(application) -> dict[str, str]:
    """``paused_limits`` of one application: {} when neither limit is paused."""
    return paused_limits([application]).get(application.pk, {})


def public_case_links(application) -> list[CaseLink]:
    """The links the public pages of ``application`` offer its notice's holder."""
    if application is None:
        return []
    return [link for provider in _PUBLIC_LINKS for link in provider(application)]


def applicant_case_panels(application, user) -> list[CasePanel]:
    panels = (provider(application, user) for provider in _APPLICANT_PANELS)
    return [panel for panel in panels if panel is not None]


def workbench_window_annotations() -> dict:
    """What the banners read with the clerk's window, as ``Window`` annotations."""
    return {name: value for b in _WORKBENCH_BANNERS for name, value in b.annotations().items()}


def workbench_banners(window) -> list[CasePanel]:
    """The bars of the workbench pages for ``window``, loaded by
    ``intake.selectors.workbench_window`` (no statement here)."""
    panels = (banner.panel(window) for banner in _WORKBENCH_BANNERS)
    return [panel for panel in panels if panel is not None]


def workbench_visit(window) -> WorkbenchVisit | None:
    """The visit in progress at ``window`` (the first banner naming one), read with the
    window by ``intake.selectors.workbench_window`` (no statement here), or None."""
    visits = (banner.visit(window) for banner in _WORKBENCH_BANNERS)
    return next((visit for visit in visits if visit is not None), None)


VISIT_CHANGED = "本窗口正在办理的号已变化，请重新确认是否为本次叫号群众办理。"
VISIT_GONE = "本窗口已没有正在办理的号，结论不会记入叫号；请确认后重新提交。"


def visit_offered(application, window) -> bool:
    """Whether an outcome of ``application`` given at ``window`` may be marked for the
    visit in progress there (本次叫号群众办理): an online or kiosk application not open
    at another window. A counter intake received during a service is the visit's
    without a mark (``hall.receivers``)."""
    return application.channel != Channel.COUNTER and application.window_id in (None, window.pk)


class VisitRefused(IntakeError):
    """An outcome marked for a visit that is not (any more) the one in progress at the
    window: refused before the service (``visit_refusal``), or raised by the receiver
    that links the outcome to the visit, inside the outcome's transaction, when the
    visit ended between that check and the service (the hall: the ticket's UPDATE
    found it no longer in service). The whole outcome is then rolled back, and the page
    and the API answer it as they answer the check."""


def visit_refusal(visit: WorkbenchVisit | None, key: str) -> VisitRefused | None:
    """Why an outcome marked for the visit ``key`` cannot be recorded for it while
    ``visit`` is the one in progress (``workbench_visit``): none is any more (code
    ``visit_gone``), or another one is (``visit_changed``). None when it can, or when
    the outcome is not marked (``key`` "")."""
    if not key:
        return None
    if visit is None:
        return VisitRefused(VISIT_GONE, code="visit_gone")
    if key != visit.key:
        return VisitRefused(VISIT_CHANGED, code="visit_changed")
    return None


def workbench_reminders(window) -> str:
    """What the banners add to the message of an outcome given at ``window`` ("" for
    nothing), from the window ``workbench_window`` loaded before the outcome."""
    return "".join(banner.reminder(window) for banner in _WORKBENCH_BANNERS)
