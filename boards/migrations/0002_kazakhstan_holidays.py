"""Kazakhstan's public holidays for 2026 and 2027, with the days off moved from weekends.

Religious holidays (Orthodox Christmas, Kurban Ait) are not moved. The government confirms
transfers each year by decree; moderators keep this table current in the admin.
"""

from datetime import date

from django.db import migrations

HOLIDAYS = [
    (date(2026, 1, 1), "New Year"),
    (date(2026, 1, 2), "New Year"),
    (date(2026, 1, 7), "Orthodox Christmas"),
    (date(2026, 3, 8), "International Women's Day"),
    (date(2026, 3, 9), "International Women's Day (day off moved from Sunday)"),
    (date(2026, 3, 21), "Nauryz"),
    (date(2026, 3, 22), "Nauryz"),
    (date(2026, 3, 23), "Nauryz"),
    (date(2026, 3, 24), "Nauryz (day off moved from Saturday)"),
    (date(2026, 3, 25), "Nauryz (day off moved from Sunday)"),
    (date(2026, 5, 1), "Unity Day of the People of Kazakhstan"),
    (date(2026, 5, 7), "Defender of the Fatherland Day"),
    (date(2026, 5, 9), "Victory Day"),
    (date(2026, 5, 11), "Victory Day (day off moved from Saturday)"),
    (date(2026, 5, 27), "Kurban Ait"),
    (date(2026, 7, 6), "Capital Day"),
    (date(2026, 8, 30), "Constitution Day"),
    (date(2026, 8, 31), "Constitution Day (day off moved from Sunday)"),
    (date(2026, 10, 25), "Republic Day"),
    (date(2026, 10, 26), "Republic Day (day off moved from Sunday)"),
    (date(2026, 12, 16), "Independence Day"),
    (date(2027, 1, 1), "New Year"),
    (date(2027, 1, 2), "New Year"),
    (date(2027, 1, 4), "New Year (day off moved from Saturday)"),
    (date(2027, 1, 7), "Orthodox Christmas"),
    (date(2027, 3, 8), "International Women's Day"),
    (date(2027, 3, 21), "Nauryz"),
    (date(2027, 3, 22), "Nauryz"),
    (date(2027, 3, 23), "Nauryz"),
    (date(2027, 3, 24), "Nauryz (day off moved from Sunday)"),
    (date(2027, 5, 1), "Unity Day of the People of Kazakhstan"),
    (date(2027, 5, 3), "Unity Day (day off moved from Saturday)"),
    (date(2027, 5, 7), "Defender of the Fatherland Day"),
    (date(2027, 5, 9), "Victory Day"),
    (date(2027, 5, 10), "Victory Day (day off moved from Sunday)"),
    (date(2027, 5, 16), "Kurban Ait"),
    (date(2027, 7, 6), "Capital Day"),
    (date(2027, 8, 30), "Constitution Day"),
    (date(2027, 10, 25), "Republic Day"),
    (date(2027, 12, 16), "Independence Day"),
]


def add_holidays(apps, schema_editor):
    Holiday = apps.get_model("boards", "Holiday")
    for day, name in HOLIDAYS:
        Holiday.objects.get_or_create(date=day, defaults={"name": name})


def remove_holidays(apps, schema_editor):
    Holiday = apps.get_model("boards", "Holiday")
    Holiday.objects.filter(date__in=[day for day, _ in HOLIDAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("boards", "0001_initial")]

    operations = [migrations.RunPython(add_holidays, remove_holidays)]
