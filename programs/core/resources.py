"""Spreadsheet import and export of units and departments (admin)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export import fields

from programs.core.choices import UnitKind
from programs.core.models import CreatingUnit, Department, District, Phase, Program
from safecommunity.spreadsheets import (
    ChoiceWidget,
    CodeWidget,
    LookupWidget,
    SpreadsheetResource,
    column_header,
)

NO_DISTRICT = _("There is no district with code “%(value)s” on the portal.")
NO_PROGRAMME = _("There is no programme with code “%(value)s”.")
NO_PHASE = _("The programme has no phase named “%(value)s”.")
AMBIGUOUS_PHASE = _("Several programmes have a phase named “%(value)s”; give the programme code.")

UNIT_KIND_ALIASES = {
    "镇": UnitKind.TOWN,
    "乡镇": UnitKind.TOWN,
    "街道": UnitKind.STREET,
    "街道办事处": UnitKind.STREET,
    "街道办": UnitKind.STREET,
    "经济功能区": UnitKind.ZONE,
    "功能区": UnitKind.ZONE,
}


class CreatingUnitResource(SpreadsheetResource):
    """Creating units, one per row, found by code; programme by code, phase by name."""

    code = fields.Field(
        attribute="code", column_name=column_header(CreatingUnit, "code"), widget=CodeWidget()
    )
    program = fields.Field(
        attribute="program",
        column_name=_("Programme code"),
        widget=LookupWidget(Program, "code", not_found=NO_PROGRAMME),
    )
    kind = fields.Field(
        attribute="kind",
        column_name=column_header(CreatingUnit, "kind"),
        widget=ChoiceWidget(UnitKind.choices, aliases=UNIT_KIND_ALIASES),
    )
    current_phase = fields.Field(
        attribute="current_phase",
        column_name=column_header(CreatingUnit, "current_phase"),
        widget=LookupWidget(
            Phase,
            "name",
            within=("program", "program__code"),
            not_found=NO_PHASE,
            ambiguous=AMBIGUOUS_PHASE,
        ),
    )

    class Meta(SpreadsheetResource.Meta):
        model = CreatingUnit
        name = _("Creating units")
        import_id_fields = ["code"]
        fields = (
            "code",
            "name",
            "division_code",
            "official_name",
            "program",
            "kind",
            "name_confirmed",
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
            "notes",
        )

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("program", "current_phase")


class DepartmentResource(SpreadsheetResource):
    """District departments, found by their district and stable code (the office may rename
    them)."""

    district = fields.Field(
        attribute="district",
        column_name=_("District code"),
        widget=LookupWidget(District, "code", not_found=NO_DISTRICT),
    )

    class Meta(SpreadsheetResource.Meta):
        model = Department
        name = _("Departments")
        import_id_fields = ["district", "code"]
        fields = (
            "district",
            "code",
            "name",
            "name_en",
            "duties",
            "surveillance_data",
            "sort_order",
        )
