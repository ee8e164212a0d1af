"""Supervision pages (监督管理), mounted at /supervision/."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("lights/", views.lights, name="lights"),
    path("lights/board/", views.lights_fragment, name="lights_fragment"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<id:pk>/", views.case_detail, name="case"),
    path("cases/<id:pk>/escalate/", views.case_escalate, name="case_escalate"),
    path("export/<slug:table>.xlsx", views.export, name="export"),
    path("feedback/", views.feedback_figures, name="feedback"),
    path("ratings/", views.rating_list, name="ratings"),
    path("rankings/", views.rankings_page, name="rankings"),
    path("delegations/", views.delegations_page, name="delegations"),
    path("reports/", views.annual_reports, name="annual"),
    path("reports/list/", views.annual_list, name="annual_list"),
    path("reports/new/", views.annual_request, name="annual_request"),
    path("reports/<id:pk>/report.pdf", views.annual_download, name="annual_download"),
]
