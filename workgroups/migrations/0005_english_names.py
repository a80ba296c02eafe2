# English names of reference data, shown in the English interface where given. Existing
# databases get them from `manage.py load_reference_data`, which fills blank English names
# (and never overwrites one the office typed).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workgroups', '0004_dates_from_2000_to_2100'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalworkgrouptemplate',
            name='name_en',
            field=models.CharField(blank=True, help_text='Shown in the English interface; the name is shown when empty.', max_length=150, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='workgrouptemplate',
            name='name_en',
            field=models.CharField(blank=True, help_text='Shown in the English interface; the name is shown when empty.', max_length=150, verbose_name='English name'),
        ),
    ]
