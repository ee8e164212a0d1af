"""Intake API, mounted at /api/v1/: the applicant's (citizen_urls) and the clerks'
(clerk_urls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("intake.api.citizen_urls")),
    path("", include("intake.api.clerk_urls")),
]
