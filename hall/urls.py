"""Pages of the hall (取号叫号). Mounted at /hall/; the API is hall/api."""

from django.urls import path

from . import views, views_citizen, views_staff

app_name = "hall"

urlpatterns = [
    path("", views.index, name="index"),
    # Public: the ticket page (kiosk or reception desk), the ticket, the phone's page.
    path("<slug:code>/ticket/", views.ticket, name="ticket"),
    path("ticket/<text:token>/", views.ticket_issued, name="ticket-issued"),
    path("q/<text:token>/", views.follow, name="follow"),
    path("q/<text:token>/poll/", views.follow_poll, name="follow-poll"),
    path("q/<text:token>/qr.png", views.follow_qr, name="follow-qr"),
    # The hall's screen (叫号大屏).
    path("<slug:code>/display/", views.display, name="display"),
    path("<slug:code>/display/poll/", views.display_poll, name="display-poll"),
    # Kiosk mode (自助办).
    path("<slug:code>/kiosk/", views.kiosk, name="kiosk"),
    path("kiosk/reset/", views.kiosk_reset, name="kiosk-reset"),
    path("kiosk/exit/", views.kiosk_exit, name="kiosk-exit"),
    # The clerk's queue panel (a tab of the workbench).
    path("panel/", views_staff.panel, name="panel"),
    path("panel/poll/", views_staff.panel_poll, name="panel-poll"),
    path("panel/act/", views_staff.panel_act, name="panel-act"),
    # Windows and the supervisors' hall view.
    path("<slug:code>/windows/", views_staff.windows, name="windows"),
    path("<slug:code>/windows/<id:pk>/", views_staff.window_act, name="window-act"),
    path("overview/", views_staff.overview, name="overview"),
    # Citizens: online appointments (预约取号).
    path("appointments/", views_citizen.appointments, name="appointments"),
    path("appointments/new/", views_citizen.appointment_new, name="appointment-new"),
    path(
        "appointments/<id:pk>/cancel/", views_citizen.appointment_cancel, name="appointment-cancel"
    ),
]
