"""The Django admin of the programme: reference data, creating units, progress, evaluations
and users.

Every admin goes through `ScopedAdminMixin`, so lists, forms, change history, foreign-key
choices and spreadsheet exports show only what `visible_to(user)` allows, and only what
`editable_by(user)` allows can be changed or deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.forms import Textarea
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from programs.evaluations import CENT, scheme_maximums
from programs.models import (
    Certification,
    CreatingUnit,
    Department,
    Evaluation,
    EvaluationRound,
    EvaluationScheme,
    Evidence,
    EvidenceVersion,
    Indicator,
    ItemScore,
    Milestone,
    MilestoneEvent,
    Phase,
    PhaseTransition,
    Program,
    SchemeElement,
    SchemeItem,
    Target,
    UnitMilestone,
    User,
    ValidationRule,
)
from programs.models.evaluations import points_sum
from programs.resources import (
    CreatingUnitResource,
    DepartmentResource,
    IndicatorResource,
    SchemeItemResource,
)
from safecommunity.admin import (
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
    ScopedHistoryAdmin,
    ScopedImportExportAdmin,
    ScopedReadOnlyAdmin,
    ScopedTabularInline,
    count_column,
)

admin.site.site_header = _("Safe Community Programme Portal")
admin.site.site_title = _("Safe Community Programme Portal")
admin.site.index_title = _("Administration")


# --- Reference data ---


@admin.register(Department)
class DepartmentAdmin(ScopedImportExportAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["code", "name", "sort_order", "provider_count"]
    list_display_links = ["code", "name"]
    list_editable = ["sort_order"]
    list_filter = [("surveillance_data", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "duties", "surveillance_data"]
    ordering = ["sort_order", "name"]

    provider_count = count_column("providers", _("providers"))


class PhaseInline(ScopedTabularInline):
    model = Phase
    fields = ["order", "name", "start_date", "end_date"]


class TargetInline(ScopedTabularInline):
    model = Target
    fields = ["code", "name", "measure", "level", "threshold", "deadline"]


@admin.register(Program)
class ProgramAdmin(ScopedHistoryAdmin):
    list_display = ["code", "name", "start_date", "end_date", "report_due_day"]
    list_filter = ["start_date", ("end_date", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name"]
    ordering = ["-start_date"]
    inlines = [PhaseInline, TargetInline]


class MilestoneInline(ScopedTabularInline):
    model = Milestone
    fields = ["order", "name", "due_date", "required_for_gate", "evidence_required"]


@admin.register(Phase)
class PhaseAdmin(ScopedHistoryAdmin):
    list_display = ["__str__", "program", "start_date", "end_date"]
    list_filter = ["program"]
    search_fields = ["name", "description"]
    list_select_related = ["program"]
    ordering = ["program", "order"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(ScopedHistoryAdmin):
    list_display = [
        "name",
        "phase",
        "order",
        "due_date",
        "required_for_gate",
        "evidence_required",
    ]
    list_filter = ["phase__program", "phase", "required_for_gate", "evidence_required"]
    search_fields = ["name", "description"]
    list_select_related = ["phase", "phase__program"]
    ordering = ["phase__program", "phase__order", "order"]


@admin.register(Target)
class TargetAdmin(ScopedHistoryAdmin):
    list_display = ["code", "name", "program", "measure", "level", "threshold", "deadline"]
    list_filter = ["program", "measure", "level"]
    search_fields = ["code", "name"]
    list_select_related = ["program"]
    ordering = ["program", "deadline", "code"]


# --- The monthly report: indicators and validation rules ---


@admin.register(Indicator)
class IndicatorAdmin(ScopedImportExportAdmin):
    resource_classes = [IndicatorResource]
    list_display = [
        "code",
        "name",
        "name_en",
        "unit_of_measure",
        "section",
        "source",
        "order",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_editable = ["order", "is_active"]
    list_filter = ["section", "source", "is_active"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["order", "code"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(ScopedHistoryAdmin):
    list_display = ["name", "formula", "severity", "is_active"]
    list_filter = ["severity", "is_active", "operator", "left__section"]
    search_fields = ["code", "name", "message_zh", "message_en", "left__code", "left__name"]
    list_select_related = ["left", "right_indicator"]
    ordering = ["left__order", "code"]
    fieldsets = [
        (None, {"fields": ["code", "name", "severity", "is_active"]}),
        (
            _("Comparison"),
            {
                "fields": ["left", "operator", ("right_indicator", "right_constant")],
                "description": _(
                    "The rule holds when the left indicator compares so with the right "
                    "indicator or the constant (give one of the two). A rule with an empty "
                    "value on either side is skipped."
                ),
            },
        ),
        (_("Message"), {"fields": ["message_zh", "message_en"]}),
    ]

    @admin.display(description=_("rule"))
    def formula(self, obj: ValidationRule) -> str:
        return obj.expression


# --- Creating units ---


@admin.register(CreatingUnit)
class CreatingUnitAdmin(ScopedImportExportAdmin):
    resource_classes = [CreatingUnitResource]
    list_display = [
        "code",
        "name",
        "kind",
        "current_phase",
        "is_pilot",
        "batch",
        "population",
        "group_total",
        "member_total",
        "name_confirmed",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["kind", "is_pilot", "batch", "name_confirmed", "program", "current_phase"]
    search_fields = ["code", "name", "head_name", "contact_name", "address"]
    list_select_related = ["program", "current_phase"]
    ordering = ["code"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "program",
                    ("code", "name"),
                    "name_confirmed",
                    ("kind", "is_pilot", "batch"),
                    "joined_on",
                    "current_phase",
                ]
            },
        ),
        (
            _("Figures"),
            {"fields": [("population", "population_year"), "area_km2"]},
        ),
        (
            _("Contacts"),
            {"fields": ["head_name", ("contact_name", "contact_phone"), "address"]},
        ),
        (_("Notes"), {"fields": ["notes"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).with_counts()

    @admin.display(description=_("active work groups"), ordering="group_count")
    def group_total(self, obj: CreatingUnit) -> int:
        return obj.group_count

    @admin.display(description=_("members"), ordering="member_count")
    def member_total(self, obj: CreatingUnit) -> int:
        return obj.member_count


# --- Progress, evidence and titles ---


class MilestoneEventInline(ReadOnlyAdminMixin, ScopedTabularInline):
    model = MilestoneEvent
    fields = ["at", "from_status", "to_status", "by", "note"]
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("by")


@admin.register(UnitMilestone)
class UnitMilestoneAdmin(ScopedReadOnlyAdmin):
    """Read-only: rows come from the programme's milestones (`unit_milestones_sync`), and a
    status moves only through the portal, which records each move as a milestone event."""

    list_display = ["unit", "milestone", "status", "due_date", "status_changed_at"]
    list_filter = ["status", "milestone__phase"]
    search_fields = ["unit__name", "unit__code", "milestone__name"]
    list_select_related = ["unit", "milestone"]
    inlines = [MilestoneEventInline]


@admin.register(MilestoneEvent)
class MilestoneEventAdmin(ScopedReadOnlyAdmin):
    list_display = ["unit_milestone", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = [
        "unit_milestone__unit__name",
        "unit_milestone__unit__code",
        "unit_milestone__milestone__name",
    ]
    list_select_related = ["unit_milestone__unit", "unit_milestone__milestone", "by"]
    date_hierarchy = "at"


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(ScopedReadOnlyAdmin):
    list_display = ["unit", "from_phase", "to_phase", "moved_at", "moved_by", "overridden"]
    list_filter = ["overridden", "to_phase"]
    search_fields = ["unit__name", "unit__code", "reason"]
    list_select_related = ["unit", "from_phase", "to_phase", "moved_by"]
    date_hierarchy = "moved_at"


class EvidenceVersionInline(ReadOnlyAdminMixin, ScopedTabularInline):
    """The uploaded files, each with its fingerprint; they are uploaded through the portal."""

    model = EvidenceVersion
    fields = [
        "number",
        "download",
        "size",
        "sha256",
        "effective_date",
        "uploaded_by",
        "uploaded_at",
        "note",
    ]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj: EvidenceVersion) -> str:
        """The portal's download, which checks the reader's scope (the file is private)."""
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


@admin.register(Evidence)
class EvidenceAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "unit", "unit_milestone", "created_at", "version_count"]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "unit__name", "unit__code"]
    list_select_related = ["unit", "unit_milestone__unit", "unit_milestone__milestone"]
    inlines = [EvidenceVersionInline]

    version_count = count_column("versions", _("versions"))


@admin.register(Certification)
class CertificationAdmin(ScopedHistoryAdmin):
    list_display = ["unit", "level", "status", "named_on", "valid_until"]
    list_filter = ["level", "status"]
    search_fields = ["unit__name", "unit__code", "certificate_number"]
    list_select_related = ["unit"]
    # Status and dates move through the portal's title page, which checks each step and
    # records who made it; here they can only be corrected while the application is new.
    readonly_on_change = ("unit", "status", "named_on", "valid_until")


# --- Users ---

PORTAL_ROLE_FIELDSET = (
    _("Portal role"),
    {
        "fields": ("role", "unit", "department"),
        "description": _(
            "A unit clerk needs a unit and a department provider a department; "
            "leave both empty for other roles."
        ),
    },
)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Users with their portal role; the model has no history table, so Django's log applies."""

    fieldsets = (*DjangoUserAdmin.fieldsets, PORTAL_ROLE_FIELDSET)
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, PORTAL_ROLE_FIELDSET)
    list_display = [
        "username",
        "display_name",
        "role",
        "unit",
        "department",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "is_staff", "is_superuser", "is_active", "department"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__code", "unit__name"]
    list_select_related = ["unit", "department"]
    ordering = ["username"]

    @admin.display(description=_("full name"))
    def display_name(self, obj: User) -> str:
        return obj.get_full_name()


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
    fields = ["number", "name", "item_total", "element_points"]
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
    list_display = ["__str__", "scheme", "item_total", "items_points"]
    list_filter = ["scheme"]
    search_fields = ["name", "scheme__code", "scheme__name"]
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

    list_display = ["name", "scheme", "kind", "window", "unit_total"]
    list_filter = ["kind", "scheme"]
    search_fields = ["name", "scheme__name"]
    list_select_related = ["scheme"]
    date_hierarchy = "opens_on"
    filter_horizontal = ["evaluators"]
    readonly_fields = ["created_by", "created_at"]
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
