"""The admin of the programme itself: departments, programme, phases, milestones, units, users."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.core.models import (
    ApiToken,
    CreatingUnit,
    Department,
    District,
    Event,
    Milestone,
    Phase,
    Program,
    User,
)
from programs.core.resources import CreatingUnitResource, DepartmentResource
from safecommunity.admin import (
    PermissionLabels,
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
    ScopedHistoryAdmin,
    ScopedImportExportAdmin,
    ScopedReadOnlyAdmin,
    ScopedTabularInline,
    count_column,
)

# --- Reference data ---


@admin.register(District)
class DistrictAdmin(ScopedHistoryAdmin):
    """The districts on the portal; `manage.py add_district CODE` adds one with its units."""

    list_display = ["code", "name", "name_en", "population", "population_year", "unit_count"]
    list_display_links = ["code", "name"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["code"]

    unit_count = count_column("units", _("creating units"))


@admin.register(Department)
class DepartmentAdmin(ScopedImportExportAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["code", "name", "name_en", "district", "sort_order", "provider_count"]
    list_display_links = ["code", "name"]
    list_editable = ["sort_order"]
    list_filter = ["district", ("surveillance_data", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "name_en", "duties", "surveillance_data"]
    list_select_related = ["district"]
    ordering = ["district", "sort_order", "name"]

    provider_count = count_column("providers", _("providers"))


class PhaseInline(ScopedTabularInline):
    model = Phase
    fields = ["order", "name", "name_en", "start_date", "end_date"]


@admin.register(Program)
class ProgramAdmin(ScopedHistoryAdmin):
    list_display = ["code", "name", "district", "start_date", "end_date", "report_due_day"]
    list_filter = ["start_date", ("end_date", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name"]
    ordering = ["-start_date"]
    inlines = [PhaseInline]  # and the targets, joined in programs/admin.py


class MilestoneInline(ScopedTabularInline):
    model = Milestone
    fields = ["order", "name", "due_date", "required_for_gate", "evidence_required"]


@admin.register(Phase)
class PhaseAdmin(ScopedHistoryAdmin):
    list_display = ["__str__", "name_en", "program", "start_date", "end_date"]
    list_filter = ["program"]
    search_fields = ["name", "name_en", "description"]
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


# --- Creating units ---


@admin.register(CreatingUnit)
class CreatingUnitAdmin(ScopedImportExportAdmin):
    resource_classes = [CreatingUnitResource]
    list_display = [
        "code",
        "name",
        "official_name",
        "division_code",
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
    list_filter = [
        "district",
        "kind",
        "is_pilot",
        "batch",
        "name_confirmed",
        ("division_code", admin.EmptyFieldListFilter),
        "program",
        "current_phase",
    ]
    search_fields = [
        "code",
        "name",
        "official_name",
        "division_code",
        "head_name",
        "contact_name",
        "address",
    ]
    list_select_related = ["program", "current_phase"]
    ordering = ["district", "code"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("district", "program"),
                    ("code", "name"),
                    ("division_code", "official_name"),
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


# --- Users ---

PORTAL_ROLE_FIELDSET = (
    _("Portal role"),
    {
        "fields": ("role", "district", "unit", "department"),
        "description": _(
            "Everyone but the city office and administrators works in a district (a clerk's is "
            "the unit's, a provider's the department's). A unit clerk needs a unit and a "
            "department provider a department; leave both empty for other roles."
        ),
    },
)


@admin.register(User)
class UserAdmin(PermissionLabels, ScopedAdminMixin, DjangoUserAdmin):
    """Users with their portal role; the model has no history table, so Django's log applies."""

    fieldsets = (*DjangoUserAdmin.fieldsets, PORTAL_ROLE_FIELDSET)
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, PORTAL_ROLE_FIELDSET)
    list_display = [
        "username",
        "display_name",
        "role",
        "district",
        "unit",
        "department",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "district", "is_staff", "is_superuser", "is_active", "department"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__code", "unit__name"]
    list_select_related = ["district", "unit", "department"]
    ordering = ["username"]

    @admin.display(description=_("full name"))
    def display_name(self, obj: User) -> str:
        return obj.get_full_name()


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabels, DjangoGroupAdmin):
    """auth's groups, their permissions named in the reader's language."""


# --- The event log: read-only, rows are never changed or deleted ---


@admin.register(Event)
class EventAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "at",
        "unit",
        "content_type",
        "object_id",
        "action",
        "from_state",
        "to_state",
        "actor",
    ]
    list_filter = ["kind", "action", "content_type"]
    search_fields = ["unit__code", "unit__name", "reason", "actor__username"]
    list_select_related = ["unit", "content_type", "actor"]
    date_hierarchy = "at"


class EventInline(ReadOnlyAdminMixin, GenericTabularInline):
    """A record's moves from the event log, newest first."""

    model = Event
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ["at", "action", "from_state", "to_state", "actor", "reason"]
    extra = 0
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).visible_to(request.user).select_related("actor")


# --- API tokens: read-only (a key is never kept, so none is shown); their users revoke them ---


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "rate_exempt",
    ]
    list_filter = ["rate_exempt", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    exclude = ["key_hash"]
    actions = ["exempt_from_rate", "count_against_rate"]

    def get_actions(self, request: HttpRequest) -> dict:
        # Exempting a system's token from the rate limit (a bulk copy, a benchmark) is the
        # administrator's decision alone; the rest of the admin only reads tokens.
        return super().get_actions(request) if request.user.is_superuser else {}

    @admin.action(description=_("Exempt the selected tokens from the rate limit"))
    def exempt_from_rate(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._set_rate_exempt(request, queryset, exempt=True)

    @admin.action(description=_("Count the selected tokens against the rate limit"))
    def count_against_rate(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._set_rate_exempt(request, queryset, exempt=False)

    def _set_rate_exempt(
        self, request: HttpRequest, queryset: models.QuerySet, *, exempt: bool
    ) -> None:
        changed = queryset.exclude(rate_exempt=exempt).update(rate_exempt=exempt)
        self.message_user(
            request,
            ngettext("%(count)d token changed.", "%(count)d tokens changed.", changed)
            % {"count": changed},
        )
