"""The catalog app: service items, their versions, bundles and the working-day
calendar."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "事项目录"

    def ready(self):
        from accounts.constants import Role
        from accounts.navigation import ANONYMOUS, HomeAction, register_action, register_notices
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

        from .calendar_views import calendar_notices

        entry = HomeAction(
            "录入全年节假日",
            "按国务院办公厅的放假安排，一次录入全年放假与调休上班",
            "calendar:year-entry",
            "bi-calendar-check",
            55,
        )
        for role in (Role.CATALOG_ADMIN, Role.SYSTEM_ADMIN):
            register_action(role, entry)
        # Those who keep the calendar, and the supervisors, whose deadlines depend on it.
        for role in (Role.CATALOG_ADMIN, Role.SYSTEM_ADMIN, Role.SUPERVISOR):
            register_notices(role, calendar_notices)
