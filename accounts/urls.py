"""Account pages (login, sign-up, profile, verification). Mounted at /accounts/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("verify/", views.verify, name="verify"),
    path("window/verify/", views.window_verify, name="window-verify"),
]
