"""Pages of the department work and the counter's hand-over. Mounted at /approvals/."""

from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
    path("extensions/", views.extensions, name="extensions"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("counter/", views.counter, name="counter"),
    path("tolerated/<int:pk>/received/", views.tolerated_receive, name="tolerated_receive"),
    path("deliveries/<int:pk>/<slug:action>/", views.delivery_action, name="delivery_action"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/materials/<int:slot_id>/", views.case_material, name="case_material"),
    path("cases/<int:pk>/power-of-attorney/", views.case_attorney, name="case_attorney"),
    path("cases/<int:pk>/supplement/", views.supplement, name="supplement"),
    path("cases/<int:pk>/result/", views.result, name="result"),
    path("escalations/", views.escalations, name="escalations"),
]
