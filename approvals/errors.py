"""Approvals' errors: a refused act (Chinese message), a task changed meanwhile, no
permission."""

from django.core.exceptions import PermissionDenied, ValidationError


class ApprovalError(ValidationError):
    """An approval action the case's or the task's state does not allow (message in Chinese)."""


class TaskConflict(ApprovalError):
    """Someone else changed the task first (two approvers acting at once)."""

    def __init__(self, message: str = "该任务已被他人处理或更新，请刷新页面后查看最新状态。"):
        super().__init__(message, code="conflict")


class ApprovalPermissionDenied(PermissionDenied):
    """The actor may not act for the task's department (or on this case)."""
