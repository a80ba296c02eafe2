"""The API of titles: the units' title applications and titles (`Certification`, within the
user's scope), and the programme's targets with today's values, computed as the progress page
and the dashboard compute them (`selectors.targets_results`)."""

from __future__ import annotations

from datetime import date

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs.core.choices import TitleLevel
from programs.titles.models import Certification, Target
from programs.titles.selectors import TargetResult, TargetState, targets_results
from safecommunity.api.fields import UnitCode
from safecommunity.api.filters import UpdatedSinceFilter
from safecommunity.api.views import ScopedReadViewSet

# --- Titles and applications ----------------------------------------------------------------


class CertificationSerializer(serializers.ModelSerializer):
    unit = UnitCode()
    held = serializers.SerializerMethodField(
        help_text=_("Named and within its validity today (Beijing time).")
    )

    class Meta:
        model = Certification
        fields = [
            "id",
            "unit",
            "level",
            "status",
            "applied_on",
            "named_on",
            "valid_until",
            "certificate_number",
            "held",
            "updated_at",
        ]
        read_only_fields = fields

    def get_held(self, title: Certification) -> bool:
        return title.is_held()


class CertificationFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", max_length=16, label=_("Unit code"))
    level = django_filters.ChoiceFilter(choices=TitleLevel.choices)
    status = django_filters.ChoiceFilter(choices=Certification.Status.choices)
    updated_since = UpdatedSinceFilter("updated_at")

    class Meta:
        model = Certification
        fields: list[str] = []


class CertificationViewSet(ScopedReadViewSet):
    """Title applications and titles (称号) of the units in the user's scope: level, status,
    the dates applied, named and valid until, the certificate number and whether it is held
    today. Filters: `unit` (code), `level`, `status`, `updated_since`."""

    model = Certification
    serializer_class = CertificationSerializer
    filterset_class = CertificationFilter

    def scoped(self, queryset):
        return queryset.select_related("unit").order_by()


# --- Targets ----------------------------------------------------------------------------------


class AttainmentSerializer(serializers.Serializer):
    on = serializers.DateField(help_text=_("The day the value is computed for (today)."))
    value = serializers.DecimalField(
        max_digits=7,
        decimal_places=1,
        help_text=_("A percentage for shares (rounded half up), a number of units for counts."),
    )
    numerator = serializers.IntegerField(help_text=_("Units counting towards the target."))
    denominator = serializers.IntegerField(
        allow_null=True, help_text=_("Units the share is taken of; null for counts.")
    )
    met = serializers.BooleanField(help_text=_("The value reaches the threshold."))
    state = serializers.ChoiceField(choices=TargetState.choices)


class TargetSerializer(serializers.ModelSerializer):
    program = UnitCode()
    attainment = serializers.SerializerMethodField(
        help_text=_(
            "Today's value against the threshold, as the progress page shows it; null for "
            "those who do not see every unit. It changes with the titles, not with `updated_at`."
        )
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "program",
            "code",
            "name",
            "measure",
            "level",
            "threshold",
            "deadline",
            "description",
            "attainment",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AttainmentSerializer(allow_null=True))
    def get_attainment(self, target: Target) -> dict | None:
        attainment = getattr(target, "attainment", None)
        return None if attainment is None else AttainmentSerializer(attainment).data


class TargetFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(max_length=50)
    measure = django_filters.ChoiceFilter(choices=Target.Measure.choices)
    updated_since = UpdatedSinceFilter("updated_at")

    class Meta:
        model = Target
        fields: list[str] = []


class TargetViewSet(ScopedReadViewSet):
    """The programme's targets (reference data: every signed-in user reads them, as on the
    programme page) with today's value, threshold and state for those who see every unit (as
    the progress page and the dashboard show them). Filters: `code`, `measure`,
    `updated_since` (the target's own changes; its value follows the titles)."""

    model = Target
    serializer_class = TargetSerializer
    filterset_class = TargetFilter

    def scoped(self, queryset):
        return queryset.select_related("program").order_by()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else self.with_attainment(page)

    def get_object(self) -> Target:
        return self.with_attainment([super().get_object()])[0]

    def with_attainment(self, targets) -> list[Target]:
        """The targets, each with today's result (two queries for them all) when the user sees
        the targets' values: the pages' rule (`ProgressView`, `dashboard_build`)."""
        targets = list(targets)
        if self.request.user.sees_all_units:
            today = timezone.localdate()
            for result in targets_results(targets, today):
                result.target.attainment = attainment(result, today)
        return targets


def attainment(result: TargetResult, on: date) -> dict:
    return {
        "on": on,
        "value": result.value,
        "numerator": result.numerator,
        "denominator": result.denominator,
        "met": result.state == TargetState.MET,
        "state": result.state,
    }
