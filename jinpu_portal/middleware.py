"""Response headers the portal adds to every answer (the Content-Security-Policy itself
comes from django-csp, configured in settings.CONTENT_SECURITY_POLICY)."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and ``Cache-Control: no-store`` on every
    answer to a signed-in person or a token (pages and API answers carry names, ID
    numbers and case files; a shared counter PC or a proxy must not keep them).

    A response that set its own Cache-Control keeps it. Anonymous answers (the public
    guide) stay cacheable. DRF writes the token's user back onto the Django request,
    so ``request.user`` here is the token user for API calls too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or "HTTP_AUTHORIZATION" in request.META) and not response.has_header(
            "Cache-Control"
        ):
            add_never_cache_headers(response)
        return response
