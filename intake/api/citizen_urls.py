"""API for applicants: their applications (create, draft, upload, submit, withdraw),
and the detail of an application with its events. Mounted at /api/v1/."""

from django.urls import path

from . import citizen

urlpatterns = [
    path("applications/", citizen.ApplicationListCreateApi.as_view(), name="api-applications"),
    path(
        "applications/<id:pk>/",
        citizen.ApplicationDetailApi.as_view(),
        name="api-application-detail",
    ),
    path(
        "applications/<id:pk>/materials/",
        citizen.ApplicationMaterialUploadApi.as_view(),
        name="api-application-material-upload",
    ),
    path(
        "applications/<id:pk>/power-of-attorney/",
        citizen.ApplicationPowerOfAttorneyApi.as_view(),
        name="api-application-power-of-attorney",
    ),
    path(
        "applications/<id:pk>/submit/",
        citizen.ApplicationSubmitApi.as_view(),
        name="api-application-submit",
    ),
    path(
        "applications/<id:pk>/withdraw/",
        citizen.ApplicationWithdrawApi.as_view(),
        name="api-application-withdraw",
    ),
    path(
        "applications/<id:pk>/resubmit/",
        citizen.ApplicationResubmitApi.as_view(),
        name="api-application-resubmit",
    ),
]
