"""The comprehensive window's workbench (综窗办). Mounted at /intake/workbench/."""

from django.urls import path

from .views import workbench

urlpatterns = [
    path("", workbench.home, name="workbench"),
    path("cases/", workbench.window_cases, name="workbench-cases"),
    path("counter/", workbench.counter_applicant, name="workbench-counter"),
    path("counter/items/", workbench.counter_items, name="workbench-items"),
    path("counter/items/<id:version_id>/", workbench.counter_intake, name="workbench-intake"),
    path("counter/bundles/<id:bundle_id>/", workbench.counter_bundle, name="workbench-bundle"),
    path(
        "bundles/<id:pk>/",
        workbench.bundle_result,
        name="workbench-bundle-result",
    ),
    path("applications/<id:pk>/", workbench.application_detail, name="workbench-application"),
    path(
        "applications/<id:pk>/correction-received/",
        workbench.correction_received,
        name="workbench-correction-received",
    ),
    path(
        "applications/<id:pk>/materials/<id:material_id>/",
        workbench.material_file,
        name="workbench-material-file",
    ),
    path(
        "applications/<id:pk>/materials/<id:material_id>/scan/",
        workbench.material_scan_upload,
        name="workbench-material-scan",
    ),
    path("notices/<id:pk>/status/", workbench.notice_status, name="workbench-notice-status"),
    path("notices/<id:pk>/download/", workbench.notice_download, name="workbench-notice-download"),
]
