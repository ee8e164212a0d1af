"""Models of intake: applications, their material slots, bundle applications, the case
record and case numbers (``cases``); correction notices, issued notices and their
numbers (``notices``)."""

from .cases import (
    Application,
    BundleApplication,
    CaseEvent,
    CaseNumberSequence,
    SubmittedMaterial,
    SupplementFile,
)
from .notices import CorrectionItem, CorrectionNotice, DocumentNumberSequence, Notice

__all__ = [
    "Application",
    "BundleApplication",
    "CaseEvent",
    "CaseNumberSequence",
    "CorrectionItem",
    "CorrectionNotice",
    "DocumentNumberSequence",
    "Notice",
    "SubmittedMaterial",
    "SupplementFile",
]
