"""Demo data: the Jinpu organisation and one account per role.

``manage.py seed_demo`` discovers every app's ``demo`` module (Django's
autodiscover_modules) and runs the seeders they register, in order. Every seeder is
idempotent: it looks rows up by their natural key, so a second run adds nothing.
"""

import datetime
import heapq
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .constants import DepartmentKind, Role
from .models import Citizen, Department, Enterprise, Hall, User, Window
from .validators import (
    credit_code_check_char,
    organisation_code_check_char,
    resident_id_check_char,
)

DEMO_PASSWORD = "Jinpu@2026"  # noqa: S105 - printed by `make demo`; demo data only


@dataclass(frozen=True)
class Seeder:
    order: int
    name: str
    func: Callable[[], None]


_SEEDERS: dict[str, Seeder] = {}


def register_seeder(name: str, order: int):
    def decorator(func):
        _SEEDERS[name] = Seeder(order, name, func)
        return func

    return decorator


def seeders() -> list[Seeder]:
    return sorted(_SEEDERS.values(), key=lambda s: (s.order, s.name))


@contextmanager
def as_of(moment: datetime.datetime) -> Iterator[datetime.datetime]:
    """Inside the block the services take ``moment`` (aware) for now: what they stamp
    (an acceptance, its case number's day, the clocks started, the events) is what that
    moment of a past working day left, as the tests' ``at`` fixture does it. The demo's
    seeders take a case through the services on the days it was worked rather than
    writing its rows by hand. Demo data only: it swaps ``django.utils.timezone.now``
    (which ``localdate`` and ``auto_now`` read) of this process for the block, and
    ``manage.py seed_demo`` runs its seeders one after the other in one thread."""
    real = timezone.now
    utc = moment.astimezone(datetime.UTC)
    timezone.now = lambda: utc
    try:
        yield moment
    finally:
        timezone.now = real


#: A dated story of the demo (``in_date_order``): a generator that yields the moment of
#: its next act, then does that act when resumed.
Story = Iterator[datetime.datetime]


def in_date_order(stories: Iterable[Story]) -> None:
    """Run the demo's dated stories together, every act on its moment (``as_of``) and
    the acts of all the stories in date order, as the days they tell would have
    happened: what the services number from a sequence on the way (a notice's number,
    one yearly sequence per type of document: ``intake.services.numbering``) then
    follows the dates, an earlier notice never numbered after a later one. Story after
    story, each worked through its days, would number a case of three weeks ago after
    one of today.

    A story computes the moments of its acts before its first yield: every story runs
    up to there first, with the real clock, before any act. The code it runs when
    resumed runs under ``as_of`` of the act's moment, where ``timezone.now()`` (and
    whatever reads it: today's date, "n working days ago") gives that moment. A moment
    before the story's previous one runs at the previous one (now read twice from the
    real clock, a microsecond apart); ties run in the order of ``stories``."""
    queue: list[tuple[datetime.datetime, int, Story]] = []
    for index, story in enumerate(stories):
        first = next(story, None)
        if first is not None:
            heapq.heappush(queue, (first, index, story))
    while queue:
        moment, index, story = heapq.heappop(queue)
        with as_of(moment):
            following = next(story, None)
        if following is not None:
            heapq.heappush(queue, (max(following, moment), index, story))


def make_credit_code(prefix16: str) -> str:
    """A valid credit code from its first 16 characters: the organisation code's check
    character (GB 11714), then the code's own (GB 32100)."""
    prefix17 = prefix16 + organisation_code_check_char(prefix16[8:16])
    return prefix17 + credit_code_check_char(prefix17)


def make_resident_id(prefix17: str) -> str:
    return prefix17 + resident_id_check_char(prefix17)


