"""The shared cache's table, where the settings keep the cache in the database (PostgreSQL by
default), so `migrate` alone readies a new database; `createcachetable` does the same later."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("programs", "0012_jobs")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
