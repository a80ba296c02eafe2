"""Where each creating unit lies on the map: its boundary, uploaded by its district's office."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecommunity.scoping import ScopedQuerySet

from .units import CreatingUnit


class UnitBoundaryQuerySet(ScopedQuerySet):
    unit_lookup = "unit"


class UnitBoundary(models.Model):
    """The outline of a creating unit's area (a GeoJSON Polygon or MultiPolygon in longitude and
    latitude), from the file of its district's boundaries; the district map draws it."""

    unit = models.OneToOneField(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="boundary",
        verbose_name=_("creating unit"),
    )
    geometry = models.JSONField(
        _("geometry"), help_text=_("A GeoJSON Polygon or MultiPolygon, longitude before latitude.")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    objects = UnitBoundaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit boundary")
        verbose_name_plural = _("unit boundaries")
        constraints = [
            models.CheckConstraint(
                condition=Q(geometry__type__in=["Polygon", "MultiPolygon"]),
                name="unit_boundary_polygon",
                violation_error_message=_("A boundary is a Polygon or a MultiPolygon."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit)
