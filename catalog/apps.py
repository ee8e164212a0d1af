from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "事项目录"

    def ready(self):
        from accounts.constants import Role
        from accounts.roles import grant_model_permissions

        from . import checks, signals  # noqa: F401  (registration)

        grant_model_permissions(Role.CATALOG_ADMIN, "catalog")
