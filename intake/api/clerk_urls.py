"""API for clerks: a whole counter intake in one request, intake actions (receive,
accept, request correction, refuse), the pre-review queue, case detail with events.
Mounted at /api/v1/clerk/."""

from django.urls import path

from . import clerk

urlpatterns = [
    path("clerk/prereview/", clerk.ClerkPrereviewListApi.as_view(), name="api-clerk-prereview"),
    path(
        "clerk/applications/",
        clerk.ClerkApplicationCreateApi.as_view(),
        name="api-clerk-application-create",
    ),
    path(
        "clerk/counter-intakes/",
        clerk.ClerkCounterIntakeApi.as_view(),
        name="api-clerk-counter-intake",
    ),
    path(
        "clerk/applications/<id:pk>/",
        clerk.ClerkApplicationDetailApi.as_view(),
        name="api-clerk-application",
    ),
    path(
        "clerk/applications/<id:pk>/receive/",
        clerk.ClerkReceiveApi.as_view(),
        name="api-clerk-receive",
    ),
    path(
        "clerk/applications/<id:pk>/accept/",
        clerk.ClerkAcceptApi.as_view(),
        name="api-clerk-accept",
    ),
    path(
        "clerk/applications/<id:pk>/correction/",
        clerk.ClerkCorrectionApi.as_view(),
        name="api-clerk-correction",
    ),
    path(
        "clerk/applications/<id:pk>/refuse/",
        clerk.ClerkRefuseApi.as_view(),
        name="api-clerk-refuse",
    ),
]
