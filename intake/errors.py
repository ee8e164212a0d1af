"""Intake's errors: a refused move (Chinese message and code) and no permission."""

from django.core.exceptions import PermissionDenied, ValidationError


class IntakeError(ValidationError):
    """An intake action the case's state or the rules do not allow (message in Chinese)."""


class IntakePermissionDenied(PermissionDenied):
    """The actor may not act on this application (another window, another citizen)."""


class DuplicateSubmission(IntakeError):
    """The same counter form was posted again. ``submission`` (a ``CounterSubmission``)
    names what the first post made, when the same clerk sent both."""

    def __init__(self, message: str, *, submission=None):
        super().__init__(message, code="duplicate_submission")
        self.submission = submission
