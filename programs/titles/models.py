"""Titles (称号): a unit's applications for, and holding of, the safe-community titles, and the
district's targets counted in titles held."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Self

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.core.choices import TitleLevel
from programs.core.models import CreatingUnit, Program, ReferenceQuerySet
from programs.core.transitions import Move, Step, Workflow, register, reviews
from programs.titles import errors
from safecommunity.models import ConstraintErrorsOnFields, UpdatedAt
from safecommunity.scoping import ScopedQuerySet
from safecommunity.validators import validate_portal_date

if TYPE_CHECKING:
    pass

EXPIRY_WARNINGS = (90, 30)  # days before a title's expiry when the portal warns

LEVEL_RANK = {TitleLevel.MUNICIPAL: 1, TitleLevel.NATIONAL: 2, TitleLevel.INTERNATIONAL: 3}


def level_rank() -> Case:
    """The title level as a number (municipal 1 … international 3), for SQL comparisons."""
    return Case(
        *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
        default=Value(0),
    )


def levels_at_least(level: str) -> list[str]:
    return [other for other, rank in LEVEL_RANK.items() if rank >= LEVEL_RANK[level]]


class CertificationQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def held(self, on: date | None = None) -> Self:
        """Titles in force on a day: named and not past their validity."""
        on = on or timezone.localdate()
        return self.filter(status=Certification.Status.NAMED, named_on__lte=on, valid_until__gte=on)

    def highest_first(self) -> Self:
        """The highest level first (`rank` annotated), the longest valid first within a level:
        a unit's first row is its highest title (`units_with_progress`, the city's and the
        district map's counts)."""
        return self.annotate(rank=level_rank()).order_by("-rank", "-valid_until")


