"""The intake app (受理): applications from both channels, the counter's verdicts,
notices and case numbers."""

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "一窗受理"

    def ready(self):
        from accounts.constants import Role
        from accounts.navigation import HomeAction, register_action, register_alerts

        from .citizen_selectors import citizen_home_alerts

        register_alerts(Role.CITIZEN, citizen_home_alerts)

        for action in (
            HomeAction(
                "我的申请",
                "查看办理进度、文书，补正材料或撤回申请",
                "intake:my_applications",
                "bi-folder2-open",
                10,
            ),
            HomeAction(
                "一件事一次办",
                "一次申请、一套材料，办成多个事项",
                "intake:bundle_list",
                "bi-collection",
                20,
            ),
            HomeAction("站内消息", "受理、补正等办理通知", "intake:notifications", "bi-bell", 30),
        ):
            register_action(Role.CITIZEN, action)
        for action in (
            HomeAction(
                "网上预审", "待预审的网上申请，超时提醒", "intake:workbench", "bi-inbox", 10
            ),
            HomeAction(
                "窗口收件",
                "核验申请人与材料，受理、补正或不予受理",
                "intake:workbench-counter",
                "bi-person-plus",
                20,
            ),
            HomeAction(
                "本窗口办件",
                "本窗口办理的申请与文书",
                "intake:workbench-cases",
                "bi-folder2-open",
                30,
            ),
        ):
            register_action(Role.CLERK, action)
