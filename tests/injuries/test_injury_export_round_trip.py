"""An injury card exported from the admin as CSV (its formula-like text marked with `'`; the
export runs as a job) imports back unchanged through the portal's import, in UTF-8 or GB18030."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from injuries.models import InjuryRecord
from injuries.resources import InjuryRecordResource
from injuries.services import batch_commit, batch_preview
from programs.models import User
from safecommunity.spreadsheets import SPREADSHEET_FORMATS, SpreadsheetCSV
from tests.downloads import downloaded
from tests.factories import InjuryRecordFactory, UserFactory
from tests.injury_files import stored as kept_in_storage

FORMULA = '=HYPERLINK("http://example.org","click")'


@pytest.fixture
def district_staff(db):
    user = UserFactory(username="district_staff", role=User.Role.DISTRICT, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="injuries"))
    return user


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_card_exported_as_csv_imports_back_unchanged(
    client, tmp_path, district_staff, unit_a, encoding
):
    record = InjuryRecordFactory(
        unit=unit_a, reporting_org="+86 医院", record_number="-7", narrative=FORMULA, diagnosis="-"
    )
    client.force_login(district_staff)
    data = {"format": str(SPREADSHEET_FORMATS.index(SpreadsheetCSV)), "resource": "0"}
    data.update(
        {f"injuryrecordresource_{name}": "on" for name in InjuryRecordResource().get_export_order()}
    )
    response = client.post(reverse("admin:injuries_injuryrecord_export"), data)
    exported = downloaded(client, response).content
    assert f"'{FORMULA}".replace('"', '""').encode() in exported
    path = tmp_path / "cards.csv"
    path.write_bytes(exported.decode("utf-8-sig").encode(encoding))

    batch, report = batch_preview(
        name=kept_in_storage(path), file_name="cards.csv", user=district_staff
    )
    assert not report.errors, report.errors
    batch_commit(batch=batch, user=district_staff)

    assert InjuryRecord.objects.count() == 1
    stored = InjuryRecord.objects.get()
    assert stored.pk == record.pk
    assert (stored.reporting_org, stored.record_number, stored.narrative, stored.diagnosis) == (
        "+86 医院",
        "-7",
        FORMULA,
        "-",
    )
