"""The admin's import-export exports are inert: a member or an injury card whose text starts like
a formula is text in the xlsx (no formula, no apostrophe) and marked with `'` in the CSV. Members
and injury records are exported by a job (their tables can be large); the file is the same."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from injuries.models import InjuryRecord
from injuries.resources import InjuryRecordResource
from safecommunity.admin import SpreadsheetExportMixin
from safecommunity.spreadsheets import SPREADSHEET_FORMATS, SpreadsheetCSV, SpreadsheetXLSX
from safecommunity.spreadsheets.writing import HEADER_COLOR
from tests.downloads import downloaded
from tests.factories import InjuryRecordFactory, MemberFactory
from workgroups.models import Member
from workgroups.resources import MemberResource

XLSX_FORMAT = str(SPREADSHEET_FORMATS.index(SpreadsheetXLSX))
CSV_FORMAT = str(SPREADSHEET_FORMATS.index(SpreadsheetCSV))
FORMULAS = ["=1+1", '=HYPERLINK("http://example.org","click")']


def export_through_admin(
    client, model: type[models.Model], resource_class, file_format: str
) -> bytes:
    """POST the admin's export form, every column ticked, as the admin's page does; the file
    its job wrote."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
    prefix = resource_class.__name__.lower()
    data = {"format": file_format, "resource": "0"}
    data.update({f"{prefix}_{name}": "on" for name in resource_class().get_export_order()})
    return downloaded(client, client.post(url, data)).content


def xlsx_cells(content: bytes) -> tuple[object, list[list]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return sheet, [list(row) for row in sheet.iter_rows()]


def csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("name", FORMULAS)
def test_a_member_named_like_a_formula_is_text_in_the_admins_xlsx(client, admin_user, name):
    MemberFactory(name=name, phone="+86 10 1234 5678", sort_order=7)
    client.force_login(admin_user)

    response = export_through_admin(client, Member, MemberResource, XLSX_FORMAT)

    sheet, [header, row] = xlsx_cells(response)
    [cell] = [cell for cell in row if cell.value == name]
    assert cell.data_type == "s"  # the words, not a formula, and no apostrophe
    assert not any(cell.data_type == "f" for cell in row)
    phone = next(cell for cell in row if cell.value == "+86 10 1234 5678")
    assert phone.data_type == "s"
    assert 7 in [cell.value for cell in row]  # numbers stay numbers
    with translation.override("zh-hans"):
        assert sheet.title == str(capfirst(Member._meta.verbose_name_plural))
        assert str(capfirst(Member._meta.get_field("name").verbose_name)) in [
            cell.value for cell in header
        ]
    assert all(cell.font.b and cell.fill.fgColor.rgb == "FF" + HEADER_COLOR for cell in header)
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize("name", FORMULAS)
def test_a_member_named_like_a_formula_is_marked_in_the_admins_csv(client, admin_user, name):
    MemberFactory(name=name, phone="+86 10 1234 5678", sort_order=7)
    client.force_login(admin_user)

    response = export_through_admin(client, Member, MemberResource, CSV_FORMAT)

    [_header, row] = csv_cells(response)
    assert "'" + name in row and name not in row
    assert "'+86 10 1234 5678" in row and "7" in row


def test_an_injury_card_with_formula_text_is_text_in_the_admins_xlsx(client, admin_user):
    InjuryRecordFactory(reporting_org="=1+1", narrative=FORMULAS[1], age=34)
    client.force_login(admin_user)

    response = export_through_admin(client, InjuryRecord, InjuryRecordResource, XLSX_FORMAT)

    _sheet, [_header, row] = xlsx_cells(response)
    texts = {cell.value: cell.data_type for cell in row if isinstance(cell.value, str)}
    assert texts["=1+1"] == "s" and texts[FORMULAS[1]] == "s"
    assert not any(cell.data_type == "f" for cell in row)
    assert [cell.data_type for cell in row if cell.value == 34] == ["n"]


def test_an_injury_card_with_formula_text_is_marked_in_the_admins_csv(client, admin_user):
    InjuryRecordFactory(reporting_org="=1+1", narrative=FORMULAS[1])
    client.force_login(admin_user)

    response = export_through_admin(client, InjuryRecord, InjuryRecordResource, CSV_FORMAT)

    [_header, row] = csv_cells(response)
    assert "'=1+1" in row and "'" + FORMULAS[1] in row
    assert not [cell for cell in row if cell.startswith(("=", "+", "@"))]


def export_admins() -> list[admin.ModelAdmin]:
    return [model_admin for model_admin in admin.site._registry.values()
            if isinstance(model_admin, ExportMixin)]  # fmt: skip


def test_every_admin_export_writes_the_portals_inert_formats():
    admins = export_admins()

    assert {type(model_admin).__name__ for model_admin in admins} >= {
        "MemberAdmin", "InjuryRecordAdmin", "SchemeItemAdmin", "CreatingUnitAdmin",
    }  # fmt: skip
    for model_admin in admins:
        assert isinstance(model_admin, SpreadsheetExportMixin), model_admin
        assert model_admin.get_export_formats() == SPREADSHEET_FORMATS, model_admin
