from django.urls import include, path

from .views import public

app_name = "intake"

urlpatterns = [
    path("verify/", public.verify_start, name="verify-start"),
    path("verify/<str:code>/", public.verify, name="verify"),
    path("workbench/", include("intake.workbench_urls")),
    path("", include("intake.citizen_urls")),
]
