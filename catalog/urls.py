"""Public service guide pages (办事指南). Mounted at /guide/."""

from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.guide_home, name="home"),
    path("items/", views.item_list, name="item_list"),
    path("items/<text:code>/", views.item_detail, name="item_detail"),
    path("items/<text:code>/notice.pdf", views.item_notice, name="item_notice"),
    path("bundles/<slug:code>/", views.bundle_detail, name="bundle_detail"),
    path("bundles/<slug:code>/notice.pdf", views.bundle_notice, name="bundle_notice"),
    path("files/<slug:kind>/<id:pk>/", views.guide_file, name="guide_file"),
]
