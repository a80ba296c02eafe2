"""Creating units (创建单位): the towns, street offices and economic zones of the programme."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Self

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.core import errors
from programs.core.choices import UnitKind
from programs.core.divisions import streets, validate_division_code
from safecommunity.models import ConstraintErrorsOnFields, UpdatedAt, in_active_language
from safecommunity.numbers import percent
from safecommunity.scoping import ScopedQuerySet
from safecommunity.validators import validate_not_blank, validate_phone, validate_portal_date

from .districts import District
from .program import Phase, Program

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .users import User

UNIT_CODE_PATTERN = "[A-Z0-9][A-Z0-9-]{1,15}"
UNIT_CODE_VALIDATOR = RegexValidator(
    rf"^{UNIT_CODE_PATTERN}$",
    _(
        "Use 2–16 capital letters, digits or hyphens, e.g. T01, a division code such as "
        "110116001, or a zone's code after its district's, such as 110116-E01."
    ),
)


class CreatingUnitQuerySet(ScopedQuerySet):
    """Who sees which unit. Everyone sees the units whose records they read (`records_visible_to`:
    district staff and providers every unit, a clerk their own); an evaluator sees, besides, the
    profile of each unit evaluated in a round they are named in — the unit page read-only, not
    its records (reports, organisation, activities, injuries, history), which stay outside
    their scope. Pages that list or count a unit's records ask `records_visible_to`."""

    unit_lookup = "pk"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if user.is_authenticated and user.role == user.Role.EVALUATOR:
            return self.evaluated_by(user)
        return super().visible_to(user)

    def records_visible_to(self, user: User | AnonymousUser) -> Self:
        """The units whose records `user` may read: the rule of every unit's rows
        (`ScopedQuerySet.visible_to`); an evaluator's units are not among them."""
        return super().visible_to(user)

    def allows_records(self, user: User | AnonymousUser, unit: CreatingUnit) -> bool:
        """Whether `unit` is among `records_visible_to(user)`, read from the user without a
        query."""
        if not user.is_authenticated:
            return False
        if user.sees_every_district:
            return True
        if user.sees_all_units:
            return unit.district_id == user.district_id
        return user.unit_id is not None and user.unit_id == unit.pk

    def in_plan_order(self) -> Self:
        """Towns, then street offices, then zones, each by code — the plan's own order."""
        rank = Case(
            *(When(kind=kind, then=Value(n)) for n, kind in enumerate(UnitKind.values)),
            default=Value(len(UnitKind.values)),
        )
        return self.alias(kind_rank=rank).order_by("kind_rank", "code")

    def phase_counts(self) -> list[dict]:
        """How many of these units stand in each phase (order, name, count, percent), grouped
        in the database."""
        rows = list(
            self.order_by()
            .values("current_phase__order", "current_phase__name", "current_phase__name_en")
            .annotate(count=Count("pk"))
            .order_by("current_phase__order")
        )
        total = sum(row["count"] for row in rows)
        return [
            {
                "order": row["current_phase__order"],
                "name": in_active_language(
                    row["current_phase__name"], row["current_phase__name_en"]
                ),
                "count": row["count"],
                "percent": percent(row["count"], total),
            }
            for row in rows
        ]

    def evaluated_by(self, user: User) -> Self:
        """The units evaluated in the rounds `user` is named an evaluator of (a subquery, so
        the rows come once each and the queryset chains with annotations)."""
        evaluated = CreatingUnit.objects.filter(evaluations__round__evaluators=user)
        return self.filter(pk__in=evaluated.values("pk"))

    def with_counts(self) -> Self:
        """Annotate active work groups and members, each in one correlated subquery."""
        work_group = apps.get_model("workgroups", "WorkGroup")
        member = apps.get_model("workgroups", "Member")

        def count_of(rows: models.QuerySet) -> Coalesce:
            counted = rows.filter(unit=OuterRef("pk")).order_by().values("unit")
            return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)

        return self.annotate(
            group_count=count_of(work_group.objects.filter(status=work_group.Status.ACTIVE)),
            member_count=count_of(member.objects.exclude(group__status=work_group.Status.DROPPED)),
        )


