"""The admin of the monthly report's indicators and validation rules."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.reports.models import Indicator, ValidationRule
from programs.reports.resources import IndicatorResource
from safecommunity.admin import (
    ScopedHistoryAdmin,
    ScopedImportExportAdmin,
)

# --- The monthly report: indicators and validation rules ---


@admin.register(Indicator)
class IndicatorAdmin(ScopedImportExportAdmin):
    resource_classes = [IndicatorResource]
    list_display = [
        "code",
        "name",
        "name_en",
        "unit_of_measure",
        "section",
        "source",
        "order",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_editable = ["order", "is_active"]
    list_filter = ["section", "source", "is_active"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["order", "code"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(ScopedHistoryAdmin):
    list_display = ["name", "formula", "severity", "is_active"]
    list_filter = ["severity", "is_active", "operator", "left__section"]
    search_fields = ["code", "name", "message_zh", "message_en", "left__code", "left__name"]
    list_select_related = ["left", "right_indicator"]
    ordering = ["left__order", "code"]
    fieldsets = [
        (None, {"fields": ["code", "name", "severity", "is_active"]}),
        (
            _("Comparison"),
            {
                "fields": ["left", "operator", ("right_indicator", "right_constant")],
                "description": _(
                    "The rule holds when the left indicator compares so with the right "
                    "indicator or the constant (give one of the two). A rule with an empty "
                    "value on either side is skipped."
                ),
            },
        ),
        (_("Message"), {"fields": ["message_zh", "message_en"]}),
    ]

    @admin.display(description=_("rule"))
    def formula(self, obj: ValidationRule) -> str:
        return obj.expression
