"""The portal's URLs plus views that fail, to exercise handler403/404/500."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from jinpu_portal.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [*urlpatterns, path("test-403/", forbidden), path("test-500/", broken)]
