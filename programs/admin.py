"""The Django admin of the programme: reference data, creating units and users.

Every admin goes through `ScopedAdminMixin`, so lists, forms, change history, foreign-key
choices and spreadsheet exports show only what `visible_to(user)` allows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from programs.models import CreatingUnit, Department, Milestone, Phase, Program, Target, User
from programs.resources import (
    SPREADSHEET_FORMATS,
    CreatingUnitResource,
    DepartmentResource,
    UnreadableFile,
)

admin.site.site_header = _("Safe Community Programme Portal")
admin.site.site_title = _("Safe Community Programme Portal")
admin.site.index_title = _("Administration")


class ScopedAdminMixin:
    """Limit an admin (or inline) to the rows and choices `visible_to(request.user)` returns.

    - `get_queryset` narrows the admin's own queryset (ordering kept), which also scopes the
      change, delete and history pages and import-export's export (built from the changelist);
    - foreign-key choices come from the related model's `visible_to` when it has one;
    - django-simple-history's history pages, which fall back to the history table when the
      object is not in the queryset, answer 404 for an object outside the user's scope.
    """

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if "queryset" not in kwargs:
            db = kwargs.get("using")
            queryset = self.get_field_queryset(db, db_field, request)
            if queryset is None:
                queryset = db_field.remote_field.model._default_manager.using(db).all()
            if hasattr(queryset, "visible_to"):
                kwargs["queryset"] = queryset.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> Any:
        self._ensure_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> Any:
        self._ensure_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _ensure_in_scope(self, request: HttpRequest, object_id: str) -> None:
        """Administrators may read the history of deleted rows; others only of rows they see."""
        try:
            visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            visible = False
        if not visible and not getattr(request.user, "is_administrator", False):
            raise Http404


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """A scoped admin whose history page shows who changed what, and when."""


class ScopedImportExportAdmin(ScopedAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    """A scoped admin with history and spreadsheet import/export (xlsx, CSV in UTF-8 or GB18030).

    The resource is created with the requesting user, so an import updates and looks up only
    rows that user may change or see; the export goes through the changelist's scoped queryset.
    """

    formats = SPREADSHEET_FORMATS

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        """Say why a file could not be read when we know (import-export shows only the class)."""
        if isinstance(e, UnreadableFile):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


# --- Reference data ---


@admin.register(Department)
class DepartmentAdmin(ScopedImportExportAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["name", "sort_order", "provider_count"]
    list_editable = ["sort_order"]
    search_fields = ["name", "duties", "surveillance_data"]
    ordering = ["sort_order", "name"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).annotate(provider_total=models.Count("providers"))

    @admin.display(description=_("providers"), ordering="provider_total")
    def provider_count(self, obj: Department) -> int:
        return obj.provider_total


class PhaseInline(ScopedTabularInline):
    model = Phase
    fields = ["order", "name", "start_date", "end_date"]


class TargetInline(ScopedTabularInline):
    model = Target
    fields = ["code", "name", "measure", "level", "threshold", "deadline"]


@admin.register(Program)
class ProgramAdmin(ScopedHistoryAdmin):
    list_display = ["code", "name", "start_date", "end_date", "report_due_day"]
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
