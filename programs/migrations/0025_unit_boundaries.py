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
        migrations.AlterField(
            model_name="creatingunit",
            name="code",
            field=models.CharField(
                help_text="Stable short code used in addresses, imports and exports; unique in the city.",
                max_length=16,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z0-9][A-Z0-9-]{1,15}$",
                        "Use 2–16 capital letters, digits or hyphens, e.g. T01, a division code such as 110116001, or a zone's code after its district's, such as 110116-E01.",
                    )
                ],
                verbose_name="code",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcreatingunit",
            name="code",
            field=models.CharField(
                help_text="Stable short code used in addresses, imports and exports; unique in the city.",
                max_length=16,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z0-9][A-Z0-9-]{1,15}$",
                        "Use 2–16 capital letters, digits or hyphens, e.g. T01, a division code such as 110116001, or a zone's code after its district's, such as 110116-E01.",
                    )
                ],
                verbose_name="code",
            ),
        ),
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
