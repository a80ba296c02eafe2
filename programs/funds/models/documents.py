"""Vouchers and contracts (凭证、合同): private files kept with a disbursement or an expenditure,
uploaded and served like a unit's evidence (checked by content, never under MEDIA_URL)."""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Self
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit
from programs.funds import errors
from safecommunity.models import ConstraintErrorsOnFields

from .records import Disbursement, Expenditure, FundsQuerySet
from .years import keeps_district_funds

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.core.models import User


class FundsDocumentQuerySet(FundsQuerySet):
    """The files: seen by whoever sees the record's funds and opens evidence files (the city
    office compares districts and opens no unit's file, as for evidence)."""

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if user.is_authenticated and not user.opens_evidence_files:
            return self.none()
        return super().visible_to(user)


def attaches_documents(user: User | AnonymousUser, record: Disbursement | Expenditure) -> bool:
    """Who adds a voucher or contract to a money record: the unit's clerk and district staff
    (who change the unit's rows), and the finance staff of its district."""
    if not user.is_authenticated or not user.sees_funds:
        return False
    return user.edits_unit(record.unit_id) or keeps_district_funds(user, record)


def funds_document_path(document: FundsDocument, filename: str) -> str:
    """A fresh, unguessable name under the unit's folder: an upload never replaces a file."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"funds/{document.unit.code}/{uuid4().hex}{suffix}"


class FundsDocumentKind(models.TextChoices):
    VOUCHER = "voucher", _("Voucher")
    CONTRACT = "contract", _("Contract")
    OTHER = "other", _("Other document")


class FundsDocument(ConstraintErrorsOnFields, models.Model):
    """A voucher, contract or other paper kept as private evidence of a disbursement or an
    expenditure of a unit."""

    Kind = FundsDocumentKind

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("creating unit"),
        editable=False,
    )
    disbursement = models.ForeignKey(
        Disbursement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("disbursement"),
    )
    expenditure = models.ForeignKey(
        Expenditure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("expenditure"),
    )
    kind = models.CharField(
        _("kind of document"), max_length=10, choices=Kind.choices, default=Kind.VOUCHER
    )
    file = models.FileField(_("file"), upload_to=funds_document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    objects = FundsDocumentQuerySet.as_manager()
    constraint_fields = {"fundsdocument_one_record": "disbursement"}

    class Meta:
        verbose_name = _("funds document")
        verbose_name_plural = _("funds documents")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disbursement__isnull=False, expenditure__isnull=True)
                | Q(disbursement__isnull=True, expenditure__isnull=False),
                name="fundsdocument_one_record",
                violation_error_message=errors.DOCUMENT_ONE_RECORD,
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FundsDocumentKind.values),
                name="fundsdocument_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args, **kwargs) -> None:
        if self.unit_id is None and self.record is not None:
            self.unit_id = self.record.unit_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("programs:funds-document-download", args=[self.pk])

    @property
    def record(self) -> Disbursement | Expenditure | None:
        return self.disbursement or self.expenditure

    def clean_fields(self, exclude=None) -> None:
        if self.record is not None:
            self.unit_id = self.record.unit_id  # the record's, never chosen apart
        super().clean_fields(exclude)
