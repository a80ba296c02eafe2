"""A batch waiting to be imported keeps its file by its name in the shared storage: migration
0003 turns the absolute paths under PRIVATE_MEDIA_ROOT that batches kept into storage names,
and one elsewhere (which the storage cannot reach) into none; reversed, names become paths."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from tests.migrations import migrate, migrated_back

BEFORE = [("injuries", "0002_event_log_from_batches")]
AFTER = [("injuries", "0003_stored_file_storage_names")]


@pytest.fixture
def old_apps(transactional_db):
    yield from migrated_back(BEFORE)


def test_kept_paths_become_storage_names_and_back(old_apps, private_storage, tmp_path):
    waiting = private_storage / "injury-imports" / "0123abcd.xlsx"
    waiting.parent.mkdir(parents=True)
    waiting.write_bytes(b"PK\x03\x04")
    batches = old_apps.get_model("injuries", "ImportBatch").objects
    for name, kept in [
        ("under the root", str(waiting)),
        ("elsewhere", str(tmp_path / "elsewhere.csv")),
        ("imported", ""),
    ]:
        batches.create(file_name=name, sha256="0" * 64, size=4, stored_file=kept)

    apps = migrate(AFTER)

    kept = dict(
        apps.get_model("injuries", "ImportBatch").objects.values_list("file_name", "stored_file")
    )
    assert kept == {
        "under the root": "injury-imports/0123abcd.xlsx",
        "elsewhere": "",
        "imported": "",
    }
    assert default_storage.exists(kept["under the root"])

    apps = migrate(BEFORE)

    kept = dict(
        apps.get_model("injuries", "ImportBatch").objects.values_list("file_name", "stored_file")
    )
    assert kept["under the root"] == str(waiting)
