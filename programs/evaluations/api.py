"""The API's evaluations: each unit's evaluation in a round within the user's scope
(`Evaluation.objects.visible_to`: clerks their unit's, district staff all, evaluators those of
their rounds, providers none), with its total, maximum and result as the evaluation's page
shows them — the stored total of a final evaluation, the running total of a draft — scored a
page at a time in two queries (`selectors.evaluations_scored`)."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs.evaluations.models import (
    Evaluation,
    EvaluationKind,
    EvaluationResult,
    EvaluationRound,
    EvaluationScheme,
)
from programs.evaluations.selectors import evaluation_reason, evaluations_scored
from safecommunity.api.fields import UnitCode
from safecommunity.api.filters import UpdatedSinceFilter
from safecommunity.api.views import ScopedReadViewSet

POINTS = {"max_digits": 7, "decimal_places": 2}


def _with_scores(evaluations: list[Evaluation]) -> list[Evaluation]:
    """The evaluations, each given its `score` as graded so far (two queries for them all)."""
    missing = [evaluation for evaluation in evaluations if not hasattr(evaluation, "score")]
    scores = evaluations_scored(missing)
    for evaluation in missing:
        evaluation.score = scores[evaluation.pk]
    return evaluations


class ScoredListSerializer(serializers.ListSerializer):
    """A page of evaluations, scored together rather than one by one."""

    def to_representation(self, data):
        return super().to_representation(_with_scores(list(data)))


class TotalField(serializers.DecimalField):
    """The total the evaluation's page shows: the stored one once final, else the running one."""

    def get_attribute(self, evaluation: Evaluation) -> Decimal:
        return evaluation.total if evaluation.is_final else evaluation.score.total


class EvaluationRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationRound
        fields = ["id", "name", "kind", "opens_on", "closes_on"]
        read_only_fields = fields


class EvaluationSchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationScheme
        fields = ["code", "name", "version"]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):
    unit = UnitCode()
    round = EvaluationRoundSerializer(read_only=True)
    scheme = EvaluationSchemeSerializer(source="round.scheme", read_only=True)
    total = TotalField(
        source="*",
        read_only=True,
        help_text=_(
            "Final: the total it was finalised with. Draft: the running total of its grades so "
            "far (items not fully graded count for nothing)."
        ),
        **POINTS,
    )
    maximum = serializers.DecimalField(
        source="score.maximum",
        read_only=True,
        help_text=_("The points the scheme's items add up to."),
        **POINTS,
    )
    items = serializers.IntegerField(
        source="score.items", read_only=True, help_text=_("Items of the scheme.")
    )
    items_graded = serializers.IntegerField(
        source="score.graded", read_only=True, help_text=_("Items with all three parts graded.")
    )
    result = serializers.SerializerMethodField(
        help_text=_("The result it was finalised with; null while a draft.")
    )
    running_result = serializers.SerializerMethodField(
        help_text=_("A draft's provisional result by its grades so far; null once final.")
    )
    reason = serializers.SerializerMethodField(
        help_text=_("Why it has its result (or running result), in the request's language.")
    )

    class Meta:
        model = Evaluation
        list_serializer_class = ScoredListSerializer
        fields = [
            "id",
            "unit",
            "round",
            "scheme",
            "status",
            "total",
            "maximum",
            "items",
            "items_graded",
            "result",
            "running_result",
            "reason",
            "finalised_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, evaluation: Evaluation) -> dict:
        _with_scores([evaluation])  # a detail; a page was scored by its list serializer
        return super().to_representation(evaluation)

    @extend_schema_field(serializers.ChoiceField(choices=EvaluationResult.choices, allow_null=True))
    def get_result(self, evaluation: Evaluation) -> str | None:
        return evaluation.result if evaluation.is_final else None

    @extend_schema_field(serializers.ChoiceField(choices=EvaluationResult.choices, allow_null=True))
    def get_running_result(self, evaluation: Evaluation) -> str | None:
        return None if evaluation.is_final else evaluation.score.result

    def get_reason(self, evaluation: Evaluation) -> str:
        return evaluation_reason(evaluation, evaluation.score)


class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number (`1.5` is a 400, not round 1)."""

    field_class = forms.IntegerField


class EvaluationFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", max_length=16, label=_("Unit code"))
    round = IdFilter(field_name="round", min_value=1, max_value=2**31 - 1, label=_("Round (id)"))
    kind = django_filters.ChoiceFilter(
        field_name="round__kind", choices=EvaluationKind.choices, label=_("Kind of round")
    )
    scheme = django_filters.CharFilter(
        field_name="round__scheme__code", max_length=40, label=_("Scheme code")
    )
    status = django_filters.ChoiceFilter(choices=Evaluation.Status.choices)
    result = django_filters.ChoiceFilter(
        choices=EvaluationResult.choices, label=_("Result (final evaluations)")
    )
    updated_since = UpdatedSinceFilter("updated_at")

    class Meta:
        model = Evaluation
        fields: list[str] = []


class EvaluationViewSet(ScopedReadViewSet):
    """Evaluations: a unit's evaluation in a round, with the round, the scheme, its status,
    total and maximum, and its result (final) or running result (draft), as the evaluation's
    page shows them. Filters: `unit` (code), `round` (id), `kind` (of round), `scheme` (code),
    `status`, `result`, `updated_since` (grades change it too)."""

    model = Evaluation
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter

    def scoped(self, queryset):
        return queryset.select_related("unit", "round__scheme").order_by()