class TitleStatus(models.TextChoices):
    """申请 → 初审 → 现场评定 → (整改) → 命名; and 到期 or 撤销 at the end."""

    APPLIED = "applied", _("Applied")
    REVIEW = "review", _("Document review")
    ONSITE = "onsite", _("On-site evaluation")
    RECTIFY = "rectify", _("Rectification")
    NAMED = "named", _("Named")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Certification(ConstraintErrorsOnFields, UpdatedAt):
    """A unit's application for a title level and, once named, the title with its validity."""

    Status = TitleStatus

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name=_("creating unit"),
    )
    level = models.CharField(_("level"), max_length=20, choices=TitleLevel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    applied_on = models.DateField(_("applied on"), validators=[validate_portal_date])
    named_on = models.DateField(
        _("named on"), null=True, blank=True, validators=[validate_portal_date]
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, validators=[validate_portal_date]
    )
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = CertificationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    constraint_fields = {
        "certification_one_open_per_level": "level",
        "certification_named_has_dates": "named_on",
        "certification_valid_after_named": "valid_until",
        "certification_named_after_applied": "named_on",
    }

    class Meta:
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        ordering = ["unit", "-applied_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "level"],
                condition=~Q(status__in=[TitleStatus.EXPIRED, TitleStatus.REVOKED]),
                name="certification_one_open_per_level",
                violation_error_message=_("The unit already holds or is applying for this title."),
            ),
            models.CheckConstraint(
                condition=~Q(status=TitleStatus.NAMED)
                | Q(named_on__isnull=False, valid_until__isnull=False),
                name="certification_named_has_dates",
                violation_error_message=_("A named title needs the naming date and its validity."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(named_on__isnull=True)
                | Q(valid_until__gt=F("named_on")),
                name="certification_valid_after_named",
                violation_error_message=_("The title must be valid beyond the day it was named."),
            ),
            models.CheckConstraint(
                condition=Q(named_on__isnull=True) | Q(named_on__gte=F("applied_on")),
                name="certification_named_after_applied",
                violation_error_message=_("A title cannot be named before it was applied for."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=TitleLevel.values),
                name="certification_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("programs:unit-detail", args=[self.unit.code]) + f"#title-{self.pk}"

    # --- state -----------------------------------------------------------------------------
    def is_held(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status == self.Status.NAMED
            and self.named_on is not None
            and self.named_on <= on <= self.valid_until
        )

    def days_to_expiry(self, on: date | None = None) -> int | None:
        if self.status != self.Status.NAMED or self.valid_until is None:
            return None
        return (self.valid_until - (on or timezone.localdate())).days

    def expiry_warning(self, on: date | None = None) -> int | None:
        """90 or 30 when the title expires within that many days; None otherwise."""
        days = self.days_to_expiry(on)
        if days is None or days < 0:
            return None
        return min((limit for limit in EXPIRY_WARNINGS if days <= limit), default=None)

    def is_past_validity(self, on: date | None = None) -> bool:
        days = self.days_to_expiry(on)
        return days is not None and days < 0

    def default_valid_until(self, named_on: date) -> date:
        years = self.unit.program.title_years(self.level)
        try:
            return named_on.replace(year=named_on.year + years)
        except ValueError:  # 29 February
            return named_on.replace(year=named_on.year + years, day=28)


def _lapsed(step: Step) -> None:
    """The system expires a title only once its validity has ended (not one renewed since)."""
    if step.by is None and not step.current.is_past_validity(step.params.get("on")):
        raise errors.CertificationError(
            errors.ILLEGAL_TITLE_MOVE,
            current=step.current.get_status_display(),
            target=TitleStatus.EXPIRED.label,
        )


def _expired(step: Step) -> list[str]:
    if step.by is None:
        step.obj._change_reason = "validity ended"  # the change history says why
    return _validated(step)


def _named(step: Step) -> list[str]:
    """The naming date, the validity (the programme's term unless given) and the certificate."""
    title, on = step.obj, step.params.get("on")
    if on is None:
        raise errors.CertificationError(errors.NAMING_NEEDS_DATE)
    title.named_on = on
    title.valid_until = step.params.get("valid_until") or title.default_valid_until(on)
    title.certificate_number = step.params.get("certificate_number") or title.certificate_number
    return ["named_on", "valid_until", "certificate_number", *_validated(step)]


def _validated(step: Step) -> list[str]:
    """The title's rules (dates in order …) hold after the move, or nothing changes."""
    try:
        step.obj.full_clean()
    except ValidationError as error:
        step.obj.refresh_from_db()
        raise errors.CertificationError(" ".join(error.messages)) from error
    return []


def _title_move(to: TitleStatus, sources: set[TitleStatus], **options) -> Move:
    """A move of a title is named by the status it reaches (the form offers the next statuses)."""
    return Move(
        to.value,
        sources=sources,
        target=to,
        label=to.label,
        past=to.label,
        allowed=reviews,
        refused=errors.ONLY_DISTRICT_TITLES,
        effect=options.pop("effect", _validated),
        **options,
    )


Status = TitleStatus
register(
    Certification,
    Workflow(
        field="status",
        error=errors.CertificationError,
        illegal=errors.ILLEGAL_TITLE_MOVE,
        moves=[
            _title_move(Status.REVIEW, {Status.APPLIED}),
            _title_move(Status.ONSITE, {Status.REVIEW, Status.RECTIFY}),
            _title_move(Status.RECTIFY, {Status.ONSITE}),
            _title_move(Status.NAMED, {Status.ONSITE, Status.RECTIFY}, effect=_named),
            _title_move(
                Status.EXPIRED, {Status.NAMED}, check=_lapsed, effect=_expired, system=True
            ),
            _title_move(
                Status.REVOKED,
                {Status.APPLIED, Status.REVIEW, Status.ONSITE, Status.RECTIFY, Status.NAMED},
            ),
        ],
    ),
)
del Status


class TargetMeasure(models.TextChoices):
    """What a target counts: a share of the pilots, a share of all units, or a number of units."""

    PILOTS_TITLED = "pilots_titled", _("Share of pilot units holding the title")
    UNITS_SHARE = "units_share", _("Share of all units holding the title")
    UNITS_COUNT = "units_count", _("Number of units holding the title")


class TargetQuerySet(ReferenceQuerySet):
    """A district's targets: read in the district, changed by administrators."""

    district_lookup = "program__district"


class Target(ConstraintErrorsOnFields, UpdatedAt):
    """A district goal with a deadline, e.g. "at least 50 % of units hold the Beijing title"."""

    Measure = TargetMeasure

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="targets", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    level = models.CharField(
        _("title level"),
        max_length=20,
        choices=TitleLevel.choices,
        help_text=_("Units holding this level or a higher one count towards the target."),
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("A percentage for shares, a number of units for counts."),
    )
    deadline = models.DateField(_("deadline"), validators=[validate_portal_date])
    description = models.TextField(_("description"), blank=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    constraint_fields = {"target_code_unique": "code", "target_share_at_most_100": "threshold"}

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["program", "deadline", "code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="target_code_unique"),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="target_threshold_positive"),
            models.CheckConstraint(
                condition=Q(measure=TargetMeasure.UNITS_COUNT) | Q(threshold__lte=100),
                name="target_share_at_most_100",
                violation_error_message=_("A share is a percentage and cannot exceed 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program-overview") + f"#target-{self.code}"
