"""The portal's own 404 and 500 pages in development mode too (``DEBUG=1``, which the
demo runs with): a person trying the demo never meets Django's English debug pages.

With ``DEBUG`` off Django already answers with ``handler404``/``handler500``; with it on
it shows its technical pages, for a URL no route matches (before any view runs) and for
an exception a view raises. This middleware answers both with ``templates/errors/``
instead (a 403 already uses ``handler403`` in every mode) and writes the traceback of a
500 to the log as Django would. API paths keep their own answers (JSON, under /api/).
"""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404

from .views import page_not_found, server_error

logger = logging.getLogger("django.request")


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class DebugErrorPagesMiddleware:
    """Before CommonMiddleware in MIDDLEWARE, so its APPEND_SLASH redirect comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None  # no route matched
            and not _is_api(request)
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG or _is_api(request):
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied | BadRequest | SuspiciousOperation):
            return None  # Django's own handling: handler403, or a 400
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"request": request},
        )
        return server_error(request)
