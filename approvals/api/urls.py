"""Approvals API, mounted at /api/v1/."""

from django.urls import path

from . import views

urlpatterns = [
    path("tasks/", views.TaskListApi.as_view(), name="api-tasks"),
    path("tasks/<id:pk>/", views.TaskDetailApi.as_view(), name="api-task-detail"),
    path("tasks/<id:pk>/claim/", views.TaskClaimApi.as_view(), name="api-task-claim"),
    path("tasks/<id:pk>/release/", views.TaskReleaseApi.as_view(), name="api-task-release"),
    path("tasks/<id:pk>/reassign/", views.TaskReassignApi.as_view(), name="api-task-reassign"),
    path("tasks/<id:pk>/take-over/", views.TaskTakeOverApi.as_view(), name="api-task-take-over"),
    path("tasks/<id:pk>/decide/", views.TaskDecideApi.as_view(), name="api-task-decide"),
    path(
        "tasks/<id:pk>/supplement/", views.TaskSupplementApi.as_view(), name="api-task-supplement"
    ),
    path(
        "tasks/<id:pk>/special-procedure/",
        views.TaskSpecialStartApi.as_view(),
        name="api-task-special-start",
    ),
    path(
        "tasks/<id:pk>/special-procedure/end/",
        views.TaskSpecialEndApi.as_view(),
        name="api-task-special-end",
    ),
    path("tasks/<id:pk>/extension/", views.TaskExtensionApi.as_view(), name="api-task-extension"),
    path("tasks/<id:pk>/terminate/", views.TaskTerminateApi.as_view(), name="api-task-terminate"),
    path("extensions/", views.ExtensionListApi.as_view(), name="api-extensions"),
    path(
        "extensions/<id:pk>/decide/",
        views.ExtensionDecideApi.as_view(),
        name="api-extension-decide",
    ),
    path("cases/<id:pk>/clocks/", views.CaseClocksApi.as_view(), name="api-case-clocks"),
    path(
        "cases/<id:pk>/supplement-received/",
        views.CaseSupplementReceiveApi.as_view(),
        name="api-case-supplement-received",
    ),
    path(
        "cases/<id:pk>/tolerated/<id:material>/received/",
        views.CaseToleratedReceiveApi.as_view(),
        name="api-case-tolerated-received",
    ),
    path("escalations/", views.EscalationListApi.as_view(), name="api-escalations"),
]
