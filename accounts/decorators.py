"""Who may open a page: ``role_required`` lets a signed-in user with one of the roles
through and refuses the others (403); the apps' own guards (``supervisor_required``,
``clerk_required``, ``citizen_required``) add what their pages need on top."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(*roles):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_role(role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
