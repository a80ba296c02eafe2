"""Performance evaluations: the scoring schemes (national on-site form, municipal variant …),
evaluation rounds, and each unit's evaluation with its item grades.

A scheme has first-level elements (一级指标) and second-level items (二级指标); each item's points
are split into three parts — 有无 (the content is there), 痕迹 (verifiable evidence) and 效果
(effect) — and each part is graded a / b / c / d = 100 / 70 / 30 / 0 %. The arithmetic and the
result (pass, rectify, fail) live in `programs.evaluations`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar, Self

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.core.choices import TitleLevel
from programs.core.models import Event, EventKind, ReferenceQuerySet
from programs.evaluations import errors
from safecommunity.models import ConstraintErrorsOnFields, NamedInTwoLanguages, english_name_field

if TYPE_CHECKING:
    pass

POINTS = {"max_digits": 6, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Grade(models.TextChoices):
    """How well one part of an item is met, and the share of the part's points it earns."""

    A = "a", _("a — meets the requirement well (100 %)")
    B = "b", _("b — some defects, effect not affected (70 %)")
    C = "c", _("c — major defects (30 %)")
    D = "d", _("d — missing or falsified (0 %)")

    @property
    def fraction(self) -> Decimal:
        return GRADE_FRACTIONS[self]


GRADE_FRACTIONS = {
    Grade.A: Decimal("1"),
    Grade.B: Decimal("0.7"),
    Grade.C: Decimal("0.3"),
    Grade.D: Decimal("0"),
}


class EvaluationSchemeQuerySet(ReferenceQuerySet):
    def in_use(self) -> Self:
        """The schemes some evaluation was ever finalised against: their scoring is locked, or
        pages that score a final evaluation again from its grades would disagree with its
        stored total. Reopening the evaluation does not unlock it: "ever final" is read from
        the event log (a `finalise` move), besides the evaluations final now."""
        from .evaluations import Evaluation  # the rounds' evaluations refer to their scheme

        finalised = Event.objects.filter(
            content_type=ContentType.objects.get_for_model(Evaluation),
            kind=EventKind.MOVE,
            action="finalise",
        ).values("object_id")
        ever_final = Evaluation.objects.filter(round__scheme=OuterRef("pk")).filter(
            Q(status=Evaluation.Status.FINAL) | Q(pk__in=finalised)
        )
        return self.filter(Exists(ever_final))


class ScoringLock:
    """Model validation of the scoring lock: once a scheme is in use (`in_use`), the fields
    that decide how it scores (`scoring_fields`) cannot change, nothing can be added to it —
    the rule every way of changing a scheme (admin forms, the xlsx import) goes through.

    Errors are keyed by the field, or — when the form does not show that field — put above
    the form. `scheme_path` leads from the row to its scheme's primary key; `added_field` is
    the field blamed when a new row would go under a scheme in use.
    """

    scoring_fields: ClassVar[tuple[str, ...]] = ()
    scheme_path: ClassVar[str] = "pk"
    added_field: ClassVar[str | None] = None

    def clean_fields(self, exclude: set[str] | None = None) -> None:
        """The fields' own validation, then the lock (here rather than in `clean`, because
        only here is it known which fields the form shows)."""
        found: dict[str, list] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            found = error.update_error_dict(found)
        try:
            self.validate_scoring_lock(exclude, invalid=set(found))
        except ValidationError as error:
            found = error.update_error_dict(found)
        if found:
            raise ValidationError(found)

    def validate_scoring_lock(
        self, exclude: set[str] | None = None, invalid: set[str] | frozenset[str] = frozenset()
    ) -> None:
        """Refuse a new row under a scheme in use, or a change to a scoring field of a row of
        (or moved into) a scheme in use. Fields already `invalid` say why on their own."""
        exclude = exclude or set()
        attnames = {name: self._meta.get_field(name).attname for name in self.scoring_fields}
        stored = None
        if self.pk is not None:
            stored = (
                type(self)
                ._default_manager.filter(pk=self.pk)
                .values(*attnames.values(), stored_scheme=F(self.scheme_path))
                .first()
            )
        if stored is None:  # a new row (or a deleted one restored from its history)
            changed = [self.added_field] if self.added_field else []
            schemes = {self._scheme_id()}
            message = errors.SCHEME_IN_USE_NO_ADD
        else:
            changed = [
                name
                for name, attname in attnames.items()
                if name not in invalid and getattr(self, attname) != stored[attname]
            ]
            schemes = {self._scheme_id(), stored["stored_scheme"]}
            message = errors.SCHEME_IN_USE_SCORING_LOCKED
        schemes.discard(None)
        if not changed or not schemes:
            return
        scheme = EvaluationScheme.objects.filter(pk__in=schemes).in_use().first()
        if scheme is None:
            return
        refused: dict[str, list[ValidationError]] = {}
        for name in changed:
            params = {"scheme": scheme, "field": self._meta.get_field(name).verbose_name}
            key = NON_FIELD_ERRORS if name in exclude else name
            refused.setdefault(key, []).append(
                ValidationError(message, code="scheme_in_use", params=params)
            )
        raise ValidationError(refused)

    def _scheme_id(self) -> int | None:
        """The primary key of the scheme the row is (to be) under, read along `scheme_path`."""
        *path, last = self.scheme_path.split("__")
        owner = self
        for name in path:
            if getattr(owner, f"{name}_id", None) is None:
                return None
            owner = getattr(owner, name)
        return owner.pk if last == "pk" else getattr(owner, f"{last}_id", None)


