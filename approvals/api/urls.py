"""Approvals API, mounted at /api/v1/."""

from django.urls import path

from . import views

urlpatterns = [
    path("tasks/", views.TaskListApi.as_view(), name="api-tasks"),
    path("tasks/<int:pk>/", views.TaskDetailApi.as_view(), name="api-task-detail"),
    path("tasks/<int:pk>/claim/", views.TaskClaimApi.as_view(), name="api-task-claim"),
    path("tasks/<int:pk>/release/", views.TaskReleaseApi.as_view(), name="api-task-release"),
    path("tasks/<int:pk>/reassign/", views.TaskReassignApi.as_view(), name="api-task-reassign"),
    path("tasks/<int:pk>/decide/", views.TaskDecideApi.as_view(), name="api-task-decide"),
    path(
        "tasks/<int:pk>/supplement/", views.TaskSupplementApi.as_view(), name="api-task-supplement"
    ),
    path(
        "tasks/<int:pk>/special-procedure/",
        views.TaskSpecialStartApi.as_view(),
        name="api-task-special-start",
    ),
    path(
        "tasks/<int:pk>/special-procedure/end/",
        views.TaskSpecialEndApi.as_view(),
        name="api-task-special-end",
    ),
    path("tasks/<int:pk>/extension/", views.TaskExtensionApi.as_view(), name="api-task-extension"),
    path("tasks/<int:pk>/terminate/", views.TaskTerminateApi.as_view(), name="api-task-terminate"),
    path("extensions/", views.ExtensionListApi.as_view(), name="api-extensions"),
    path(
        "extensions/<int:pk>/decide/",
        views.ExtensionDecideApi.as_view(),
        name="api-extension-decide",
    ),
    path("cases/<int:pk>/clocks/", views.CaseClocksApi.as_view(), name="api-case-clocks"),
    path(
        "cases/<int:pk>/supplement-received/",
        views.CaseSupplementReceiveApi.as_view(),
        name="api-case-supplement-received",
    ),
    path(
        "cases/<int:pk>/tolerated/<int:material>/received/",
        views.CaseToleratedReceiveApi.as_view(),
        name="api-case-tolerated-received",
    ),
    path("escalations/", views.EscalationListApi.as_view(), name="api-escalations"),
]
