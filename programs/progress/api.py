"""The API's milestones: each unit's milestones with their state, due band and last decision,
read within the user's scope (`UnitMilestone.objects.visible_to`), filtered as the milestone
queue filters (unit, phase, state) and by due band and `updated_since`."""

from __future__ import annotations

import django_filters
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from programs.progress.models import DueBand, Evidence, UnitMilestone
from safecommunity.api.fields import UnitCode, Username
from safecommunity.api.filters import UpdatedSinceFilter
from safecommunity.api.views import ScopedReadViewSet


class UnitMilestoneSerializer(serializers.ModelSerializer):
    unit = UnitCode()
    milestone = serializers.CharField(source="milestone.name", read_only=True)
    milestone_id = serializers.IntegerField(read_only=True)
    phase = serializers.IntegerField(
        source="milestone.phase.order",
        read_only=True,
        help_text=_("The milestone's phase, by its order (1 is the first)."),
    )
    required_for_gate = serializers.BooleanField(
        source="milestone.required_for_gate",
        read_only=True,
        help_text=_("The unit leaves the phase only once this milestone is accepted."),
    )
    evidence_required = serializers.BooleanField(
        source="milestone.evidence_required", read_only=True
    )
    status_changed_by = Username(help_text=_("Who moved the milestone last (username)."))
    due_band = serializers.ChoiceField(
        source="band",
        choices=DueBand.choices,
        read_only=True,
        help_text=_(
            "Where the milestone stands against its due date today (Beijing time); it changes "
            "with the day, not with `updated_at`."
        ),
    )
    overdue = serializers.SerializerMethodField(
        help_text=_("Open, its phase reached and past its due date today.")
    )
    evidence_count = serializers.IntegerField(
        read_only=True, help_text=_("Pieces of evidence offered for the milestone.")
    )

    class Meta:
        model = UnitMilestone
        fields = [
            "id",
            "unit",
            "milestone_id",
            "milestone",
            "phase",
            "required_for_gate",
            "evidence_required",
            "status",
            "due_date",
            "due_band",
            "overdue",
            "status_changed_at",
            "status_changed_by",
            "return_reason",
            "evidence_count",
            "updated_at",
        ]
        read_only_fields = fields

    def get_overdue(self, item: UnitMilestone) -> bool:
        return item.band == DueBand.OVERDUE


class UnitMilestoneFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", max_length=16, label=_("Unit code"))
    phase = django_filters.NumberFilter(
        field_name="milestone__phase__order", min_value=0, max_value=100, label=_("Phase (order)")
    )
    status = django_filters.ChoiceFilter(choices=UnitMilestone.Status.choices)
    due_band = django_filters.ChoiceFilter(
        field_name="band", choices=DueBand.choices, label=_("Due band today (overdue, due soon …)")
    )
    updated_since = UpdatedSinceFilter("updated_at")

    class Meta:
        model = UnitMilestone
        fields: list[str] = []


class UnitMilestoneViewSet(ScopedReadViewSet):
    """Units' milestones in the user's scope: the milestone, its phase, status, due date and
    due band today, the last decision (when, by whom, the reason for a return) and how many
    pieces of evidence it has. Filters: `unit` (code), `phase` (order), `status`, `due_band`,
    `updated_since` (a copy re-reads what changed; the band moves with the day)."""

    model = UnitMilestone
    serializer_class = UnitMilestoneSerializer
    filterset_class = UnitMilestoneFilter

    def scoped(self, queryset):
        evidence = (
            Evidence.objects.filter(unit_milestone=OuterRef("pk"))
            .order_by()
            .values("unit_milestone")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            queryset.select_related("unit__current_phase", "milestone__phase", "status_changed_by")
            .with_band()
            .annotate(evidence_count=Coalesce(Subquery(evidence), 0))
            .order_by()
        )
