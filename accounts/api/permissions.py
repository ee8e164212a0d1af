"""DRF permission classes by role, for the APIs of the apps above accounts."""

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
