"""The report values export read back, as xlsx (openpyxl and calamine) and as CSV: the same rows,
numbers as numbers, text inert, Chinese intact."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from programs.models import Indicator, MonthlyReport, ReportValue
from programs.reports.selectors.values import EXPORT_HEADERS
from safecommunity.calendar import Month
from tests.downloads import downloaded
from tests.factories import MonthlyReportFactory

COMMENTS = ['=HYPERLINK("http://example.org","点击")', "+86 10 1234 5678", "正常", "", "@SUM(A1)"]


@pytest.fixture
def values(unit_a, unit_b):
    """Five values of two units' reports last month, with comments that look like formulas."""
    month = Month.last_months(1)[0]
    reports = [
        MonthlyReportFactory(unit=unit, period=month, status=MonthlyReport.Status.SUBMITTED)
        for unit in (unit_a, unit_b)
    ]
    indicators = Indicator.objects.bulk_create(
        Indicator(code=f"i{n}", name=f"指标{n}", unit_of_measure="次", section="work", order=n)
        for n in range(3)
    )
    numbers = iter([12, 3, 0, 7, 100_000])
    comments = iter(COMMENTS)
    ReportValue.objects.bulk_create(
        ReportValue(report=report, indicator=indicator, value=next(numbers), comment=next(comments))
        for report, indicator in [(r, i) for r in reports for i in indicators][:5]
    )
    return month


def expected_rows(month) -> list[tuple]:
    return [
        (
            v.report.unit.code,
            v.report.unit.name,
            f"{month:%Y-%m}",
            v.indicator.code,
            v.value,
            v.comment,
        )
        for v in ReportValue.objects.select_related("report__unit", "indicator").order_by(
            "report__unit__code", "indicator__order"
        )
    ]


def test_the_xlsx_export_reads_back_with_numbers_and_inert_text(client, district_user, values):
    client.force_login(district_user)

    content = downloaded(client, client.get(reverse("programs:report-export"))).content

    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert [
        (r[0].value, r[1].value, r[2].value, r[5].value, r[8].value, r[9].value or "") for r in rows
    ] == expected_rows(values)
    assert all(r[8].data_type == "n" for r in rows)  # values are numbers, not text
    comments = [r[9] for r in rows if r[9].value and r[9].value[0] in "=+@"]
    assert len(comments) == 3 and all(c.data_type == "s" and c.quotePrefix for c in comments)
    # calamine (the portal's reader) sees the same cells: text, floats
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert calamine[0][0] == str(translation.gettext(EXPORT_HEADERS[0]))
    assert [row[8] for row in calamine[1:]] == [12.0, 3.0, 0.0, 7.0, 100_000.0]
    assert calamine[1][9].startswith("=HYPERLINK")


def test_the_csv_export_is_utf8_with_a_bom_inert_and_reads_back(client, district_user, values):
    client.force_login(district_user)

    download = downloaded(client, client.get(reverse("programs:report-export-csv")))

    assert download.content.startswith("\ufeff".encode())  # Excel needs the BOM for Chinese
    assert download.job.title.endswith("(CSV)")
    assert download.response["Content-Disposition"].endswith('.csv"')
    header, *rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert header == [str(translation.gettext(text)) for text in EXPORT_HEADERS]
    assert [(r[0], r[1], r[2], r[5], int(r[8])) for r in rows] == [
        row[:5] for row in expected_rows(values)
    ]
    assert [r[9] for r in rows] == [
        '\'=HYPERLINK("http://example.org","点击")',
        "'+86 10 1234 5678",
        "正常",
        "",
        "'@SUM(A1)",
    ]


def test_the_grid_offers_the_export_as_excel_and_as_csv(client, district_user, values):
    client.force_login(district_user)

    page = client.get(reverse("programs:report-grid"), {"kind": "town"}).content.decode()

    assert f'href="{reverse("programs:report-export")}?kind=town"' in page
    assert f'href="{reverse("programs:report-export-csv")}?kind=town"' in page


def test_xlsx_and_csv_of_the_same_selection_are_two_jobs(client, district_user, values):
    client.force_login(district_user)

    first = downloaded(client, client.get(reverse("programs:report-export")))
    second = downloaded(client, client.get(reverse("programs:report-export-csv")))

    assert first.job.pk != second.job.pk
    assert (first.job.params.get("file_format"), second.job.params["file_format"]) == (None, "csv")
