"""The admin of evaluations: schemes with their scoring lock, rounds, and each unit's evaluation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import Textarea
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from programs.core.models import User
from programs.evaluations.models import (
    Evaluation,
    EvaluationRound,
    EvaluationScheme,
    ItemScore,
    SchemeElement,
    SchemeItem,
    points_sum,
)
from programs.evaluations.resources import SchemeItemResource
from programs.evaluations.selectors import CENT, scheme_maximums
from safecommunity.admin import (
    ReadOnlyAdminMixin,
    ScopedHistoryAdmin,
    ScopedImportExportAdmin,
    ScopedTabularInline,
    count_column,
)

# --- Evaluations: schemes, rounds and each unit's evaluation ---


def points_column(relation: str, description: Any) -> Callable[[Any, models.Model], Any]:
    """A sortable changelist column: the points of each object's items, summed in SQL."""

    @admin.display(description=description, ordering="points_total")
    def column(model_admin: Any, obj: models.Model) -> Any:
        return obj.points_total

    column.counts = {"points_total": points_sum(relation)}
    return column


POINTS_MISMATCH = _(
    "The items add up to %(points)s points, not to the maximum score of %(maximum)s: "
    "evaluations against this scheme will not reach its maximum."
)


SCORING_LOCKED = _(
    "Evaluations against this scheme have been finalised: its scoring rules, and the numbers "
    "and points of its elements and items, can no longer change. Wording can still be corrected."
)


class SchemeLockAdminMixin:
    """The admin side of a scheme's scoring lock (`EvaluationScheme.is_in_use`): for a row of a
    scheme in use — for an inline, under a parent of one — the `locked_fields` are read-only,
    and rows can be neither added nor deleted. The model's validation refuses the same, for
    saves that come by other routes (an add form, a history revert, the import)."""

    locked_fields: tuple[str, ...] = ()

    def scheme_of(self, obj: Any) -> EvaluationScheme:
        """The scheme `obj` (the row, or an inline's parent row) belongs to."""
        raise NotImplementedError

    def in_use(self, request: HttpRequest, obj: Any) -> bool:
        """Whether `obj` belongs to a scheme in use; asked once a request per scheme."""
        if obj is None or obj.pk is None:
            return False
        scheme = self.scheme_of(obj)
        if not hasattr(request, "_schemes_in_use"):
            request._schemes_in_use = {}
        if scheme.pk not in request._schemes_in_use:
            request._schemes_in_use[scheme.pk] = scheme.is_in_use
        return request._schemes_in_use[scheme.pk]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if self.in_use(request, obj):
            readonly += [name for name in self.locked_fields if name not in readonly]
        return readonly

    def has_add_permission(self, request: HttpRequest, *obj: Any) -> bool:
        """A model admin is asked without a row, an inline with its parent row."""
        parent = obj[0] if obj else None
        return super().has_add_permission(request, *obj) and not self.in_use(request, parent)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self.in_use(request, obj)


class SchemeElementInline(SchemeLockAdminMixin, ScopedTabularInline):
    """A scheme's elements; under a scheme in use their numbers are fixed."""

    model = SchemeElement
    fields = ["number", "name", "name_en", "item_total", "element_points"]
    locked_fields = ("number",)
    readonly_fields = ["item_total", "element_points"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(item_count=models.Count("items"), points=points_sum("items__"))
        )

    @admin.display(description=_("items"))
    def item_total(self, obj: SchemeElement) -> int:
        return getattr(obj, "item_count", 0)

    @admin.display(description=_("points"))
    def element_points(self, obj: SchemeElement) -> Any:
        return getattr(obj, "points", None) or 0

    def scheme_of(self, obj: EvaluationScheme) -> EvaluationScheme:
        return obj


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(SchemeLockAdminMixin, ScopedHistoryAdmin):
    """Schemes; once a final evaluation was scored against one, its scoring rules are
    read-only and it cannot be deleted (its name, version, wording and flags stay editable)."""

    list_display = [
        "code",
        "name",
        "version",
        "level",
        "max_score",
        "pass_mark",
        "rectify_mark",
        "item_total",
        "items_points",
        "is_sample",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["level", "is_sample", "is_active"]
    search_fields = ["code", "name", "version"]
    readonly_fields = ["points_check"]
    fieldsets = [
        (None, {"fields": [("code", "name", "version"), "level", "is_active"]}),
        (
            _("Scoring rules"),
            {
                "fields": [
                    ("max_score", "pass_mark", "rectify_mark"),
                    "no_zero_item",
                    "points_check",
                ]
            },
        ),
        (_("Wording"), {"fields": ["is_sample", "notes"]}),
    ]
    inlines = [SchemeElementInline]
    locked_fields = EvaluationScheme.scoring_fields

    item_total = count_column("elements__items", _("items"))
    items_points = points_column("elements__items__", _("points of the items"))

    @admin.display(description=_("points of the items"))
    def points_check(self, obj: EvaluationScheme) -> str:
        """The items' points, with a warning when they do not add up to the maximum."""
        if obj.pk is None:
            return "-"
        points = scheme_maximums({obj.pk})[obj.pk]
        if points == obj.max_score:
            return str(points)
        return format_html(
            '<strong class="errornote">{}</strong>',
            POINTS_MISMATCH % {"points": points, "maximum": obj.max_score.quantize(CENT)},
        )

    def scheme_of(self, obj: EvaluationScheme) -> EvaluationScheme:
        return obj

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        """Say above the scoring rules of a scheme in use why they are read-only."""
        fieldsets = super().get_fieldsets(request, obj)
        if not self.in_use(request, obj):
            return fieldsets
        locked = set(self.locked_fields)

        def shows_locked(options: dict) -> bool:
            lines = options.get("fields", ())
            return any(
                locked & set(line if isinstance(line, list | tuple) else [line]) for line in lines
            )

        return [
            (name, {**options, "description": SCORING_LOCKED} if shows_locked(options) else options)
            for name, options in fieldsets
        ]


class SchemeItemInline(SchemeLockAdminMixin, ScopedTabularInline):
    """An element's items; under a scheme in use their numbers and points are fixed."""

    model = SchemeItem
    fields = ["number", "text", "presence_points", "evidence_points", "effect_points", "is_sample"]
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 60})}}
    show_change_link = False
    locked_fields = tuple(name for name in SchemeItem.scoring_fields if name != "element")

    def scheme_of(self, obj: SchemeElement) -> EvaluationScheme:
        return obj.scheme


