"""DRF permission classes by role, for the APIs of the apps above accounts: one class
per role that more than one app's API admits (a combination only one app needs stays
in that app)."""

from rest_framework.permissions import BasePermission

from ..constants import Role


class HasRole(BasePermission):
    """A signed-in, active user with one of ``roles`` (subclasses name them and the
    Chinese ``message`` of the 403)."""

    roles: tuple = ()

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and any(user.has_role(role) for role in self.roles)
        )


class IsCitizen(HasRole):
    """A signed-in user with the citizen role (办事群众): the intake's and the hall's
    citizen APIs."""

    roles = (Role.CITIZEN,)
    message = "仅办事群众账号可以使用此接口。"


class IsClerk(HasRole):
    """A signed-in user with the clerk role (综窗人员): the hall's window API."""

    roles = (Role.CLERK,)
    message = "仅综窗人员可以使用此接口。"


class IsApprover(HasRole):
    """A signed-in user with the approver role (审批人员)."""

    roles = (Role.APPROVER,)
    message = "仅审批人员可以使用此接口。"


class IsSupervisor(HasRole):
    """A signed-in user with the supervisor role (督查人员): approvals' 督办 and
    feedback's appeals and 回头看."""

    roles = (Role.SUPERVISOR,)
    message = "仅督查人员可以使用此接口。"
