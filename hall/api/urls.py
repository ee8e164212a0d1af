"""The hall's API, mounted at /api/v1/hall/."""

from django.urls import path

from . import views

urlpatterns = [
    # public: the kiosk, the QR code's page, the hall's screen
    path("tickets/", views.IssueApi.as_view(), name="api-hall-issue"),
    path("check-in/", views.CheckInApi.as_view(), name="api-hall-check-in"),
    path("follow/<text:token>/", views.FollowApi.as_view(), name="api-hall-follow"),
    path(
        "halls/<id:hall_id>/categories/",
        views.CategoriesApi.as_view(),
        name="api-hall-categories",
    ),
    path("halls/<id:hall_id>/display/", views.DisplayApi.as_view(), name="api-hall-display"),
    path("categories/<id:category_id>/slots/", views.SlotsApi.as_view(), name="api-hall-slots"),
    path("halls/<id:hall_id>/figures/", views.FiguresApi.as_view(), name="api-hall-figures"),
    # clerks
    path("window/", views.WindowApi.as_view(), name="api-hall-window"),
    path("window/call-next/", views.CallNextApi.as_view(), name="api-hall-call-next"),
    path("tickets/<id:pk>/recall/", views.RecallApi.as_view(), name="api-hall-recall"),
    path("tickets/<id:pk>/no-show/", views.NoShowApi.as_view(), name="api-hall-no-show"),
    path("tickets/<id:pk>/requeue/", views.RequeueApi.as_view(), name="api-hall-requeue"),
    path("tickets/<id:pk>/transfer/", views.TransferApi.as_view(), name="api-hall-transfer"),
    path("tickets/<id:pk>/start/", views.StartApi.as_view(), name="api-hall-start"),
    path("tickets/<id:pk>/end/", views.EndApi.as_view(), name="api-hall-end"),
    path("tickets/<id:pk>/priority/", views.PriorityApi.as_view(), name="api-hall-priority"),
    path("tickets/<id:pk>/cancel/", views.CancelApi.as_view(), name="api-hall-cancel"),
    # citizens
    path("appointments/", views.AppointmentsApi.as_view(), name="api-hall-appointments"),
    path(
        "appointments/<id:pk>/cancel/",
        views.AppointmentCancelApi.as_view(),
        name="api-hall-appointment-cancel",
    ),
]
