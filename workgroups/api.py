"""The API's activity log: every activity in the user's scope (`Activity.objects.visible_to`),
filtered as the log's page filters (kind, dates) and by unit, work group and `updated_since`."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from safecommunity.api.fields import UnitCode
from safecommunity.api.filters import UpdatedSinceFilter
from safecommunity.api.views import ScopedReadViewSet
from workgroups.choices import ActivityKind
from workgroups.models import Activity


class ActivitySerializer(serializers.ModelSerializer):
    unit = UnitCode()
    group = serializers.SlugRelatedField(
        slug_field="name",
        read_only=True,
        allow_null=True,
        help_text=_("The work group's name (unique within its unit), or null."),
    )
    group_template = serializers.IntegerField(
        source="group.template.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_(
            "The number of the standard work group the group was formed from; null for a "
            "group the unit set up itself, or no group."
        ),
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "unit",
            "date",
            "kind",
            "group",
            "group_template",
            "title",
            "participants",
            "hazards_found",
            "hazards_rectified",
            "notes",
            "updated_at",
        ]
        read_only_fields = fields


class ActivityFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", max_length=16, label=_("Unit code"))
    group = django_filters.CharFilter(
        field_name="group__name", max_length=100, label=_("Work group (name)")
    )
    group_template = django_filters.NumberFilter(
        field_name="group__template__number",
        min_value=1,
        max_value=1000,
        label=_("Standard work group (number)"),
    )
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)
    start = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    end = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    updated_since = UpdatedSinceFilter("updated_at")

    class Meta:
        model = Activity
        fields: list[str] = []


class ActivityViewSet(ScopedReadViewSet):
    """The activity log (活动台账) in the user's scope, by rising id (`?cursor=` pages of 100,
    `page_size` up to 1,000). Filters: `unit` (code), `group` (name), `group_template` (the
    standard group's number), `kind`, `start`/`end` (date), `updated_since`."""

    model = Activity
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    def scoped(self, queryset):
        return queryset.select_related("unit", "group__template").order_by()
