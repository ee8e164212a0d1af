"""The portal's URLs plus views that fail, to exercise handler403/404/500."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from jinpu_portal.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("boom")


class BrokenApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("boom")


urlpatterns = [
    *urlpatterns,
    path("test-403/", forbidden),
    path("test-500/", broken),
    path("api/test-500/", BrokenApi.as_view()),
]
