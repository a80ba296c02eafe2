"""The API's monthly reports: each report in the user's scope (`MonthlyReport.objects.visible_to`)
with its state, review, narrative, stored check counts and every value, filtered as the report
pages filter (unit, month or range of months, state) and by `updated_since`."""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs.reports.filters import MonthFilter
from programs.reports.models import MonthlyReport, ReportValue
from safecommunity.api.fields import UnitCode, Username
from safecommunity.api.filters import UpdatedSinceFilter
from safecommunity.api.views import ScopedReadViewSet

#: How the schema documents a month: text YYYY-MM.
MONTH_SCHEMA = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2026-05"}


@extend_schema_field(MONTH_SCHEMA)
class MonthTextField(serializers.Field):
    """A month stored as its first day, read as "YYYY-MM"."""

    def to_representation(self, value: date) -> str:
        return f"{value:%Y-%m}"


class ReportValueSerializer(serializers.ModelSerializer):
    indicator = UnitCode()
    value = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The unit's figure; null when not given.")
    )
    prefilled = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "What the activity log or the injury records suggested; null for a figure the "
            "unit enters itself."
        ),
    )

    class Meta:
        model = ReportValue
        fields = ["indicator", "value", "comment", "prefilled", "changed_after_approval"]
        read_only_fields = fields


class MonthlyReportSerializer(serializers.ModelSerializer):
    unit = UnitCode()
    period = MonthTextField(read_only=True, help_text=_("The month reported on (YYYY-MM)."))
    submitted_by = Username(help_text=_("The username of who submitted it last."))
    reviewed_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=_("The last review: an approval, a return or a reopening (see status)."),
    )
    reviewed_by = Username(help_text=_("The username of who made the last review."))
    due_date = serializers.DateField(
        read_only=True, help_text=_("The programme's due day of the following month.")
    )
    on_time = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text=_("Whether the first submission came by the due date; null before it."),
    )
    values = ReportValueSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "unit",
            "period",
            "status",
            "first_submitted_at",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "approved_once",
            "return_reason",
            "reopen_reason",
            "due_date",
            "on_time",
            "version",
            "work_done",
            "problems",
            "next_plan",
            "error_count",
            "warning_count",
            "unexplained_count",
            "changed_after_approval",
            "updated_at",
            "values",
        ]
        read_only_fields = fields


class ApiMonthFilter(MonthFilter):
    """The review queue's month (YYYY-MM, else 400 at the field), documented as text with the
    filter's label (an override on the filter itself: each one has its own label)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        extend_schema_field({**MONTH_SCHEMA, "description": self.label})(self)


class MonthlyReportFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", max_length=16, label=_("Unit code"))
    period = ApiMonthFilter(field_name="period", label=_("Month (YYYY-MM)"))
    start = ApiMonthFilter(field_name="period", lookup_expr="gte", label=_("From month (YYYY-MM)"))
    end = ApiMonthFilter(field_name="period", lookup_expr="lte", label=_("To month (YYYY-MM)"))
    status = django_filters.ChoiceFilter(choices=MonthlyReport.Status.choices)
    changed_after_approval = django_filters.BooleanFilter()
    updated_since = UpdatedSinceFilter("updated_at")

    class Meta:
        model = MonthlyReport
        fields: list[str] = []


class MonthlyReportViewSet(ScopedReadViewSet):
    """Monthly reports (月报) in the user's scope, by rising id (`?cursor=` pages of 100,
    `page_size` up to 1,000), each with its values. Filters: `unit` (code), `period` or
    `start`/`end` (months, YYYY-MM), `status`, `changed_after_approval`, `updated_since` (a
    save, a submission or a review changes a report)."""

    model = MonthlyReport
    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilter

    def scoped(self, queryset):
        values = ReportValue.objects.select_related("indicator").order_by(
            "indicator__order", "indicator__code"
        )
        return (
            queryset.select_related("unit__program", "submitted_by", "reviewed_by")
            .prefetch_related(Prefetch("values", queryset=values))
            .order_by()
        )
