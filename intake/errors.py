"""Intake's errors: a refused move (Chinese message and code) and no permission."""

from django.core.exceptions import PermissionDenied, ValidationError


class IntakeError(ValidationError):
    """An intake action the case's state or the rules do not allow (message in Chinese)."""


class IntakePermissionDenied(PermissionDenied):
    """The actor may not act on this application (another window, another citizen)."""
