# MilestoneEvent and PhaseTransition are copied into the event log (0009); they go.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0009_event_log_from_history'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='phasetransition',
            name='from_phase',
        ),
        migrations.RemoveField(
            model_name='phasetransition',
            name='moved_by',
        ),
        migrations.RemoveField(
            model_name='phasetransition',
            name='to_phase',
        ),
        migrations.RemoveField(
            model_name='phasetransition',
            name='unit',
        ),
        migrations.DeleteModel(
            name='MilestoneEvent',
        ),
        migrations.DeleteModel(
            name='PhaseTransition',
        ),
    ]
