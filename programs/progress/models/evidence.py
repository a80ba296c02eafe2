"""Evidence (佐证材料): private, versioned files a unit offers for a milestone."""

from __future__ import annotations

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit
from programs.progress import errors
from safecommunity.models import ConstraintErrorsOnFields
from safecommunity.scoping import ScopedQuerySet
from safecommunity.validators import validate_not_blank, validate_portal_date

from .milestones import UnitMilestone


class EvidenceQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def visible_to(self, user) -> EvidenceQuerySet:
        """As for any unit's rows; evaluators also read the documents of the units their
        rounds evaluate (they grade against them)."""
        if user.is_authenticated and user.role == user.Role.EVALUATOR:
            return self.filter(unit__in=CreatingUnit.objects.evaluated_by(user).values("pk"))
        return super().visible_to(user)


class Evidence(ConstraintErrorsOnFields, models.Model):
    """A document a unit offers as proof (its work plan, a meeting record …) for a milestone or
    an activity; each upload of it adds a version and none is ever overwritten."""

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("creating unit"),
    )
    unit_milestone = models.ForeignKey(
        UnitMilestone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("milestone"),
    )
    activity = models.ForeignKey(
        "workgroups.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("activity"),
    )
    title = models.CharField(_("document title"), max_length=200, validators=[validate_not_blank])
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = EvidenceQuerySet.as_manager()
    constraint_fields = {"evidence_title_unique_per_milestone": "title"}

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_milestone", "title"],
                name="evidence_title_unique_per_milestone",
                violation_error_message=errors.EVIDENCE_TITLE_TAKEN,
            ),
            models.CheckConstraint(condition=~Q(title=""), name="evidence_title_not_empty"),
            models.CheckConstraint(
                condition=Q(unit_milestone__isnull=True) | Q(activity__isnull=True),
                name="evidence_for_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def evidence_path(version: EvidenceVersion, filename: str) -> str:
    """A fresh, unguessable name under the unit's folder: an upload never replaces a file."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{version.evidence.unit.code}/{uuid4().hex}{suffix}"


class EvidenceVersionQuerySet(ScopedQuerySet):
    unit_lookup = "evidence__unit"

    def visible_to(self, user) -> EvidenceVersionQuerySet:
        """The files: as for any unit's rows, evaluators' as for the evidence; the city office
        compares districts and opens no unit's file."""
        if user.is_authenticated and not user.opens_evidence_files:
            return self.none()
        if user.is_authenticated and user.role == user.Role.EVALUATOR:
            evaluated = CreatingUnit.objects.evaluated_by(user).values("pk")
            return self.filter(evidence__unit__in=evaluated)
        return super().visible_to(user)


class EvidenceVersion(models.Model):
    """One uploaded file of a piece of evidence, with its fingerprint and effective date."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.PROTECT, related_name="versions", verbose_name=_("evidence")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    effective_date = models.DateField(
        _("effective date"),
        validators=[validate_portal_date],
        help_text=_("The date the document took effect, e.g. when it was signed."),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = EvidenceVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence version")
        verbose_name_plural = _("evidence versions")
        ordering = ["evidence", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "number"], name="evidenceversion_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="evidenceversion_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("programs:evidence-download", args=[self.pk])
