"""Account pages (login, sign-up, profile, verification, enterprise authorizations).
Mounted at /accounts/."""

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
    path("enterprises/<id:pk>/agents/", views.enterprise_agents, name="enterprise-agents"),
    path(
        "enterprises/<id:pk>/agents/<id:authorization_id>/revoke/",
        views.enterprise_agent_revoke,
        name="enterprise-agent-revoke",
    ),
    path("window/enterprise/", views.window_enterprise, name="window-enterprise"),
    path(
        "window/enterprise/<id:pk>/",
        views.window_enterprise_detail,
        name="window-enterprise-detail",
    ),
    path(
        "window/enterprise/<id:pk>/agents/<id:authorization_id>/revoke/",
        views.window_agent_revoke,
        name="window-agent-revoke",
    ),
    path("attorney/<id:pk>/", views.power_of_attorney_file, name="attorney-file"),
]
