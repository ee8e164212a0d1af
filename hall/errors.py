"""The hall's errors: a refused act (Chinese message, shown as it is by pages and the
API, with a stable ``code``) and a refused actor."""

from django.core.exceptions import PermissionDenied, ValidationError


class HallError(ValidationError):
    """An act the queue's state or the rules do not allow (message in Chinese).

    Codes: ``inactive`` (category, hall or window not in service), ``closed`` (window
    not open), ``not_seated``, ``empty`` (nobody waiting), ``state`` (the ticket is not in
    a state that allows the act), ``no_show_early`` (fewer than three calls),
    ``requeued_once``, ``slot_full``, ``slot_past``, ``not_working_day``, ``booked``
    (already booked that day), ``checked_in`` (already checked in with an appointment of
    that service that day), ``appointment`` (unknown, used or cancelled code),
    ``invalid`` (input)."""


class HallConflict(HallError):
    """Someone else acted on the ticket first (two clerks at once)."""

    def __init__(self, message: str = "该号已被其他窗口处理，请刷新后重试。"):
        super().__init__(message, code="conflict")


class HallPermissionDenied(PermissionDenied):
    """The actor may not do this (not seated at that window, not a supervisor...)."""
