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
"""

from dataclasses import dataclass, field


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


_PUBLIC_LINKS: list = []
_APPLICANT_PANELS: list = []


def register_public_case_links(provider) -> None:
    if provider not in _PUBLIC_LINKS:
        _PUBLIC_LINKS.append(provider)


def register_applicant_case_panel(provider) -> None:
    if provider not in _APPLICANT_PANELS:
        _APPLICANT_PANELS.append(provider)


def public_case_links(application) -> list[CaseLink]:
    """The links the public pages of ``application`` offer its notice's holder."""
    if application is None:
        return []
    return [link for provider in _PUBLIC_LINKS for link in provider(application)]


def applicant_case_panels(application, user) -> list[CasePanel]:
    panels = (provider(application, user) for provider in _APPLICANT_PANELS)
    return [panel for panel in panels if panel is not None]
