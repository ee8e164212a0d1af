"""Catalog API, mounted at /api/v1/: departments, items, bundles and the calendar."""

from django.urls import path

from .calendar import CalendarYearApi, WorkingDaysAddApi
from .views import (
    BundleDetailApi,
    BundleListApi,
    DepartmentListApi,
    ItemDetailApi,
    ItemListApi,
    ItemVersionListApi,
)

urlpatterns = [
    # "add/" before "<id:year>/" (an int never matches "add", but keep the order plain).
    path("calendar/add/", WorkingDaysAddApi.as_view(), name="api-calendar-add"),
    path("calendar/<id:year>/", CalendarYearApi.as_view(), name="api-calendar-year"),
    path("departments/", DepartmentListApi.as_view(), name="api-department-list"),
    path("items/", ItemListApi.as_view(), name="api-item-list"),
    path("items/<text:code>/", ItemDetailApi.as_view(), name="api-item-detail"),
    path("items/<text:code>/versions/", ItemVersionListApi.as_view(), name="api-item-versions"),
    path("bundles/", BundleListApi.as_view(), name="api-bundle-list"),
    path("bundles/<slug:code>/", BundleDetailApi.as_view(), name="api-bundle-detail"),
]