# (code, name, short name, kind); the codes are stable: the demo catalog refers to them.
DEPARTMENTS = [
    ("GWH", "大连金普新区管理委员会", "管委会", DepartmentKind.COMMITTEE),
    ("SPJ", "金普新区行政审批局", "行政审批局", DepartmentKind.DEPARTMENT),
    ("SCJ", "金普新区市场监督管理局", "市场监管局", DepartmentKind.DEPARTMENT),
    ("RSJ", "金普新区人力资源和社会保障局", "人社局", DepartmentKind.DEPARTMENT),
    ("ZJJ", "金普新区住房和城乡建设局", "住建局", DepartmentKind.DEPARTMENT),
    ("ZRJ", "大连市自然资源局金普新区分局", "自然资源分局", DepartmentKind.DEPARTMENT),
    ("HBJ", "大连市生态环境局金普新区分局", "生态环境分局", DepartmentKind.DEPARTMENT),
    ("JTJ", "金普新区交通运输局", "交通局", DepartmentKind.DEPARTMENT),
    ("WJJ", "金普新区卫生健康局", "卫健局", DepartmentKind.DEPARTMENT),
    ("JYJ", "金普新区教育局", "教育局", DepartmentKind.DEPARTMENT),
    ("MZJ", "金普新区民政局", "民政局", DepartmentKind.DEPARTMENT),
    ("GAJ", "大连市公安局金普新区分局", "公安分局", DepartmentKind.DEPARTMENT),
    ("SWJ", "国家税务总局大连市金普新区税务局", "税务局", DepartmentKind.DEPARTMENT),
    ("NYJ", "金普新区农业农村局", "农业农村局", DepartmentKind.DEPARTMENT),
    ("WLJ", "金普新区文化和旅游局", "文旅局", DepartmentKind.DEPARTMENT),
    ("YJJ", "金普新区应急管理局", "应急局", DepartmentKind.DEPARTMENT),
    ("CGJ", "金普新区城市管理局", "城管局", DepartmentKind.DEPARTMENT),
    ("TJJ", "金普新区退役军人事务局", "退役军人局", DepartmentKind.DEPARTMENT),
    ("YBJ", "金普新区医疗保障局", "医保局", DepartmentKind.DEPARTMENT),
    ("SWU", "金普新区水务集团有限公司", "水务集团", DepartmentKind.DEPARTMENT),
    ("RQG", "金普新区燃气有限公司", "燃气公司", DepartmentKind.DEPARTMENT),
    ("BSQ", "大连保税区管理委员会", "保税区", DepartmentKind.PARK),
    ("JST", "大连金石滩国家旅游度假区管理委员会", "金石滩", DepartmentKind.PARK),
    ("PWQ", "大连普湾经济区管理委员会", "普湾经济区", DepartmentKind.PARK),
    ("YYJD", "金普新区友谊街道办事处", "友谊街道", DepartmentKind.STREET),
    ("YZJD", "金普新区拥政街道办事处", "拥政街道", DepartmentKind.STREET),
    ("GMJD", "金普新区光明街道办事处", "光明街道", DepartmentKind.STREET),
    ("DJGJD", "金普新区董家沟街道办事处", "董家沟街道", DepartmentKind.STREET),
]
STATIONS = [
    "友谊", "拥政", "光明", "站前", "先进", "董家沟",
    "大魏家", "二十里堡", "亮甲店", "登沙河", "杏树", "七顶山",
]  # fmt: skip

HALLS = [
    ("JP", "金普厅", "金普新区金马路 198 号政务服务中心一楼", 8),
    ("JZ", "金州厅", "金普新区斯大林路 688 号政务服务中心", 6),
]
HOURS = "周一至周五 8:30–11:30，13:00–17:00（法定节假日除外）"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role
    note: str


DEMO_ACCOUNTS = [
    DemoAccount("citizen", "张明", Role.CITIZEN, "网上申请办事，可代表示范企业"),
    DemoAccount("clerk", "李娜", Role.CLERK, "金普厅 1 号综合窗口"),
    DemoAccount("clerk2", "陈静", Role.CLERK, "金州厅 2 号综合窗口"),
    DemoAccount("approver", "王强", Role.APPROVER, "市场监管局、行政审批局审批"),
    DemoAccount("approver2", "刘洋", Role.APPROVER, "住建局、水务集团、燃气公司审批"),
    DemoAccount(
        "approver3", "郑凯", Role.APPROVER, "公安分局、自然资源分局、民政局审批（联办核查）"
    ),
    DemoAccount("head", "周建国", Role.APPROVER, "行政审批局负责人，批准延期"),
    DemoAccount("head2", "冯立新", Role.APPROVER, "市场监管局负责人，批准延期"),
    DemoAccount("govhead", "吴振华", Role.GOVERNMENT_HEAD, "区政府负责人，批准联办事项延期"),
    DemoAccount("supervisor", "赵敏", Role.SUPERVISOR, "全区督查"),
    DemoAccount("catalog", "孙磊", Role.CATALOG_ADMIN, "事项目录与工作日历"),
    DemoAccount("admin", "系统管理员", Role.SYSTEM_ADMIN, "管理后台"),
]


