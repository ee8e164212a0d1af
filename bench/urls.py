"""The portal's URLs plus the benchmarks' baseline views (bench/views.py)."""

from django.urls import path

from jinpu_portal.urls import handler403, handler404, handler500  # noqa: F401
from jinpu_portal.urls import urlpatterns as portal_urlpatterns

from . import views

urlpatterns = [
    path("bench/bare-json/", views.bench_bare_json, name="bench-bare-json"),
    path("bench/minimal/applications/", views.minimal_create),
    path("bench/minimal/applications/<id:pk>/materials/", views.minimal_upload),
    path("bench/minimal/applications/<id:pk>/submit/", views.minimal_submit),
    path("bench/minimal/applications/<id:pk>/accept/", views.minimal_accept),
    *portal_urlpatterns,
]