@admin.register(SchemeElement)
class SchemeElementAdmin(SchemeLockAdminMixin, ScopedHistoryAdmin):
    list_display = ["__str__", "name_en", "scheme", "item_total", "items_points"]
    list_filter = ["scheme"]
    search_fields = ["name", "name_en", "scheme__code", "scheme__name"]
    list_select_related = ["scheme"]
    ordering = ["scheme__name", "number"]
    inlines = [SchemeItemInline]
    locked_fields = SchemeElement.scoring_fields

    item_total = count_column("items", _("items"))
    items_points = points_column("items__", _("points of the items"))

    def scheme_of(self, obj: SchemeElement) -> EvaluationScheme:
        return obj.scheme


@admin.register(SchemeItem)
class SchemeItemAdmin(SchemeLockAdminMixin, ScopedImportExportAdmin):
    """The items of every scheme; the office imports its own form here (one row per item).
    An item of a scheme in use keeps its element, number and points."""

    resource_classes = [SchemeItemResource]
    list_display = [
        "item_code",
        "short_text",
        "element",
        "scheme",
        "presence_points",
        "evidence_points",
        "effect_points",
        "is_sample",
    ]
    list_display_links = ["item_code", "short_text"]
    list_filter = ["element__scheme", "is_sample"]
    search_fields = ["text", "element__name", "element__scheme__code"]
    list_select_related = ["element__scheme"]
    locked_fields = SchemeItem.scoring_fields

    def scheme_of(self, obj: SchemeItem) -> EvaluationScheme:
        return obj.element.scheme

    @admin.display(description=_("item"), ordering="element__number")
    def item_code(self, obj: SchemeItem) -> str:
        return obj.code

    @admin.display(description=_("requirement"))
    def short_text(self, obj: SchemeItem) -> str:
        return Truncator(obj.text).chars(60)

    @admin.display(description=_("scheme"), ordering="element__scheme__code")
    def scheme(self, obj: SchemeItem) -> str:
        return obj.element.scheme.code


class RoundEvaluationInline(ReadOnlyAdminMixin, ScopedTabularInline):
    """The units of the round: their evaluations, created when the round was opened."""

    model = Evaluation
    fields = ["unit", "status", "total", "result"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("unit")


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ScopedHistoryAdmin):
    """Rounds are opened through the portal (`programs.evaluations.round_open`), which creates
    each unit's evaluation; here their name, window and evaluators are corrected. The scheme
    and the kind (which decides who grades) are fixed once the round exists. Deleting a round
    deletes its evaluations, so the admin refuses it once one of them is final."""

    list_display = ["name", "district", "scheme", "kind", "window", "unit_total"]
    list_filter = ["district", "kind", "scheme"]
    search_fields = ["name", "scheme__name"]
    list_select_related = ["district", "scheme"]
    date_hierarchy = "opens_on"
    filter_horizontal = ["evaluators"]
    readonly_fields = ["district", "created_by", "created_at"]
    readonly_on_change = ("scheme", "kind")
    fields = ["name", "scheme", "kind", ("opens_on", "closes_on"), "evaluators", *readonly_fields]
    inlines = [RoundEvaluationInline]

    unit_total = count_column("evaluations", _("units"))

    @admin.display(description=_("window"), ordering="opens_on")
    def window(self, obj: EvaluationRound) -> str:
        return f"{obj.opens_on:%Y-%m-%d} – {obj.closes_on:%Y-%m-%d}"

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> Any:
        """Evaluators are chosen among active evaluator accounts. The user list is otherwise
        for administrators only, but district staff who run rounds need these names."""
        if db_field.name == "evaluators":
            kwargs["queryset"] = User.objects.evaluators()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ItemScoreInline(ReadOnlyAdminMixin, ScopedTabularInline):
    """The grades, given through the portal's scoring page."""

    model = ItemScore
    fields = ["item", "presence", "evidence", "effect", "comment"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("item__element")


@admin.register(Evaluation)
class EvaluationAdmin(ScopedHistoryAdmin):
    """Evaluations are created by their round and graded and finalised through the portal,
    which keeps the total and the result in step with the grades; here they are looked at.
    Only a draft is in `editable_by`, so a finalised evaluation cannot even be deleted."""

    list_display = ["round", "unit", "status", "total", "result"]
    list_filter = ["status", "result", "round__kind", "round"]
    search_fields = ["unit__code", "unit__name", "round__name"]
    list_select_related = ["round", "unit"]
    readonly_fields = [
        "round",
        "unit",
        "status",
        "started_from",
        "total",
        "result",
        "result_reason",
        "finalised_at",
        "finalised_by",
    ]
    fields = readonly_fields
    inlines = [ItemScoreInline]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
