"""The portal's URL table: pages of each app, the API at /api/v1/, health and error
pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import home

from . import views

admin.site.site_header = "金普新区政务服务一窗受理平台 · 管理后台"
admin.site.site_title = "金普新区政务服务 管理后台"
admin.site.index_title = "系统管理"

# The public APIs that kiosks, QR codes and rating links call most come first, each under
# its own prefix, so resolving them does not try the other apps' patterns.
api_v1 = [
    path("hall/", include("hall.api.urls")),
    path("feedback/", include("feedback.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("intake.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("approvals.api.urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("guide/", include("catalog.urls")),
    path("calendar/", include("catalog.calendar_urls")),
    path("intake/", include("intake.urls")),
    path("approvals/", include("approvals.urls")),
    path("feedback/", include("feedback.urls")),
    path("hall/", include("hall.urls")),
    path("supervision/", include("supervision.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.OIDC_RP_CLIENT_ID:
    # The unified identity service's callback: verifies the signed-in account.
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

# No URL serves MEDIA_ROOT, in any mode: every file goes out through a view that checks
# who asks (jinpu_portal.files).

handler403 = "jinpu_portal.views.permission_denied"
handler404 = "jinpu_portal.views.page_not_found"
handler500 = "jinpu_portal.views.server_error"
