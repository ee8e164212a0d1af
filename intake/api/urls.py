from django.urls import include, path

urlpatterns = [
    path("", include("intake.api.citizen_urls")),
    path("", include("intake.api.clerk_urls")),
]
