from .cases import (
    Application,
    BundleApplication,
    CaseEvent,
    CaseNumberSequence,
    SubmittedMaterial,
)
from .notices import CorrectionItem, CorrectionNotice, Notice

__all__ = [
    "Application",
    "BundleApplication",
    "CaseEvent",
    "CaseNumberSequence",
    "CorrectionItem",
    "CorrectionNotice",
    "Notice",
    "SubmittedMaterial",
]
