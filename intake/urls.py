from django.urls import path

from .views import public

app_name = "intake"

urlpatterns = [
    path("verify/<str:code>/", public.verify, name="verify"),
]
