"""The days seeded from the chinesecalendar package (0002) carry its English names
("Spring Festival", "Labour Day"): give them their Chinese names, as the admin, the
calendar API and every page show them."""

from django.db import migrations

from catalog.calendar import HOLIDAY_NAMES_ZH as NAMES_ZH


def to_chinese(apps, schema_editor):
    CalendarDay = apps.get_model("catalog", "CalendarDay")
    for english, chinese in NAMES_ZH.items():
        CalendarDay.objects.filter(name=english).update(name=chinese)


def to_english(apps, schema_editor):
    CalendarDay = apps.get_model("catalog", "CalendarDay")
    for english, chinese in NAMES_ZH.items():
        CalendarDay.objects.filter(name=chinese, source="package").update(name=english)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_search_grams")]
    operations = [migrations.RunPython(to_chinese, to_english)]
