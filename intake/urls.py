"""Intake pages: the applicant's (citizen_urls), the workbench (workbench_urls), the
public progress query and notice check. Mounted at /intake/."""

from django.urls import include, path

from .views import progress, public

app_name = "intake"

urlpatterns = [
    path("progress/", progress.progress, name="progress"),
    path("verify/", public.verify_start, name="verify-start"),
    path("verify/<text:code>/", public.verify, name="verify"),
    path("workbench/", include("intake.workbench_urls")),
    path("", include("intake.citizen_urls")),
]