#: The departments each demo approver acts for. ``approver3`` acts for the co-handling
#: departments of the demo's 联办 item (公共租赁住房租赁资格申请: 住建局 accepts and
#: decides, 公安分局, 自然资源分局 and 民政局 check in parallel), so the printed accounts
#: take a joint case from acceptance to conclusion.
APPROVER_DEPARTMENTS = {
    "approver": ["SCJ", "SPJ"],
    "approver2": ["ZJJ", "SWU", "RQG"],
    "approver3": ["GAJ", "ZRJ", "MZJ"],
    "head": ["SPJ"],
    "head2": ["SCJ"],
}
#: Department heads (负责人): each approves the extensions of their department (art. 42).
DEPARTMENT_HEADS = {"head": "SPJ", "head2": "SCJ"}


@register_seeder("organisation", order=10)
def seed_organisation() -> None:
    committee = None
    for index, (code, name, short, kind) in enumerate(DEPARTMENTS):
        department, _ = Department.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "credit_code": make_credit_code(f"11210213{index:08d}"),
                "parent": committee if kind != DepartmentKind.COMMITTEE else None,
                "phone": f"0411-8765{index:04d}",
                "sort_order": index,
            },
        )
        if kind == DepartmentKind.COMMITTEE:
            committee = department
    market = Department.objects.get(code="SCJ")
    for index, place in enumerate(STATIONS, start=1):
        Department.objects.update_or_create(
            code=f"SCJ-S{index:02d}",
            defaults={
                "name": f"金普新区市场监督管理局{place}市场监督管理所",
                "short_name": f"{place}所",
                "kind": DepartmentKind.STATION,
                "credit_code": make_credit_code(f"11210213{100 + index:08d}"),
                "parent": market,
                "sort_order": 200 + index,
            },
        )
    for code, name, address, windows in HALLS:
        hall, _ = Hall.objects.update_or_create(
            code=code,
            defaults={"name": name, "address": address, "opening_hours": HOURS, "phone": "8890"},
        )
        for number in range(1, windows + 1):
            Window.objects.get_or_create(
                hall=hall, number=number, defaults={"name": f"综合受理 {number} 号窗口"}
            )


@register_seeder("accounts", order=20)
def seed_accounts() -> None:
    from .services import (
        citizen_register,
        enterprise_register,
        staff_assign_window,
        staff_grant_department,
        staff_profile_for,
        staff_set_department_head,
        staff_set_district_wide,
        user_set_roles,
    )

    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username, defaults={"full_name": account.full_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user_set_roles(user=user, roles=[account.role])

    citizen_user = User.objects.get(username="citizen")
    citizen = Citizen.objects.filter(user=citizen_user).first() or citizen_register(
        name="张明",
        id_number=make_resident_id("21021319880612003"),
        phone="13800000001",
        user=citizen_user,
        verified=True,
    )
    enterprise = Enterprise.objects.filter(name="大连金普示范科技有限公司").first()
    if enterprise is None:
        enterprise = enterprise_register(
            name="大连金普示范科技有限公司",
            credit_code=make_credit_code("91210213MA0Y1234"),
            legal_representative="张明",
            address="金普新区金马路 1 号",
            representative=citizen,  # 张明's ID number on record: he is its legal representative
        )

    jinpu, jinzhou = Hall.objects.get(code="JP"), Hall.objects.get(code="JZ")
    for username, window in [
        ("clerk", Window.objects.get(hall=jinpu, number=1)),
        ("clerk2", Window.objects.get(hall=jinzhou, number=2)),
    ]:
        staff_assign_window(user=User.objects.get(username=username), window=window)
    for username, codes in APPROVER_DEPARTMENTS.items():
        user = User.objects.get(username=username)
        staff_profile_for(user)
        for code in codes:
            staff_grant_department(user=user, department=Department.objects.get(code=code))
    for username, code in DEPARTMENT_HEADS.items():
        staff_set_department_head(
            user=User.objects.get(username=username), department=Department.objects.get(code=code)
        )
    staff_set_district_wide(user=User.objects.get(username="supervisor"), district_wide=True)


def run_all(stdout=None) -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    for seeder in seeders():
        with transaction.atomic():
            seeder.func()
        if stdout is not None:
            stdout.write(f"  seeded {seeder.name}")
