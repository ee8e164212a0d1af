from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "事项目录"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registration)