class EvaluationScheme(ScoringLock, ConstraintErrorsOnFields, models.Model):
    """A scoring form units are evaluated against, such as the national on-site evaluation
    form (全国安全社区现场评定表: 150 points, pass at 100 with no item at zero)."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    version = models.CharField(_("version"), max_length=40, blank=True)
    level = models.CharField(
        _("title level"), max_length=15, choices=TitleLevel.choices, blank=True
    )
    max_score = models.DecimalField(_("maximum score"), **POINTS)
    pass_mark = models.DecimalField(_("pass mark"), **POINTS)
    rectify_mark = models.DecimalField(
        _("rectify from"),
        null=True,
        blank=True,
        help_text=_(
            "A total from here up to the pass mark may rectify within a set time; empty when "
            "the scheme has no rectify band."
        ),
        **POINTS,
    )
    no_zero_item = models.BooleanField(
        _("no item may score zero"),
        default=True,
        help_text=_("A unit with any item at zero fails, whatever its total."),
    )
    is_sample = models.BooleanField(
        _("sample wording"),
        default=False,
        help_text=_(
            "Some items' wording is a sample: replace it by importing the office's own form."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = EvaluationSchemeQuerySet.as_manager()
    history = HistoricalRecords()
    scoring_fields = ("max_score", "pass_mark", "rectify_mark", "no_zero_item")
    constraint_fields = {
        "scheme_code_unique": "code",
        "scheme_pass_within_max": "pass_mark",
        "scheme_rectify_below_pass": "rectify_mark",
    }

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="scheme_code_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="scheme_name_not_empty"),
            models.CheckConstraint(
                condition=Q(pass_mark__lte=F("max_score")),
                name="scheme_pass_within_max",
                violation_error_message=_("The pass mark cannot exceed the maximum score."),
            ),
            models.CheckConstraint(
                condition=Q(rectify_mark__isnull=True) | Q(rectify_mark__lt=F("pass_mark")),
                name="scheme_rectify_below_pass",
                violation_error_message=_("The rectify band must start below the pass mark."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()

    @property
    def is_in_use(self) -> bool:
        """Whether a final evaluation was scored against this scheme (see `in_use`)."""
        return self.pk is not None and type(self).objects.filter(pk=self.pk).in_use().exists()


class SchemeElement(NamedInTwoLanguages, ScoringLock, ConstraintErrorsOnFields, models.Model):
    """A first-level element (一级指标) of a scheme, such as 安全社区创建机构与职责."""

    scheme = models.ForeignKey(
        EvaluationScheme,
        on_delete=models.CASCADE,
        related_name="elements",
        verbose_name=_("scheme"),
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=100)
    name_en = english_name_field()

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {"element_number_unique_in_scheme": "number"}
    scoring_fields = ("scheme", "number")
    scheme_path = "scheme"
    added_field = "scheme"

    class Meta:
        verbose_name = _("scheme element")
        verbose_name_plural = _("scheme elements")
        ordering = ["scheme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "number"], name="element_number_unique_in_scheme"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="element_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"


class SchemeItem(ScoringLock, ConstraintErrorsOnFields, models.Model):
    """A second-level item (二级指标) of an element, worth points split into its three parts."""

    element = models.ForeignKey(
        SchemeElement,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("element"),
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    text = models.TextField(_("requirement"))
    presence_points = models.DecimalField(
        _("points for presence"), default=Decimal("0.8"), **POINTS
    )
    evidence_points = models.DecimalField(
        _("points for evidence"), default=Decimal("1.0"), **POINTS
    )
    effect_points = models.DecimalField(_("points for effect"), default=Decimal("1.2"), **POINTS)
    is_sample = models.BooleanField(
        _("sample wording"),
        default=False,
        help_text=_("The official wording is not known; the office replaces it."),
    )

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {"item_number_unique_in_element": "number"}
    scoring_fields = ("element", "number", "presence_points", "evidence_points", "effect_points")
    scheme_path = "element__scheme"
    added_field = "element"

    class Meta:
        verbose_name = _("scheme item")
        verbose_name_plural = _("scheme items")
        ordering = ["element__scheme", "element__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["element", "number"], name="item_number_unique_in_element"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="item_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    @property
    def code(self) -> str:
        """The item's number within the scheme, as forms print it: 3.2."""
        return f"{self.element.number}.{self.number}"

    @property
    def points(self) -> Decimal:
        return self.presence_points + self.evidence_points + self.effect_points
