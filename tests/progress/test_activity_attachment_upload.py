"""`activity_attachment_upload`: a new version goes only to the activity's own file."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programs.models import EvidenceVersion
from programs.progress import errors
from programs.progress.demo import demo_pdf
from programs.progress.services import activity_attachment_upload
from tests.factories import ActivityFactory


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf("attachment"), "application/pdf")


def test_a_version_of_another_activitys_file_is_refused_with_the_activitys_message(
    private_storage, unit_a, clerk_a
):
    theirs = activity_attachment_upload(
        activity=ActivityFactory(unit=unit_a), by=clerk_a, upload=pdf("签到表.pdf"), title="签到表"
    )
    mine = ActivityFactory(unit=unit_a)

    with pytest.raises(errors.EvidenceError) as refused:
        activity_attachment_upload(
            activity=mine, by=clerk_a, upload=pdf("照片.pdf"), evidence=theirs.evidence
        )

    assert refused.value.message == errors.EVIDENCE_OF_ANOTHER_ACTIVITY
    assert list(EvidenceVersion.objects.all()) == [theirs]
    assert [path for path in private_storage.rglob("*") if path.is_file()] == [
        Path(theirs.file.path)
    ]
    assert not mine.attachments.exists()
