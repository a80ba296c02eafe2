"""Import batches: one spreadsheet of injury records as it was uploaded, checked and brought in,
and the records it changed with the values they had, so that the batch can be withdrawn.

The use cases (preview, commit, withdraw) are in `injuries.services`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from injuries.errors import BATCH_NOT_IMPORTED, BATCH_NOT_WAITING, BatchError
from injuries.models.records import InjuryRecord
from programs.core.transitions import Move, Step, Workflow, register
from safecommunity.models import UpdatedAt
from safecommunity.scoping import ScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.core.models import User


class ImportBatchQuerySet(ScopedQuerySet):
    """A batch spans units of one district: district staff see every batch sent by someone of
    their district (the city office every batch), others the batches they uploaded."""

    district_lookup = "uploaded_by__district"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        if user.sees_every_district:
            return self.all()
        if user.edits_all_units:
            return self.in_district_of(user)
        return self.filter(uploaded_by=user)

    def editable_by(self, user: User | AnonymousUser) -> Self:
        """Only district staff withdraw a batch (their district's)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self.all()
        if user.edits_all_units:
            return self.in_district_of(user)
        return self.none()

    def may_create(self, user: User | AnonymousUser, instance: models.Model | None) -> bool:
        """Whoever enters injury records may import them."""
        return InjuryRecord.objects.enters_records(user)


class ImportBatch(UpdatedAt):
    """One spreadsheet of injury records as it was uploaded, checked and brought in: the file's
    name and fingerprint, who brought it in and when, and what it changed."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("checked, not imported")
        IMPORTED = "imported", _("imported")
        WITHDRAWN = "withdrawn", _("withdrawn")

    file_name = models.CharField(_("file name"), max_length=255)
    from_api = models.BooleanField(
        _("sent through the API"),
        default=False,
        editable=False,
        help_text=_("Cards a system sent to the API (its JSON body stands for the file)."),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="injury_batches",
        verbose_name=_("uploaded by"),
        help_text=_("Empty for a scheduled transfer run from the command line."),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_added = models.PositiveIntegerField(_("added"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_warned = models.PositiveIntegerField(_("with warnings"), default=0)
    rows_in_error = models.PositiveIntegerField(_("in error"), default=0)
    problems = models.JSONField(
        _("problems"),
        default=list,
        blank=True,
        help_text=_("The first errors and warnings found: row, column and message."),
    )
    ignored_columns = models.JSONField(_("columns not read"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    stored_file = models.CharField(
        _("stored file"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_(
            "The file's name in the shared storage, kept between the check and the import, "
            "then deleted."
        ),
    )

    checked_fields = models.JSONField(
        _("fields the file gives"),
        default=list,
        blank=True,
        editable=False,
        help_text=_(
            "The record fields the checked file gives values for: what its import writes into "
            "the records it changes. Empty for a batch whose rows were not staged."
        ),
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("injury import")
        verbose_name_plural = _("injury imports")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["previewed", "imported", "withdrawn"]),
                name="injury_batch_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(status="withdrawn"),
                name="injury_batch_withdrawn_has_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({timezone.localtime(self.uploaded_at):%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("injuries:batch-detail", args=[self.pk])

    @property
    def is_imported(self) -> bool:
        return self.status == self.Status.IMPORTED

    @property
    def status_style(self) -> str:
        """The badge colour: imported green, withdrawn grey, waiting yellow, in error red."""
        if self.is_waiting and self.rows_in_error:
            return "danger"
        return {
            self.Status.IMPORTED: "success",
            self.Status.WITHDRAWN: "secondary",
        }.get(self.status, "warning")

    @property
    def is_waiting(self) -> bool:
        """Checked, not imported yet (nor given up)."""
        return self.status == self.Status.PREVIEWED


def _uploaded_it(user: User, batch: ImportBatch) -> bool:
    """A checked file is imported by the person who uploaded it."""
    return batch.uploaded_by_id is not None and batch.uploaded_by_id == user.pk


def _withdraws(user: User, batch: ImportBatch) -> bool:
    """District staff take an import of their district back (the rule of
    `ImportBatchQuerySet.editable_by`)."""
    return user.edits_all_units and ImportBatch.objects.allows_edit(user, batch)


def _importable(step: Step) -> None:
    from injuries.services.imports import batch_importable

    batch_importable(step)


def _imported(step: Step) -> list[str]:
    from injuries.services.imports import batch_import_rows

    return batch_import_rows(step)


def _withdrawn(step: Step) -> list[str]:
    from injuries.services.withdrawals import batch_undo_rows

    return batch_undo_rows(step)


register(
    ImportBatch,
    Workflow(
        field="status",
        error=BatchError,
        illegal=BATCH_NOT_WAITING,
        unit_of=lambda batch: None,  # a file may hold records of many units
        moves=[
            Move(
                "commit",
                sources={ImportBatch.Status.PREVIEWED},
                target=ImportBatch.Status.IMPORTED,
                label=_("Import"),
                past=_("imported"),
                allowed=_uploaded_it,
                check=_importable,
                effect=_imported,
                system=True,  # a scheduled transfer run from the command line
                style="primary",
            ),
            Move(
                "withdraw",
                sources={ImportBatch.Status.IMPORTED},
                target=ImportBatch.Status.WITHDRAWN,
                label=_("Withdraw"),
                past=_("withdrawn"),
                allowed=_withdraws,
                illegal=BATCH_NOT_IMPORTED,
                effect=_withdrawn,
                style="outline-danger",
            ),
        ],
    ),
)


class ImportBatchChange(models.Model):
    """A record an import changed, with the values it had before, so that withdrawing the
    batch can put them back."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="changes", verbose_name=_("batch")
    )
    record = models.ForeignKey(
        InjuryRecord, on_delete=models.CASCADE, related_name="+", verbose_name=_("record")
    )
    previous_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous batch"),
    )
    previous = models.JSONField(_("previous values"))

    class Meta:
        verbose_name = _("record changed by an import")
        verbose_name_plural = _("records changed by an import")
        constraints = [
            models.UniqueConstraint(fields=["batch", "record"], name="injury_change_once_per_batch")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.record_id}"
