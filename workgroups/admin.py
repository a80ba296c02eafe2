"""The Django admin of work groups: the standard templates, each unit's groups and members,
its activity log and its promotion projects.

Scoped like every admin of the portal (`programs.admin.ScopedAdminMixin`); filters on a unit or
group offer only the units and groups the user can see. A group or member stays in its unit:
the unit is fixed once the row exists, so a group never moves away from its members.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.core.transitions import transition
from programs.jobs.admin_exports import BackgroundExportMixin
from safecommunity.admin import (
    ScopedHistoryAdmin,
    ScopedImportExportAdmin,
    ScopedTabularInline,
    count_column,
)
from safecommunity.forms import FixedFieldsValidationMixin
from workgroups.choices import Intervention, TargetGroup
from workgroups.forms import code_list_field
from workgroups.models import Activity, Member, PromotionProject, WorkGroup, WorkGroupTemplate
from workgroups.resources import MemberResource, WorkGroupTemplateResource


@admin.register(WorkGroupTemplate)
class WorkGroupTemplateAdmin(ScopedImportExportAdmin):
    resource_classes = [WorkGroupTemplateResource]
    list_display = ["number", "name", "name_en", "lead", "is_active", "group_total"]
    list_display_links = ["number", "name"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_en", "lead", "cooperating", "duties"]
    ordering = ["number"]

    group_total = count_column("work_groups", _("units' groups"))


class GroupMemberFormSet(BaseInlineFormSet):
    """Members added under a group belong to the group's unit, as work-group members."""

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)
        form.instance.unit_id = self.instance.unit_id
        form.instance.body = Member.Body.GROUP
        return form


class GroupMemberInline(ScopedTabularInline):
    model = Member
    formset = GroupMemberFormSet
    fk_name = "group"
    fields = ["name", "role", "position", "organisation", "phone", "sort_order"]
    verbose_name = _("group member")
    verbose_name_plural = _("group members")


@admin.register(WorkGroup)
class WorkGroupAdmin(ScopedHistoryAdmin):
    list_display = ["name", "unit", "template", "lead", "status", "member_total", "sort_order"]
    list_filter = ["status", ("unit", admin.RelatedOnlyFieldListFilter), "template"]
    search_fields = ["name", "lead", "duties", "unit__code", "unit__name"]
    list_select_related = ["unit", "template"]
    ordering = ["unit__code", "sort_order", "name"]
    fields = ["unit", "template", "name", "lead", "duties", "status", "dropped_at", "sort_order"]
    readonly_fields = ["status", "dropped_at"]
    readonly_on_change = ("unit",)
    inlines = [GroupMemberInline]
    actions = ["drop_groups", "restore_groups"]

    member_total = count_column("members", _("members"))

    def get_inline_instances(self, request: HttpRequest, obj: WorkGroup | None = None) -> list:
        """Members join a group that exists: add the group first, then its members."""
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.action(
        description=_("Drop the selected groups (kept on record)"), permissions=["change"]
    )
    def drop_groups(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._apply(request, queryset.filter(status=WorkGroup.Status.ACTIVE), "drop")

    @admin.action(description=_("Restore the selected groups"), permissions=["change"])
    def restore_groups(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._apply(request, queryset.filter(status=WorkGroup.Status.DROPPED), "restore")

    def _apply(self, request: HttpRequest, queryset: models.QuerySet, move: str) -> None:
        """The same move as the unit page's, by the request's user, for each selected group."""
        changed = 0
        for group in queryset:
            transition(group, move, by=request.user)
            changed += 1
        self.message_user(
            request,
            ngettext("%(count)d group changed.", "%(count)d groups changed.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


@admin.register(Member)
class MemberAdmin(BackgroundExportMixin, ScopedImportExportAdmin):
    """Members of every unit's committee, office and groups: tens of thousands in a district,
    so the export runs as a job."""

    resource_classes = [MemberResource]
    list_display = [
        "name",
        "unit",
        "body",
        "group",
        "role",
        "position",
        "organisation",
        "phone",
    ]
    list_filter = [
        "body",
        "role",
        ("unit", admin.RelatedOnlyFieldListFilter),
        ("group", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "position", "organisation", "unit__code", "unit__name", "group__name"]
    list_select_related = ["unit", "group"]
    ordering = ["unit__code", "body", "group__sort_order", "sort_order", "pk"]
    readonly_on_change = ("unit",)
    fields = [
        "unit",
        "body",
        "group",
        "name",
        "role",
        "position",
        "organisation",
        "phone",
        "sort_order",
    ]


@admin.register(Activity)
class ActivityAdmin(ScopedHistoryAdmin):
    """Files are attached through the portal's activity page (checked by content there)."""

    list_display = [
        "date",
        "title",
        "unit",
        "kind",
        "group",
        "participants",
        "hazards_found",
        "hazards_rectified",
        "attachment_total",
    ]
    list_display_links = ["date", "title"]
    list_filter = ["kind", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "notes", "unit__code", "unit__name", "group__name"]
    list_select_related = ["unit", "group"]
    date_hierarchy = "date"
    ordering = ["-date", "-pk"]
    readonly_on_change = ("unit",)
    fields = [
        "unit",
        "kind",
        "date",
        "group",
        "title",
        "participants",
        "hazards_found",
        "hazards_rectified",
        "notes",
    ]

    attachment_total = count_column("attachments", _("files"))


class PromotionProjectAdminForm(FixedFieldsValidationMixin, forms.ModelForm):
    """Checkboxes for the code lists; the one-name-per-unit rule is checked on change too,
    when the unit is read-only and so not on the form."""

    fixed_fields = ("unit",)
    target_groups = code_list_field(
        "target_groups", TargetGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    interventions = code_list_field(
        "interventions", Intervention.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PromotionProject
        fields = ["target_groups", "interventions"]  # the admin adds its `fields`


@admin.register(PromotionProject)
class PromotionProjectAdmin(ScopedHistoryAdmin):
    form = PromotionProjectAdminForm
    list_display = ["name", "unit", "safety_area", "group", "status", "start", "end"]
    list_filter = ["status", "safety_area", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "objective", "effect", "unit__code", "unit__name", "group__name"]
    list_select_related = ["unit", "group"]
    date_hierarchy = "start"
    ordering = ["unit__code", "-start", "name"]
    readonly_on_change = ("unit",)
    readonly_fields = ["status"]  # moves through the project's buttons, recorded in the log
    fields = [
        "unit",
        "name",
        "group",
        "safety_area",
        "target_groups",
        "objective",
        "interventions",
        ("start", "end"),
        "status",
        "effect",
    ]
