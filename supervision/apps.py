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
                "综合监管",
                "收件、受理、办结、按时办结率、网办率、一次办结率、满意度，按期间、大厅、部门、事项、渠道筛选",
                "supervision:overview",
                "bi-speedometer2",
                1,
            ),
        )
        register_action(
            Role.SUPERVISOR,
            HomeAction(
                "红黄灯预警",
                "亮黄灯、红灯的办件、环节和整改单，按部门归集，可督办",
                "supervision:lights",
                "bi-stoplights",
                2,
            ),
        )
        register_action(
            Role.SUPERVISOR,
            HomeAction(
                "办件查询",
                "按办件编号、申请人、事项、部门、状态、亮灯和日期查询督查范围内的办件",
                "supervision:cases",
                "bi-search",
                3,
            ),
        )
        register_action(
            Role.SUPERVISOR,
            HomeAction(
                "年度报告",
                "按年度生成政务服务工作报告（PDF），含办件、网办、一次办结、好差评、赋权、时限压缩和大厅的图表",
                "supervision:annual",
                "bi-file-earmark-bar-graph",
                20,
            ),
        )
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
