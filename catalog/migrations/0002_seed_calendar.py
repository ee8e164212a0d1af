"""Seed the working-day calendar from the chinesecalendar package (2004 up to the last
year it knows). The package's data is read at migration time; later years are entered
by an administrator (and the system check catalog.W001 says when one is missing)."""

from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("catalog", "CalendarDay")
    CalendarYear = apps.get_model("catalog", "CalendarYear")
    rows = {}
    for day, name in chinese_calendar.holidays.items():
        rows[day] = ("holiday", name)
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:  # only weekend days worked in lieu are exceptions
            rows[day] = ("workday", name)
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=day, kind=kind, name=name or "", source="package")
            for day, (kind, name) in sorted(rows.items())
            if day not in existing
        ],
        batch_size=500,
    )
    years = sorted({day.year for day in rows})
    for year in years:
        CalendarYear.objects.get_or_create(
            year=year, defaults={"source": "package", "note": "chinesecalendar"}
        )


def unseed(apps, schema_editor):
    apps.get_model("catalog", "CalendarDay").objects.filter(source="package").delete()
    apps.get_model("catalog", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
