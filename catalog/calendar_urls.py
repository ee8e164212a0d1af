"""Staff pages of the working-day calendar. Mounted at /calendar/."""

from django.urls import path

from . import calendar_views

app_name = "calendar"

urlpatterns = [
    path("year/", calendar_views.year_entry, name="year-entry"),
]
