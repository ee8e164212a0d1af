"""The supervision app (监督管理): read-only rollups of the apps below it; ``ready``
registers the supervisor's home actions."""

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "监督管理"

    def ready(self):
        from accounts.constants import Role
        from accounts.navigation import HomeAction, register_action

        register_action(
            Role.SUPERVISOR,
            HomeAction(
                "好差评统计",
                "好评率、主动评价好评率、差评率、不评率，按期间、事项、部门、大厅、窗口、人员、渠道",
                "supervision:feedback",
                "bi-star-half",
                10,
            ),
        )
