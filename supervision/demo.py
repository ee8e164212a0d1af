"""Demo data of supervision's delegations and time-limit pages, run by ``manage.py
seed_demo`` after the hall.

The other seeders' history is taken at the two halls' windows only; this one adds, once:

- **nearby cases (就近办理)**: concluded cases of the last six months accepted at the
  parks and streets on the items delegated to them (catalog's ``DELEGATIONS``), most at
  the bonded zone (保税区), fewer at 金石滩 and 普湾 and the two streets, so the
  delegations page ranks them as the New Area's report does (1,534 powers to the bonded
  zone, 82 to 金石滩, 97 to 普湾: the demo catalog holds a sample of them);
- **全域通办 at the stations**: market registrations (items of 通办范围 全域通办) accepted
  at each of the twelve market-supervision stations;
- **a revoked delegation** (普湾经济区: 旅行社业务经营许可, granted with the first batch,
  taken back at the end of 2023), so the list shows both states;
- **fast utility connections**: 供水报装 and 供气报装 (promised 11 working days) concluded
  at the 金普厅 in 3 to 6 working days, so the time-limit analysis flags them as limits
  that could be cut further (as they went from 15 to 11).

The cases and their records (收件, 受理, 办结) are written in bulk, as an import of past
cases would be (case numbers from the numbering service), like feedback's history; the
rollup refresher counts them on its next pass. They are not rated: the district's 好差评
figures stay those feedback's demo documents (好评率 99.80 %). Idempotent: nothing is added when the
cases are there.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from accounts.constants import DepartmentKind, Role
from accounts.demo import register_seeder
from accounts.models import Citizen, Department, Hall, Window
from catalog.calendar import add_working_days, is_working_day
from catalog.constants import TongbanScope, VersionStatus
from catalog.models import Delegation, ItemVersion
from intake.constants import CaseAction, CaseStatus, Channel
from intake.history import applications_import
from intake.models import Application, CaseEvent
from intake.services.numbering import case_number_next, case_number_prefix

from .refresh import refresh

NOTE = "就近办理及时限分析历史办件（演示数据导入）"
DAYS = 182
#: Concluded nearby cases per grantee (the unit's code).
NEARBY_CASES = {"BSQ": 180, "JST": 48, "PWQ": 36, "YYJD": 26, "DJGJD": 20}
#: 全域通办 cases per station: between these two.
STATION_CASES = (4, 16)
#: Fast connections at the 金普厅: item name → cases.
FAST_ITEMS = {"供水报装": 36, "供气报装": 30}
FAST_DAYS = (3, 6)
#: Of the nearby cases: concluded after the promised date.
LATE_SHARE = 0.04
REVOKED = (
    "PWQ",
    "旅行社业务经营许可",
    "第一批",
    datetime.date(2020, 6, 30),
    datetime.date(2023, 12, 31),
)


def _working_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    day, days = start, []
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    minute = rng.randrange(8 * 60 + 30, 17 * 60)
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), zone)


def _plan(rng, days, version, unit=None, window=None, took=None):
    """One concluded case: accepted on a working day, concluded ``took`` working days
    later (default: within the promised limit, a few late)."""
    promised = version.promised_limit_days
    accepted_on = rng.choice(days[: -max(2, promised + 1)])
    if took is None:
        took = rng.randint(0, max(0, promised))
        if promised and rng.random() < LATE_SHARE:
            took = promised + rng.randint(1, 3)
    accepted_at = _moment(rng, accepted_on)
    concluded_at = max(accepted_at, _moment(rng, add_working_days(accepted_on, took)))
    due = add_working_days(accepted_on, promised) if promised else None
    return version, unit, window, accepted_at, concluded_at, due


def _revoked_delegation() -> None:
    code, name, batch, granted_on, revoked_on = REVOKED
    grantee = Department.objects.filter(code=code).first()
    version = ItemVersion.objects.filter(name=name, status=VersionStatus.PUBLISHED).first()
    if grantee is None or version is None:
        return
    Delegation.objects.get_or_create(
        item=version.item,
        grantee=grantee,
        revoked_on=revoked_on,
        defaults={
            "batch": batch,
            "granted_on": granted_on,
            "document_number": "大金普发〔2020〕35号",
        },
    )


def seed_cases(*, seed: int = 2026) -> int:
    """The nearby, 全域通办 and fast cases (see the module); returns how many."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    citizens = list(Citizen.objects.order_by("pk")[:60])
    if not citizens:
        return 0
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    days = _working_days(yesterday - datetime.timedelta(days=DAYS), yesterday)
    published = ItemVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
        "item", "department"
    )
    plans = []
    for code, count in NEARBY_CASES.items():
        items = Delegation.objects.filter(grantee__code=code, revoked_on__isnull=True).values(
            "item_id"
        )
        versions = list(published.filter(item_id__in=items, promised_limit_days__gt=0))
        unit = Department.objects.filter(code=code).first()
        if not versions or unit is None:
            continue
        weights = [1 / (rank + 1) for rank in range(len(versions))]
        for _ in range(count):
            plans.append(_plan(rng, days, rng.choices(versions, weights)[0], unit=unit))
    district = list(published.filter(tongban_scope=TongbanScope.DISTRICT))
    for station in Department.objects.filter(kind=DepartmentKind.STATION).order_by("code"):
        offered = [v for v in district if v.accepting_units.filter(pk=station.pk).exists()]
        for _ in range(rng.randint(*STATION_CASES) if offered else 0):
            plans.append(_plan(rng, days, rng.choice(offered), unit=station))
    windows = list(Window.objects.filter(hall__code="JP").select_related("hall").order_by("number"))
    for name, count in FAST_ITEMS.items():
        version = published.filter(name=name).first()
        if version is None or not windows:
            continue
        for _ in range(count):
            took = rng.randint(*FAST_DAYS)
            plans.append(_plan(rng, days, version, window=rng.choice(windows), took=took))
    plans.sort(key=lambda p: p[3])

    applications = []
    for version, unit, window, accepted_at, concluded_at, due in plans:
        application = Application(
            item_version=version,
            status=CaseStatus.CONCLUDED,
            applicant=rng.choice(citizens),
            channel=Channel.COUNTER,
            hall=window.hall if window else None,
            window=window,
            accepting_unit=unit,
            submitted_at=accepted_at,
            received_at=accepted_at,
            accepted_at=accepted_at,
            concluded_at=concluded_at,
            promised_due_date=due,
            outcome_note=NOTE,
        )
        application.case_number = case_number_next(
            prefix=case_number_prefix(application),
            day=timezone.localtime(accepted_at).date(),
        )
        applications.append(application)
    applications_import(applications)

    events = []
    for application in Application.objects.filter(outcome_note=NOTE).select_related(
        "item_version", "hall"
    ):
        for action, at, before, after in (
            (CaseAction.RECEIVE, application.accepted_at, CaseStatus.DRAFT, CaseStatus.SUBMITTED),
            (CaseAction.ACCEPT, application.accepted_at, CaseStatus.SUBMITTED, CaseStatus.ACCEPTED),
            (
                CaseAction.CONCLUDE,
                application.concluded_at,
                CaseStatus.IN_APPROVAL,
                CaseStatus.CONCLUDED,
            ),
        ):
            events.append(
                CaseEvent(
                    application=application,
                    at=at,
                    action=action,
                    from_status=before,
                    to_status=after,
                    actor_role=str(Role.CLERK.label) if action != CaseAction.CONCLUDE else "",
                    channel=Channel.COUNTER,
                    hall=application.hall,
                    window_id=application.window_id,
                    department=application.item_version.department,
                    message=NOTE,
                )
            )
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    return len(applications)


@register_seeder("supervision", order=80)
def seed_supervision() -> None:
    _revoked_delegation()
    if Application.objects.filter(outcome_note=NOTE).exists():
        return
    if not Hall.objects.exists():
        return
    seed_cases()


# The annual report's cases (last year, and this year online and at the windows).
from . import demo_annual  # noqa: E402, F401 - registers its seeder


@register_seeder("supervision_rollups", order=90)
def seed_rollups() -> None:
    """The rollups brought up to the demo's record once the other seeders are done, so the
    overview shows the figures from the first page view (the worker's refresh would
    otherwise fill them within its first minute)."""
    refresh()
