"""The API's units: each unit's profile, current phase, progress through its phase gate and the
highest title in force, read within the user's scope (`CreatingUnit.objects.visible_to`)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.db.models.query import EmptyQuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs.core.choices import TitleLevel, UnitKind
from programs.core.models import CreatingUnit
from programs.core.models.units import UNIT_CODE_PATTERN
from programs.overview.selectors.progress import units_with_progress
from programs.progress.models import UnitMilestone
from programs.titles.models import Certification
from safecommunity.api.filters import UpdatedSinceFilter
from safecommunity.api.views import ScopedReadViewSet


class PhaseSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class GateSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(
        source="gate_accepted", help_text=_("Required milestones of the phase accepted.")
    )
    total = serializers.IntegerField(
        source="gate_total", help_text=_("Required milestones of the phase.")
    )
    overdue = serializers.IntegerField(
        source="overdue_count", help_text=_("Open milestones past their due date.")
    )


class TitleSerializer(serializers.Serializer):
    level = serializers.ChoiceField(source="title_level", choices=TitleLevel.choices)
    valid_until = serializers.DateField(source="title_valid_until", allow_null=True)


#: What only those who read a unit's records see of it: an evaluator sees the units of their
#: rounds without their people or progress (as on the pages): blank and null here.
PRIVATE_TEXT = ("head_name", "contact_name", "contact_phone", "address")


class UnitSerializer(serializers.ModelSerializer):
    district = serializers.CharField(
        source="district.code",
        read_only=True,
        help_text=_("The official 6-digit code of the unit's district (110113 for 顺义区)."),
    )
    current_phase = PhaseSerializer(allow_null=True, read_only=True)
    gate = GateSerializer(
        source="*", read_only=True, allow_null=True, help_text=_("Null for an evaluator.")
    )
    title = serializers.SerializerMethodField(help_text=_("The highest title in force, or null."))
    official_name = serializers.CharField(
        source="division_name",
        read_only=True,
        help_text=_(
            "The unit's name in the official list of divisions (仁和地区 for the plan's 仁和镇); "
            "blank for a unit without a division code."
        ),
    )

    class Meta:
        model = CreatingUnit
        fields = [
            "id",
            "code",
            "name",
            "district",
            "division_code",
            "official_name",
            "kind",
            "is_pilot",
            "batch",
            "joined_on",
            "population",
            "population_year",
            "area_km2",
            "head_name",
            "contact_name",
            "contact_phone",
            "address",
            "current_phase",
            "gate",
            "title",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, unit: CreatingUnit) -> dict:
        data = super().to_representation(unit)
        if not self.context.get("shows_records", True):
            data.update(dict.fromkeys(PRIVATE_TEXT, ""), gate=None)
        return data

    @extend_schema_field(TitleSerializer(allow_null=True))
    def get_title(self, unit: CreatingUnit) -> dict | None:
        return TitleSerializer(unit).data if unit.title_level else None


class UnitFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code", max_length=16)
    division_code = django_filters.CharFilter(
        field_name="division_code", max_length=9, label=_("Official division code (9 digits)")
    )
    district = django_filters.CharFilter(
        field_name="district__code", max_length=6, label=_("District code (6 digits)")
    )
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    phase = django_filters.NumberFilter(
        field_name="current_phase__order", min_value=0, max_value=100, label=_("Phase (order)")
    )
    is_pilot = django_filters.BooleanFilter()
    updated_since = UpdatedSinceFilter(
        "updated_at",
        method="changed_since",
        label=_("Profile, phase, a milestone or a title changed at or after (ISO 8601)"),
    )

    class Meta:
        model = CreatingUnit
        fields: list[str] = []

    def changed_since(self, queryset, name: str, moment):
        """The units whose own row, or a milestone or title behind their gate and title,
        changed at or after `moment` (`overdue` moves with the date alone: read it daily)."""
        since = {"unit": OuterRef("pk"), "updated_at__gte": moment}
        return queryset.filter(
            Q(updated_at__gte=moment)
            | Exists(UnitMilestone.objects.filter(**since))
            | Exists(Certification.objects.filter(**since))
        )


class UnitViewSet(ScopedReadViewSet):
    """Units: profile, district, current phase, gate progress (required milestones accepted of
    all) and the highest title in force. Filters: `code`, `district`, `division_code`, `kind`,
    `phase` (its order), `is_pilot`, `updated_since` (the unit, a milestone or a title
    changed)."""

    model = CreatingUnit
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    lookup_field = "code"
    lookup_value_regex = UNIT_CODE_PATTERN

    def scoped(self, queryset):
        return units_with_progress(queryset.select_related("district", "current_phase"))

    def get_serializer_context(self) -> dict:
        # The page's rule (UnitListView): an evaluator's records scope is empty, with no query.
        records = CreatingUnit.objects.records_visible_to(self.request.user)
        shows_records = not isinstance(records, EmptyQuerySet)
        return {**super().get_serializer_context(), "shows_records": shows_records}
