"""Accounts API, mounted at /api/v1/: the signed-in user."""

from django.urls import path

from .views import MeApi

urlpatterns = [
    path("me/", MeApi.as_view(), name="api-me"),
]
