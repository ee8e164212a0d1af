"""The portal's own app: shared models (time stamps, notifications), tasks and error
pages."""

import axes.apps
from django.apps import AppConfig


class JinpuPortalConfig(AppConfig):
    name = "jinpu_portal"
    verbose_name = "平台基础"
    default = True  # the app's config; AxesConfig below is django-axes's

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (registers the portal's system checks)
        from .converters import register
        from .permissions import name_default_permissions

        register()  # <id:pk> in every app's urls.py, imported after the apps are ready
        # After django.contrib.auth's create_permissions (its app is ready first).
        post_migrate.connect(
            name_default_permissions, dispatch_uid="jinpu_portal.name_default_permissions"
        )


class AxesConfig(axes.apps.AppConfig):
    """django-axes (the login lockout) under a Chinese name in the admin, where its own
    is "Axes" (INSTALLED_APPS names this config; the rest of its words are translated in
    locale/zh_Hans/LC_MESSAGES/django.po)."""

    default = False
    verbose_name = "登录锁定"
