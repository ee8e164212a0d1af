"""Supervision pages (监督管理), mounted at /supervision/."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("feedback/", views.feedback_figures, name="feedback"),
]
