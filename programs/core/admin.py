"""The admin of the programme itself: districts (and the upload of their units' boundaries),
departments, programme, phases, milestones, units, users."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.core import errors
from programs.core.forms import BoundariesForm
from programs.core.models import (
    ApiToken,
    CreatingUnit,
    Department,
    District,
    Event,
    Milestone,
    Phase,
    Program,
    UnitBoundary,
    User,
)
from programs.core.resources import CreatingUnitResource, DepartmentResource
from programs.core.services import may_upload_boundaries, unit_boundaries_replace
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
from safecommunity.geojson import GeoJSONRefused

# --- Districts, and their units' boundaries ---


def boundaries_upload_view(model_admin: DistrictAdmin) -> Any:
    """The upload page as a function, so that it can name its size limit (`upload_limit`, read
    by `safecommunity.uploads` before the body is parsed; the admin's wrapper keeps it)."""

    def upload(request: HttpRequest, object_id: str) -> HttpResponse:
        return model_admin.boundaries_view(request, object_id)

    upload.upload_limit = "boundaries"  # settings.UPLOAD_LIMITS
    return upload


@admin.register(District)
class DistrictAdmin(ScopedHistoryAdmin):
    """The districts on the portal (`manage.py add_district CODE` adds one with its units); a
    district's page links to the upload of its units' boundaries (上传单位边界), which the
    district map draws."""

    list_display = ["code", "name", "name_en", "population", "population_year", "unit_count"]
    list_display_links = ["code", "name"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["code"]
    change_form_template = "admin/programs/district/change_form.html"

    unit_count = count_column("units", _("units"))

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(boundaries_upload_view(self))
        return [
            path("<path:object_id>/boundaries/", view, name="programs_district_boundaries"),
            *super().get_urls(),
        ]

    def boundaries_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """上传单位边界: a GeoJSON file of the district's units' boundaries, all or nothing."""
        district = self.get_object(request, object_id)
        if district is None or not self.has_view_permission(request, district):
            raise Http404
        allowed = may_upload_boundaries(request.user, district)
        form = BoundariesForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and allowed and form.is_valid():
            try:
                count = unit_boundaries_replace(
                    district=district, data=form.cleaned_data["file"].read(), by=request.user
                )
            except GeoJSONRefused as refused:
                problems = refused.problems
            else:
                message = errors.BOUNDARIES_REPLACED % {"count": count, "district": district}
                self.log_change(request, district, str(message))
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:programs_district_change", args=[district.pk])
                )
        boundaries = UnitBoundary.objects.visible_to(request.user).filter(unit__district=district)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": district,
            "title": _("Upload unit boundaries"),
            "form": form,
            "allowed": allowed,
            "problems": problems,
            "refused_heading": errors.BOUNDARIES_REFUSED,
            "not_allowed": errors.BOUNDARIES_NOT_YOURS,
            "stored": boundaries.count(),
            "unit_total": district.units.count(),
            "max_mb": settings.UPLOAD_LIMITS["boundaries"] // (1024 * 1024),
        }
        return TemplateResponse(request, "admin/programs/district/boundaries.html", context)


@admin.register(UnitBoundary)
class UnitBoundaryAdmin(ScopedReadOnlyAdmin):
    """The stored boundaries, one per unit; they change only by a district's upload."""

    list_display = ["unit", "unit_district", "uploaded_at", "uploaded_by"]
    list_filter = ["unit__district"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit", "unit__district", "uploaded_by"]
    ordering = ["unit__district", "unit__code"]

    @admin.display(description=_("district"), ordering="unit__district")
    def unit_district(self, obj: UnitBoundary) -> District:
        return obj.unit.district


# --- Reference data ---


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
