"""The API's injury records: every card in the user's scope (`InjuryRecord.objects.visible_to`),
in cursor pages on the id (constant time per page over a million rows), filtered as the list
page filters (unit, injury dates, source, cause, domain, outcome) and by `updated_since`."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from injuries.choices import Cause, Domain, Outcome, Source
from injuries.models import InjuryRecord
from safecommunity.api.filters import UpdatedSinceFilter
from safecommunity.api.views import ScopedReadViewSet

#: The card's fields an integrator reads, as the spreadsheet import names them (codes as codes).
RECORD_FIELDS = [
    "id",
    "unit",
    "source",
    "reporting_org",
    "record_number",
    "injury_date",
    "injury_time",
    "visit_date",
    "visit_time",
    "sex",
    "age",
    "registration",
    "education",
    "occupation",
    "cause",
    "place",
    "activity",
    "intent",
    "alcohol",
    "nature",
    "body_part",
    "severity",
    "outcome",
    "diagnosis",
    "icd10",
    "narrative",
    "domain",
    "batch",
    "created_at",
    "updated_at",
]


class InjuryRecordSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = InjuryRecord
        fields = RECORD_FIELDS
        read_only_fields = fields


class InjuryRecordFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", max_length=16, label=_("Unit code"))
    start = django_filters.DateFilter(field_name="injury_date", lookup_expr="gte")
    end = django_filters.DateFilter(field_name="injury_date", lookup_expr="lte")
    source = django_filters.ChoiceFilter(choices=Source.choices)
    cause = django_filters.TypedChoiceFilter(choices=Cause.choices, coerce=int)
    domain = django_filters.ChoiceFilter(choices=Domain.choices)
    outcome = django_filters.TypedChoiceFilter(choices=Outcome.choices, coerce=int)
    updated_since = UpdatedSinceFilter("updated_at")

    class Meta:
        model = InjuryRecord
        fields: list[str] = []


class InjuryRecordViewSet(ScopedReadViewSet):
    """Injury records (伤害监测报告卡) in the user's scope, by rising id (`?cursor=` pages of 100,
    `page_size` up to 1,000). Filters: `unit` (code), `start`/`end` (injury date), `source`,
    `cause`, `domain`, `outcome`, `updated_since` (a copy re-reads what changed)."""

    model = InjuryRecord
    serializer_class = InjuryRecordSerializer
    filterset_class = InjuryRecordFilter

    def scoped(self, queryset):
        return queryset.select_related("unit").order_by()
