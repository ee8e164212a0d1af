"""The hall pages' entries on the role home pages (accounts.navigation), registered by
``register()`` from HallConfig.ready()."""

from accounts.constants import Role
from accounts.navigation import ANONYMOUS, HomeAction, register_action


def register() -> None:
    register_action(
        ANONYMOUS,
        HomeAction(
            "大厅取号",
            "金普厅、金州厅现场取号，扫码查看排队进度",
            "hall:index",
            "bi-ticket-perforated",
            40,
        ),
    )
    register_action(
        Role.CITIZEN,
        HomeAction(
            "预约取号",
            "预约到大厅办理的时段，凭预约码取号",
            "hall:appointments",
            "bi-calendar-check",
            40,
        ),
    )
    register_action(
        Role.CLERK,
        HomeAction(
            "叫号", "本窗口叫号、重呼、过号、转移和开始办理", "hall:panel", "bi-megaphone", 5
        ),
    )
    for role in (Role.SUPERVISOR, Role.SYSTEM_ADMIN):
        register_action(
            role,
            HomeAction(
                "大厅实时概况",
                "等候人数、平均等候与办理时长、超时等候",
                "hall:overview",
                "bi-graph-up",
                40,
            ),
        )
