"""Supervision pages (监督管理), mounted at /supervision/: read-only views over the apps
below; the one act, a 督办 note, goes through approvals' service."""

from .annual import annual_download, annual_list, annual_reports, annual_request
from .board import lights, lights_fragment
from .cases import case_detail, case_escalate, case_list
from .delegations import delegations_page
from .exports import export
from .feedback import feedback_figures, rating_list
from .overview import overview
from .rankings import rankings_page

__all__ = [
    "annual_download",
    "annual_list",
    "annual_reports",
    "annual_request",
    "case_detail",
    "case_escalate",
    "case_list",
    "delegations_page",
    "export",
    "feedback_figures",
    "lights",
    "lights_fragment",
    "overview",
    "rankings_page",
    "rating_list",
]
