from .cases import (
    Application,
    BundleApplication,
    CaseEvent,
    CaseNumberSequence,
    CounterSubmission,
    SubmittedMaterial,
)
from .notices import CorrectionItem, CorrectionNotice, DocumentNumberSequence, Notice

__all__ = [
    "Application",
    "BundleApplication",
    "CaseEvent",
    "CaseNumberSequence",
    "CorrectionItem",
    "CorrectionNotice",
    "CounterSubmission",
    "DocumentNumberSequence",
    "Notice",
    "SubmittedMaterial",
]
