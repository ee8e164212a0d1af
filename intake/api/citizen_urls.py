"""API for applicants: their applications (create, draft, upload, submit, withdraw),
and the detail of an application with its events. Mounted at /api/v1/."""

from django.urls import path

from . import citizen

urlpatterns = [
    path("applications/", citizen.ApplicationListCreateApi.as_view(), name="api-applications"),
    path(
        "applications/<int:pk>/",
        citizen.ApplicationDetailApi.as_view(),
        name="api-application-detail",
    ),
    path(
        "applications/<int:pk>/materials/",
        citizen.ApplicationMaterialUploadApi.as_view(),
        name="api-application-material-upload",
    ),
    path(
        "applications/<int:pk>/power-of-attorney/",
        citizen.ApplicationPowerOfAttorneyApi.as_view(),
        name="api-application-power-of-attorney",
    ),
    path(
        "applications/<int:pk>/submit/",
        citizen.ApplicationSubmitApi.as_view(),
        name="api-application-submit",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        citizen.ApplicationWithdrawApi.as_view(),
        name="api-application-withdraw",
    ),
    path(
        "applications/<int:pk>/resubmit/",
        citizen.ApplicationResubmitApi.as_view(),
        name="api-application-resubmit",
    ),
]
