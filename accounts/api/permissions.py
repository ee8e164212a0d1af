"""DRF permission classes by role, for the APIs of the apps above accounts."""

from rest_framework.permissions import BasePermission


class HasRole(BasePermission):
    """A signed-in, active user with one of ``roles`` (subclasses name them and the
    Chinese ``message`` of the 403)."""

    roles: tuple = ()

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and any(user.has_role(role) for role in self.roles)
        )
