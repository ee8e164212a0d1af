"""Citizen-facing pages (网上办): applying online, my applications. Mounted at /intake/.

The guide page's "在线申请" links to ``intake:apply`` with the item's implementation
code (/intake/apply/<code>/); a 一件事 page links to ``intake:apply_bundle``.
"""

from django.urls import path

from .views import citizen

urlpatterns = [
    path("apply/<text:code>/", citizen.apply_start, name="apply"),
    path("bundles/", citizen.bundles, name="bundle_list"),
    path("bundles/<slug:code>/apply/", citizen.bundle_apply, name="apply_bundle"),
    path("my/", citizen.my_applications, name="my_applications"),
    path("my/<id:pk>/", citizen.application_detail, name="my_application"),
    path("my/<id:pk>/edit/", citizen.application_edit, name="my_application_edit"),
    path("my/<id:pk>/correct/", citizen.application_correct, name="my_application_correct"),
    path(
        "my/<id:pk>/withdraw/",
        citizen.application_withdraw_view,
        name="my_application_withdraw",
    ),
    path("my/<id:pk>/materials/<id:slot_id>/", citizen.material_file, name="my_material_file"),
    path(
        "my/<id:pk>/supplement-files/<id:file_id>/",
        citizen.supplement_file,
        name="my_supplement_file",
    ),
    path("my/<id:pk>/power-of-attorney/", citizen.attorney_file, name="my_attorney_file"),
    path("my/<id:pk>/notices/<id:notice_id>/", citizen.notice_file, name="my_notice_file"),
    path("my/bundles/<id:pk>/", citizen.bundle_detail, name="my_bundle"),
    path("my/bundles/<id:pk>/withdraw/", citizen.bundle_withdraw, name="my_bundle_withdraw"),
    path("notifications/", citizen.notifications, name="notifications"),
    path("notifications/<id:pk>/open/", citizen.notification_open, name="notification_open"),
    path("notifications/read-all/", citizen.notifications_read_all, name="notifications_read_all"),
]
