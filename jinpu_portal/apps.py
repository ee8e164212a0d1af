"""The portal's own app: shared models (time stamps, notifications), tasks and error
pages."""

from django.apps import AppConfig


class JinpuPortalConfig(AppConfig):
    name = "jinpu_portal"
    verbose_name = "平台基础"

    def ready(self):
        from . import checks  # noqa: F401  (registers the portal's system checks)
        from .converters import register

        register()  # <id:pk> in every app's urls.py, imported after the apps are ready
