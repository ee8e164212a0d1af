"""The accounts app: users, identities, the organisation and roles (the bottom layer
with jinpu_portal)."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与组织"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .constants import Role
        from .roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
        from . import checks, signals  # noqa: F401  (checks: registration)

        signals.connect()
        from .navigation import ANONYMOUS, HomeAction, register_action

        register_action(
            ANONYMOUS,
            HomeAction(
                "登录",
                "办事群众、窗口和审批人员登录",
                "accounts:login",
                "bi-box-arrow-in-right",
                90,
            ),
        )
        register_action(
            ANONYMOUS,
            HomeAction(
                "注册账号", "实名注册后可在网上申请办事", "accounts:signup", "bi-person-plus", 95
            ),
        )
        register_action(
            Role.CITIZEN,
            HomeAction(
                "实名信息与企业",
                "实名认证，企业法定代表人授权经办人",
                "accounts:profile",
                "bi-person-vcard",
                90,
            ),
        )
        register_action(
            Role.CLERK,
            HomeAction(
                "窗口实名核验",
                "查验身份证，为网上账号完成实名认证",
                "accounts:window-verify",
                "bi-person-check",
                80,
            ),
        )
        register_action(
            Role.CLERK,
            HomeAction(
                "企业授权登记",
                "查验营业执照和身份证登记法定代表人，凭授权委托书登记经办人",
                "accounts:window-enterprise",
                "bi-building-check",
                81,
            ),
        )
        register_action(
            Role.SYSTEM_ADMIN,
            HomeAction("管理后台", "用户、角色、部门、大厅与窗口", "admin:index", "bi-gear", 10),
        )
        register_action(
            Role.CATALOG_ADMIN,
            HomeAction("管理后台", "事项目录与工作日历", "admin:index", "bi-gear", 50),
        )
        register_action(
            Role.SYSTEM_ADMIN,
            HomeAction("接口文档", "API 文档（OpenAPI）", "api-docs", "bi-braces", 90),
        )
