"""The portal's own app: shared models (time stamps, notifications), tasks and error
pages."""

from django.apps import AppConfig


class JinpuPortalConfig(AppConfig):
    name = "jinpu_portal"
    verbose_name = "平台基础"

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
