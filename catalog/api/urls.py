from django.urls import path

from .views import (
    BundleDetailApi,
    BundleListApi,
    DepartmentListApi,
    ItemDetailApi,
    ItemListApi,
    ItemVersionListApi,
)

urlpatterns = [
    path("departments/", DepartmentListApi.as_view(), name="api-department-list"),
    path("items/", ItemListApi.as_view(), name="api-item-list"),
    path("items/<str:code>/", ItemDetailApi.as_view(), name="api-item-detail"),
    path("items/<str:code>/versions/", ItemVersionListApi.as_view(), name="api-item-versions"),
    path("bundles/", BundleListApi.as_view(), name="api-bundle-list"),
    path("bundles/<slug:code>/", BundleDetailApi.as_view(), name="api-bundle-detail"),
]
