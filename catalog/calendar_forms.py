"""The form of the year's schedule entry page (工作日历 · 录入全年安排): the year, the
notice's number, rows of holiday ranges (name, first and last day off) and rows of
weekend days worked in lieu (date, the holiday they belong to).

Every rule is checked before anything is written, each error on the field it is about,
in Chinese: dates within the year, a range's end not before its start, ranges not
overlapping, a worked day a Saturday or Sunday outside every range and not listed
twice, a name for every range and worked day. The first seven rows carry the names of
the statutory holidays (《全国年节及纪念日放假办法》), never their dates: a named row
left without dates is an error, so no holiday is forgotten silently; a year whose
notice merges two of them (国庆节、中秋节) renames one row and clears the other.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from jinpu_portal.dates import date_text

from .calendar import YEARS_AHEAD
from .calendar_services import HolidayRange, PlannedDay, schedule_days

# The names of the statutory holidays, in calendar order (the first rows' names).
STATUTORY_NAMES = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
HOLIDAY_ROWS = 9
WORKDAY_ROWS = 10
NAME_MAX = 50  # CalendarDay.name
WEEKDAYS = "一二三四五六日"


def weekday_text(day: datetime.date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "请按 YYYY-MM-DD 填写有效的日期，如 2027-01-01。"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _name_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=NAME_MAX,
        error_messages={"max_length": f"名称最多 {NAME_MAX} 个字。"},
    )


class YearScheduleForm(forms.Form):
    year = forms.IntegerField(
        label="年份",
        error_messages={"required": "请填写年份。", "invalid": "年份须为整数，如 2027。"},
    )
    note = forms.CharField(
        label="依据（通知文号）",
        required=False,
        max_length=200,
        help_text="如“国办发明电〔2026〕×号”，保存在工作日历年度中",
        error_messages={"max_length": "通知文号最多 200 个字。"},
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        for row in range(HOLIDAY_ROWS):
            self.fields[f"h{row}_name"] = _name_field("节日名称")
            self.fields[f"h{row}_start"] = _date_field("放假开始")
            self.fields[f"h{row}_end"] = _date_field("放假结束")
            if row < len(STATUTORY_NAMES):
                self.initial.setdefault(f"h{row}_name", STATUTORY_NAMES[row])
        for row in range(WORKDAY_ROWS):
            self.fields[f"w{row}_date"] = _date_field("调休上班日期")
            self.fields[f"w{row}_name"] = _name_field("对应节日")
        self.plan: list[PlannedDay] = []

    # --- The template's rows ----------------------------------------------------------

    @property
    def holiday_rows(self):
        return [
            (row + 1, [self[f"h{row}_{part}"] for part in ("name", "start", "end")])
            for row in range(HOLIDAY_ROWS)
        ]

    @property
    def workday_rows(self):
        return [
            (row + 1, [self[f"w{row}_{part}"] for part in ("date", "name")])
            for row in range(WORKDAY_ROWS)
        ]

    def error_summary(self) -> list[dict]:
        """Every error, in the page's order, with the field it is about (its id, for
        the summary's link) and where that field is: 放假安排第 2 行 放假开始."""
        summary = [{"anchor": "", "message": e} for e in self.non_field_errors()]
        for field in self:
            where = field.label
            if field.name[0] in "hw" and field.name[1].isdigit():
                group = "放假安排" if field.name[0] == "h" else "调休上班"
                row = int(field.name[1:].split("_")[0]) + 1
                where = f"{group}第 {row} 行 {field.label}"
            summary.extend(
                {"anchor": field.id_for_label, "message": f"{where}：{e}"} for e in field.errors
            )
        return summary

    # --- Validation ---------------------------------------------------------------------

    def clean_year(self):
        year = self.cleaned_data["year"]
        first, last = self.today.year, self.today.year + YEARS_AHEAD
        if not first <= year <= last:
            raise forms.ValidationError(f"年份须在 {first} 年至 {last} 年之间。")
        return year

    def _text(self, name: str) -> str:
        return (self.cleaned_data.get(name) or "").strip()

    def _outside(self, year, field: str, day: datetime.date) -> bool:
        if year is not None and day.year != year:
            self.add_error(field, f"日期须在 {year} 年内（填写的是 {date_text(day)}）。")
            return True
        return False

    def _ranges(self, year) -> list[tuple[int, HolidayRange]]:
        ranges = []
        for row in range(HOLIDAY_ROWS):
            names = {part: f"h{row}_{part}" for part in ("name", "start", "end")}
            if any(field in self.errors for field in names.values()):
                continue  # a date that is no date, a name too long: said already
            name = self._text(names["name"])
            start = self.cleaned_data.get(names["start"])
            end = self.cleaned_data.get(names["end"])
            if not (name or start or end):
                continue
            if not (start or end):
                self.add_error(
                    names["start"],
                    f"请填写“{name}”的放假起止日期；与其他节日合并放假的，请清空本行的节日名称。",
                )
                continue
            problem = False
            if not name:
                self.add_error(names["name"], "请填写节日名称，如“元旦”。")
                problem = True
            if not start:
                self.add_error(names["start"], "请填写放假开始日期。")
                problem = True
            if not end:
                self.add_error(names["end"], "请填写放假结束日期（只放一天的，与开始日期相同）。")
                problem = True
            if start and self._outside(year, names["start"], start):
                problem = True
            if end and self._outside(year, names["end"], end):
                problem = True
            if start and end and end < start:
                self.add_error(names["end"], "放假结束日期不能早于开始日期。")
                problem = True
            if not problem:
                ranges.append((row + 1, HolidayRange(name, start, end)))
        # In order of start: a range overlaps an earlier one when it starts before the
        # latest end so far (the range holding it is named).
        latest = None
        for row, holiday in sorted(ranges, key=lambda pair: (pair[1].start, pair[0])):
            if latest is not None and holiday.start <= latest[1].end:
                first_row, first = latest
                self.add_error(
                    f"h{row - 1}_start",
                    f"与第 {first_row} 行“{first.name}”（{date_text(first.start)}至"
                    f"{date_text(first.end)}）的放假日期重叠。",
                )
            if latest is None or holiday.end > latest[1].end:
                latest = (row, holiday)
        return ranges

    def _workdays(self, year, ranges) -> list[tuple[datetime.date, str]]:
        workdays, seen = [], {}
        for row in range(WORKDAY_ROWS):
            date_field, name_field = f"w{row}_date", f"w{row}_name"
            if date_field in self.errors or name_field in self.errors:
                continue
            day = self.cleaned_data.get(date_field)
            name = self._text(name_field)
            if not (day or name):
                continue
            if not day:
                self.add_error(date_field, "请填写调休上班日期。")
                continue
            problem = self._outside(year, date_field, day)
            if not name:
                self.add_error(name_field, "请填写该调休上班日对应的节日名称，如“春节”。")
                problem = True
            if day.weekday() < 5:
                self.add_error(
                    date_field,
                    f"{date_text(day)}是{weekday_text(day)}；调休上班日须为周六或周日。",
                )
                problem = True
            for number, holiday in ranges:
                if holiday.start <= day <= holiday.end:
                    self.add_error(
                        date_field,
                        f"{date_text(day)}在第 {number} 行“{holiday.name}”的放假期间内，"
                        "不能同时调休上班。",
                    )
                    problem = True
            if day in seen:
                self.add_error(date_field, f"与第 {seen[day]} 行的调休上班日期重复。")
                problem = True
            seen.setdefault(day, row + 1)
            if not problem:
                workdays.append((day, name))
        return workdays

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        ranges = self._ranges(year)
        workdays = self._workdays(year, ranges)
        if not ranges and not any(name.startswith("h") for name in self.errors):
            raise forms.ValidationError("请至少填写一段放假安排。")
        if not self.errors:
            self.plan = schedule_days([holiday for _row, holiday in ranges], workdays)
        return cleaned
