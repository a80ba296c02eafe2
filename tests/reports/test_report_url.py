"""`report_url`: the address of a unit's report of a month, as the URLconf names it."""

from __future__ import annotations

from datetime import date

from django.urls import resolve, reverse

from programs.reports.selectors.completeness import report_url


def test_the_report_url_is_the_reversed_report_detail_url():
    url = report_url("A01", date(2026, 3, 1))

    assert url == reverse("programs:report-detail", args=["A01", "2026-03"])
    match = resolve(url)
    assert match.view_name == "programs:report-detail"
    assert match.kwargs == {"code": "A01", "period": "2026-03"}
