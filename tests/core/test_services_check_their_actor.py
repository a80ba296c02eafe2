"""Every use case checks its actor itself: a clerk of another unit is refused by the service, not
only by the page that finds the record, and nothing is written. The system (no user) may."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programs.models import Evidence, MonthlyReport
from programs.progress.demo import demo_pdf
from programs.progress.services import activity_attachment_upload, evidence_upload
from programs.reports.services import report_open, report_save
from safecommunity.errors import OUTSIDE_SCOPE, DomainError
from tests.factories import (
    ActivityFactory,
    MonthlyReportFactory,
    UnitMilestoneFactory,
    WorkGroupTemplateFactory,
)
from workgroups.models import WorkGroup
from workgroups.services import unit_add_groups_from_templates

MAY = date(2026, 5, 1)


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("纪要.pdf", demo_pdf("minutes"), content_type="application/pdf")


def refused(call) -> None:
    with pytest.raises(DomainError) as refusal:
        call()
    assert refusal.value.message == OUTSIDE_SCOPE


def test_opening_another_units_report_is_refused(unit_a, clerk_b):
    refused(lambda: report_open(unit=unit_a, period=MAY, by=clerk_b))
    assert not MonthlyReport.objects.exists()


def test_saving_another_units_report_is_refused(unit_a, clerk_b):
    report = MonthlyReportFactory(unit=unit_a, period=MAY)

    refused(
        lambda: report_save(
            report=report, by=clerk_b, version=0, values={}, narrative={"work_done": "入侵"}
        )
    )
    report.refresh_from_db()
    assert (report.work_done, report.version) == ("", 0)


def test_uploading_to_another_units_milestone_is_refused(unit_a, clerk_b, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    row = UnitMilestoneFactory(unit=unit_a)

    refused(
        lambda: evidence_upload(
            unit_milestone=row, by=clerk_b, upload=pdf(), effective_date=MAY, title="方案"
        )
    )
    refused(
        lambda: activity_attachment_upload(
            activity=ActivityFactory(unit=unit_a), by=clerk_b, upload=pdf()
        )
    )
    assert not Evidence.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_adding_groups_to_another_unit_is_refused_but_the_system_may(unit_a, clerk_b):
    template = WorkGroupTemplateFactory()

    refused(lambda: unit_add_groups_from_templates(unit=unit_a, templates=[template], by=clerk_b))
    assert not WorkGroup.objects.exists()

    unit_add_groups_from_templates(unit=unit_a, templates=[template], by=None)
    assert WorkGroup.objects.filter(unit=unit_a, template=template).exists()
