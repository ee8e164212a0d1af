"""The portal's own 404 and 500 pages in development mode too (``DEBUG=1``, which the
demo runs with): a person trying the demo never meets Django's English debug pages.

With ``DEBUG`` off Django already answers with ``handler404``/``handler500``; with it on
it shows its technical pages, for a URL no route matches (before any view runs) and for
an exception a view raises. This middleware answers both with ``templates/errors/``
instead (a 403 already uses ``handler403`` in every mode) and writes the traceback of a
500 to the log as Django would.

API paths (under /api/) answer JSON in the API's one error shape (``jinpu_portal.api``)
in every mode: DRF's exception handler for what its views raise, and this middleware for
the rest: an address no route matches (a 404, also for a POST without its trailing
slash, which Django's APPEND_SLASH would turn into an error page), and any other HTML
error answer (a 500 raised before the view, say).

In every mode, too, a page opened at the address of a button's action (a POST-only
view: ``require_POST``'s bare 405, which browsers show as an English error) says in
Chinese what happened: the usual way there is signing in again after the session
expired, when the login page sends the person on to the action they had clicked.
"""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import Resolver404, resolve

from .api.errors import json_error
from .views import method_not_allowed, page_not_found, server_error

logger = logging.getLogger("django.request")


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class DebugErrorPagesMiddleware:
    """Before CommonMiddleware in MIDDLEWARE, so its APPEND_SLASH redirect comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_api(request):
            return _api_answer(request, response)
        if response.status_code == 405 and request.method == "GET" and not response.content:
            return method_not_allowed(request, response)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None  # no route matched
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if _is_api(request):
            return None  # DRF's exception handler, or _api_answer for what escapes it
        if not settings.DEBUG:
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


def _api_answer(request, response):
    """An API answer that is an error in HTML becomes the same error as JSON."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    if response.status_code in (404, 500) and not _routed(request):
        answer = json_error(404)  # no route (APPEND_SLASH's RuntimeError for a POST too)
    else:
        answer = json_error(response.status_code)
    # Keep what the inner middleware added (CSP, Permissions-Policy, no-store, ...).
    for header, value in response.items():
        if header.lower() not in ("content-type", "content-length"):
            answer.headers.setdefault(header, value)
    return answer


def _routed(request) -> bool:
    if getattr(request, "resolver_match", None) is not None:
        return True
    try:
        resolve(request.path_info)
    except Resolver404:
        return False
    return True
