"""Pages of the department work and the counter's hand-over. Mounted at /approvals/."""

from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tasks/<id:pk>/", views.task_detail, name="task"),
    path("tasks/<id:pk>/<slug:action>/", views.task_action, name="task_action"),
    path("extensions/", views.extensions, name="extensions"),
    path("extensions/<id:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("counter/", views.counter, name="counter"),
    path("tolerated/<id:pk>/received/", views.tolerated_receive, name="tolerated_receive"),
    path("deliveries/<id:pk>/<slug:action>/", views.delivery_action, name="delivery_action"),
    path("cases/<id:pk>/", views.case_detail, name="case"),
    path("cases/<id:pk>/materials/<id:slot_id>/", views.case_material, name="case_material"),
    path(
        "cases/<id:pk>/supplement-files/<id:file_id>/",
        views.case_supplement_file,
        name="case_supplement_file",
    ),
    path("cases/<id:pk>/power-of-attorney/", views.case_attorney, name="case_attorney"),
    path("cases/<id:pk>/supplement/", views.supplement, name="supplement"),
    path("cases/<id:pk>/result/", views.result, name="result"),
    path("escalations/", views.escalations, name="escalations"),
    path("escalations/<id:pk>/answer/", views.escalation_answer, name="escalation_answer"),
]
