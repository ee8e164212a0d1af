"""Feedback (好差评) API, mounted at /api/v1/."""

from django.urls import path

from . import figures

urlpatterns = [
    path("feedback/figures/", figures.FiguresApi.as_view(), name="api-feedback-figures"),
    path("feedback/ratings/", figures.RatingListApi.as_view(), name="api-feedback-ratings"),
    path(
        "feedback/ratings/export.csv",
        figures.RatingExportCsvApi.as_view(),
        name="api-feedback-ratings-csv",
    ),
    path(
        "feedback/ratings/export.json",
        figures.RatingExportJsonApi.as_view(),
        name="api-feedback-ratings-json",
    ),
]
