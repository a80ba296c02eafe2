# The event log (issue 11): one row per move of a record and per occurrence people are told of.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('programs', '0007_evaluation_latest_final_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='record')),
                ('kind', models.CharField(choices=[('move', 'Move'), ('created', 'Created'), ('assigned', 'Assigned'), ('deadline', 'Deadline reached'), ('job_finished', 'Job finished'), ('job_failed', 'Job failed')], default='move', max_length=20, verbose_name='kind')),
                ('action', models.CharField(help_text='The move (submit, accept …) or occurrence.', max_length=40, verbose_name='action')),
                ('from_state', models.CharField(blank=True, max_length=40, verbose_name='from')),
                ('to_state', models.CharField(blank=True, max_length=40, verbose_name='to')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('data', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('actor', models.ForeignKey(blank=True, help_text='Empty when the system acted (a command or a scheduled job).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype', verbose_name='kind of record')),
                ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programs.creatingunit', verbose_name='creating unit')),
            ],
            options={
                'verbose_name': 'event',
                'verbose_name_plural': 'events',
                'ordering': ['-pk'],
            },
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['unit', 'id'], name='event_unit_id'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['content_type', 'object_id', 'id'], name='event_object_id'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['move', 'created', 'assigned', 'deadline', 'job_finished', 'job_failed'])), name='event_kind_valid'),
        ),
    ]