class CreatingUnit(ConstraintErrorsOnFields, UpdatedAt):
    """A town, street office or economic zone that builds a safe community (创建单位)."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("district"),
        help_text=_("The district the unit lies in; its programme is that district's."),
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="units", verbose_name=_("programme")
    )
    code = models.CharField(
        _("code"),
        max_length=16,
        validators=[UNIT_CODE_VALIDATOR],
        help_text=_(
            "Stable short code used in addresses, imports and exports; unique in the city."
        ),
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_not_blank])
    division_code = models.CharField(
        _("division code"),
        max_length=9,
        blank=True,
        validators=[validate_division_code],
        help_text=_(
            "The official town-level division code: 9 digits, the district's 6 (GB/T 2260) and "
            "the town part, e.g. 110113001 for 胜利街道. Blank for an economic zone."
        ),
    )
    official_name = models.CharField(
        _("official name"),
        max_length=100,
        blank=True,
        help_text=_(
            "The name in the official list of divisions where it differs from the plan's, "
            "e.g. 仁和地区 for 仁和镇; blank when they are the same."
        ),
    )
    name_confirmed = models.BooleanField(
        _("name confirmed"),
        default=True,
        help_text=_(
            "Unticked for placeholder units whose official name the office has yet to enter."
        ),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=UnitKind.choices)
    population = models.IntegerField(
        _("population"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    population_year = models.PositiveSmallIntegerField(
        _("population year"), null=True, blank=True, validators=[MinValueValidator(1949)]
    )
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    is_pilot = models.BooleanField(_("first-batch pilot"), default=False)
    batch = models.PositiveSmallIntegerField(
        _("batch"), default=1, validators=[MinValueValidator(1)]
    )
    joined_on = models.DateField(
        _("joined on"), null=True, blank=True, validators=[validate_portal_date]
    )
    head_name = models.CharField(_("administrative head"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    address = models.CharField(_("office address"), max_length=200, blank=True)
    current_phase = models.ForeignKey(
        Phase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("current phase"),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = CreatingUnitQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    constraint_fields = {
        "unit_code_unique": "code",
        "unit_name_unique_in_program": "name",
        "unit_division_code_unique": "division_code",
        "unit_zone_without_division_code": "division_code",
        "unit_population_not_negative": "population",
        "unit_area_not_negative": "area_km2",
        "unit_batch_positive": "batch",
    }

    class Meta:
        verbose_name = _("creating unit")
        verbose_name_plural = _("creating units")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="unit_code_unique",
                violation_error_message=_("A unit with this code already exists."),
            ),
            models.UniqueConstraint(
                fields=["program", "name"],
                name="unit_name_unique_in_program",
                violation_error_message=_("A unit with this name already exists in the programme."),
            ),
            models.UniqueConstraint(
                fields=["division_code"],
                condition=~Q(division_code=""),
                name="unit_division_code_unique",
                violation_error_message=errors.DIVISION_CODE_TAKEN,
            ),
            models.CheckConstraint(
                condition=~Q(kind=UnitKind.ZONE) | Q(division_code=""),
                name="unit_zone_without_division_code",
                violation_error_message=errors.DIVISION_CODE_OF_ZONE,
            ),
            models.CheckConstraint(condition=~Q(name=""), name="unit_name_not_empty"),
            models.CheckConstraint(condition=~Q(code=""), name="unit_code_not_empty"),
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population__gte=0),
                name="unit_population_not_negative",
                violation_error_message=_("Population cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(area_km2__isnull=True) | Q(area_km2__gte=0),
                name="unit_area_not_negative",
            ),
            models.CheckConstraint(condition=Q(batch__gte=1), name="unit_batch_positive"),
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:unit-detail", args=[self.code])

    @property
    def division_name(self) -> str:
        """The unit's name in the official list of divisions: its official name, else its name
        when it has a division code; blank for a unit without one."""
        return self.official_name or (self.name if self.division_code else "")

    def save(self, *args, **kwargs) -> None:
        self._take_district()
        super().save(*args, **kwargs)

    def _take_district(self) -> None:
        """A unit lies in its programme's district."""
        if self.district_id is None and self.program_id is not None:
            self.district_id = self.program.district_id

    def clean(self) -> None:
        super().clean()
        if self.official_name == self.name:
            self.official_name = ""  # kept only where it differs
        if self.program_id and self.program.district_id != self.district_id:
            raise ValidationError({"program": _("Choose a programme of the unit's district.")})
        listed = streets().get(self.division_code)
        if listed and self.district_id and listed.parent != self.district.code:
            raise ValidationError(
                {"division_code": errors.DIVISION_CODE_OTHER_DISTRICT % {"district": self.district}}
            )
        if (
            self.current_phase_id
            and self.program_id
            and self.current_phase.program_id != self.program_id
        ):
            raise ValidationError(
                {"current_phase": _("The phase must belong to the unit's programme.")}
            )

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Besides each field's own validators: a division code names, in the official list, the
        unit's name or its official name. Checked here, where the fields a form leaves out are
        known, so a clerk's profile form (which has no division code) is never refused for it."""
        exclude = set(exclude or ())
        self._take_district()
        problems: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            problems = error.error_dict
        listed = streets().get(self.division_code)
        if (
            "division_code" not in exclude | problems.keys()
            and listed
            and listed.name not in (self.name, self.official_name)
        ):
            problems["division_code"] = [
                ValidationError(
                    errors.DIVISION_NAME_MISMATCH,
                    code="name",
                    params={"value": self.division_code, "official": listed.name},
                )
            ]
        if problems:
            raise ValidationError(problems)
