"""Spreadsheet import and export of the monthly report's indicators (admin)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from programs.reports.models import Indicator
from safecommunity.spreadsheets import (
    SpreadsheetResource,
)


class IndicatorResource(SpreadsheetResource):
    """The monthly report's indicators, found by their stable code; section and source are
    written as their labels in either language, or as their stored values."""

    class Meta(SpreadsheetResource.Meta):
        model = Indicator
        name = _("Indicators")
        import_id_fields = ["code"]
        fields = (
            "code",
            "name",
            "name_en",
            "unit_of_measure",
            "section",
            "order",
            "is_active",
            "source",
        )
