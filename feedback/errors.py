"""Feedback's errors: a refused act (Chinese message, shown as it is by pages and the
API) and a refused actor."""

from django.core.exceptions import PermissionDenied, ValidationError


class FeedbackError(ValidationError):
    """An act the rules or the state do not allow (message in Chinese)."""


class FeedbackPermissionDenied(PermissionDenied):
    """The actor may not do this (not the owning unit, not a supervisor in scope)."""
