"""What the review queue filters on, stored on each monthly report: the counts of its last
check (errors, warnings, unexplained warnings) and whether a value changed after approval.
Existing reports are filled by 0017."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0015_notifications'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalmonthlyreport',
            name='error_count',
            field=models.PositiveSmallIntegerField(default=0, help_text='Error rules the values broke at the last check.', verbose_name='errors'),
        ),
        migrations.AddField(
            model_name='historicalmonthlyreport',
            name='warning_count',
            field=models.PositiveSmallIntegerField(default=0, help_text='Warning rules broken and values that differ from the activity log, explained or not, at the last check.', verbose_name='warnings'),
        ),
        migrations.AddField(
            model_name='historicalmonthlyreport',
            name='unexplained_count',
            field=models.PositiveSmallIntegerField(default=0, help_text='Warnings still without a comment.', verbose_name='unexplained warnings'),
        ),
        migrations.AddField(
            model_name='historicalmonthlyreport',
            name='changed_after_approval',
            field=models.BooleanField(default=False, help_text='Some value was changed after the report was first approved.', verbose_name='changed after approval'),
        ),
        migrations.AddField(
            model_name='monthlyreport',
            name='error_count',
            field=models.PositiveSmallIntegerField(default=0, help_text='Error rules the values broke at the last check.', verbose_name='errors'),
        ),
        migrations.AddField(
            model_name='monthlyreport',
            name='warning_count',
            field=models.PositiveSmallIntegerField(default=0, help_text='Warning rules broken and values that differ from the activity log, explained or not, at the last check.', verbose_name='warnings'),
        ),
        migrations.AddField(
            model_name='monthlyreport',
            name='unexplained_count',
            field=models.PositiveSmallIntegerField(default=0, help_text='Warnings still without a comment.', verbose_name='unexplained warnings'),
        ),
        migrations.AddField(
            model_name='monthlyreport',
            name='changed_after_approval',
            field=models.BooleanField(default=False, help_text='Some value was changed after the report was first approved.', verbose_name='changed after approval'),
        ),
    ]
