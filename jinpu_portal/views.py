"""The portal's own views: health check, favicon and the error pages (403, 404, 405,
500, CSRF); ``found_or_404`` and ``page_context`` for every app's views."""

from dataclasses import fields

from django.db import connection
from django.http import (
    Http404,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the static one."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


def found_or_404(found, message: str):
    """What a selector found for the user, or, when it found nothing (None: missing or not
    theirs to see), a 404 with ``message``: the portal's 404 page, or in an API view
    (DRF answers ``Http404`` as ``NotFound``) the ``not_found`` error saying it."""
    if found is None:
        raise Http404(message)
    return found


def page_context(page) -> dict:
    """A selector's page facts (a dataclass) as template variables, one per field. Shallow,
    unlike ``dataclasses.asdict``: querysets stay lazy and records are not copied."""
    return {field.name: getattr(page, field.name) for field in fields(page)}


def forbidden(request, reason: str = ""):
    """The 403 page, saying in Chinese why (``reason``) when the caller knows."""
    return render(request, "errors/403.html", {"reason": reason} if reason else None, status=403)


def permission_denied(request, exception=None):
    return forbidden(request)


def csrf_failure(request, reason=""):
    """A form left open too long (or posted from elsewhere): say so in Chinese."""
    return forbidden(request, "页面已过期或来源校验未通过，请返回上一页，刷新后重新提交。")


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def method_not_allowed(request, response):
    """A POST-only address opened as a page: say so, keeping the 405 and its Allow."""
    page = render(request, "errors/405.html", status=405)
    page["Allow"] = response["Allow"]
    return page


def server_error(request):
    # No context processors that might touch the database: it may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
