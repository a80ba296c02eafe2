"""Unit boundaries: one outline per creating unit, from its district's uploaded GeoJSON."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0024_districts_required"),
    ]

    operations = [
        # The unit code's new help text and pattern (from the districts' change, which left them
        # out of 0024): state only, so `makemigrations --check` is clean.
        migrations.CreateModel(
            name="UnitBoundary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "geometry",
                    models.JSONField(
                        help_text="A GeoJSON Polygon or MultiPolygon, longitude before latitude.",
                        verbose_name="geometry",
                    ),
                ),
                (
                    "uploaded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="uploaded at"
                    ),
                ),
                (
                    "unit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="boundary",
                        to="programs.creatingunit",
                        verbose_name="creating unit",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "unit boundary",
                "verbose_name_plural": "unit boundaries",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("geometry__type__in", ["Polygon", "MultiPolygon"])),
                        name="unit_boundary_polygon",
                        violation_error_message="A boundary is a Polygon or a MultiPolygon.",
                    )
                ],
            },
        ),
    ]
