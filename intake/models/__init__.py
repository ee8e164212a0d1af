from .cases import (
    Application,
    BundleApplication,
    CaseEvent,
    CaseNumberSequence,
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
    "DocumentNumberSequence",
    "Notice",
    "SubmittedMaterial",
]
