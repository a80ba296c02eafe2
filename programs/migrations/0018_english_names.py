# English names of reference data, shown in the English interface where given. Existing
# databases get them from `manage.py load_reference_data`, which fills blank English names
# (and never overwrites one the office typed).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0017_report_review_fields_fill'),
    ]

    operations = [
        migrations.AddField(
            model_name='department',
            name='name_en',
            field=models.CharField(blank=True, help_text='Shown in the English interface; the name is shown when empty.', max_length=150, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='historicaldepartment',
            name='name_en',
            field=models.CharField(blank=True, help_text='Shown in the English interface; the name is shown when empty.', max_length=150, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='historicalphase',
            name='name_en',
            field=models.CharField(blank=True, help_text='Shown in the English interface; the name is shown when empty.', max_length=150, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='historicalschemeelement',
            name='name_en',
            field=models.CharField(blank=True, help_text='Shown in the English interface; the name is shown when empty.', max_length=150, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='phase',
            name='name_en',
            field=models.CharField(blank=True, help_text='Shown in the English interface; the name is shown when empty.', max_length=150, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='schemeelement',
            name='name_en',
            field=models.CharField(blank=True, help_text='Shown in the English interface; the name is shown when empty.', max_length=150, verbose_name='English name'),
        ),
    ]
