"""Provisional holidays for a year the State Council has not yet published.

《全国年节及纪念日放假办法》 (2025 revision) fixes the statutory days off: 元旦 1 Jan,
春节 除夕 and 正月初一 to 初三, 清明 (the solar term), 劳动节 1-2 May, 端午 五月初五,
中秋 八月十五, 国庆 1-3 Oct. Lunar dates and 清明 come from lunar-python; 除夕 is the day
before 正月初一, so a 腊月 of 29 days is handled by construction.

补假 rule (the decree: a statutory day falling on a Saturday or Sunday is made up on a
working day): taking the statutory days in date order, each one on a weekend is made up
on the first later day that is Monday-Friday and neither a statutory day nor a make-up
day already assigned. Weekend days worked in lieu (调休) are the State Council's choice
and are never guessed.

These days are computed, not stored: a CalendarYear row means "published", so every year
without one (however far ahead a limit reaches) gets the provisional days, and entering
the published year switches from them to the table in one edit (which re-derives open
clocks like any calendar edit). The system check keeps warning while a needed year is
unpublished.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from lunar_python import Lunar, Solar

_ONE_DAY = datetime.timedelta(days=1)


def _lunar(year: int, month: int, day: int) -> datetime.date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> datetime.date:
    for day in range(1, 11):
        if Solar.fromYmd(year, 4, day).getLunar().getJieQi() == "清明":
            return datetime.date(year, 4, day)
    raise ValueError(f"no 清明 found in April {year}")


def statutory_days(year: int) -> dict[datetime.date, str]:
    """The statutory days off of ``year`` with their Chinese names."""
    new_year = _lunar(year, 1, 1)
    days = {datetime.date(year, 1, 1): "元旦"}
    for offset in range(-1, 3):
        days[new_year + offset * _ONE_DAY] = "春节"
    days[_qingming(year)] = "清明节"
    days[datetime.date(year, 5, 1)] = days[datetime.date(year, 5, 2)] = "劳动节"
    days[_lunar(year, 5, 5)] = "端午节"
    days[_lunar(year, 8, 15)] = "中秋节"
    for day in (1, 2, 3):
        days[datetime.date(year, 10, day)] = "国庆节"
    return days


@lru_cache(maxsize=64)
def provisional_holidays(year: int) -> dict[datetime.date, str]:
    """Statutory days plus their make-up days (补假), by the rule in the module docstring."""
    statutory = statutory_days(year)
    days = dict(statutory)
    for day in sorted(statutory):
        if day.weekday() < 5:
            continue
        makeup = day + _ONE_DAY
        while makeup.weekday() >= 5 or makeup in days:
            makeup += _ONE_DAY
        days[makeup] = f"{statutory[day]}（补假）"
    return dict(sorted(days.items()))
