"""The catalog app: service items, their versions, bundles and the working-day
calendar."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "事项目录"

    def ready(self):
        from accounts.constants import Role
        from accounts.navigation import ANONYMOUS, HomeAction, register_action
        from accounts.roles import grant_model_permissions

        from . import checks, signals  # noqa: F401  (checks: registration)

        signals.connect()

        grant_model_permissions(Role.CATALOG_ADMIN, "catalog")

        guide = HomeAction(
            "办事指南",
            "按部门、主题查找事项，查看材料清单，下载一次告知书",
            "catalog:home",
            "bi-journal-text",
            10,
        )
        for audience in (ANONYMOUS, Role.CITIZEN, Role.CLERK):
            register_action(audience, guide)
