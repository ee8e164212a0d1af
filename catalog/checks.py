"""System checks of the catalog: the working-day calendar covers the coming year."""

import datetime

from django.conf import settings
from django.core.checks import Warning, register
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from .calendar import uncovered_years, years_to_check


def calendar_coverage_warnings(today: datetime.date | None = None) -> list[Warning]:
    today = today or timezone.localdate()
    try:
        missing = uncovered_years(years_to_check(today, settings.CALENDAR_WARN_DAYS_AHEAD))
    except DatabaseError:
        return []  # not migrated yet: `migrate` itself runs the checks
    return [
        Warning(
            f"工作日历未录入 {year} 年的节假日与调休安排，该年暂按《全国年节及纪念日放假办法》"
            "推算的法定节假日（含补假，不含调休）计算工作日。",
            hint=(
                f"在“录入全年节假日安排”页面（{reverse('calendar:year-entry')}）一次录入国务院"
                "办公厅公布的安排，或在管理后台“节假日与调休”中逐日录入。"
            ),
            id="catalog.W001",
            obj=f"calendar {year}",
        )
        for year in missing
    ]


@register()
def calendar_coverage_check(app_configs, **kwargs):
    """Runs with every `check` (and runserver): a missing year must be loud, not hidden
    behind `--database`. Reads two rows; without a migrated table it stays silent."""
    return calendar_coverage_warnings()
