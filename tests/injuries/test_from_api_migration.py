"""Migration 0005 marks the card batches a system sent before `from_api` existed (named
`api-<time>.json` by `cards_import`, a name no upload takes); files stay files."""

from __future__ import annotations

import pytest

from tests.migrations import migrate, migrated_back

BEFORE = [("injuries", "0004_updated_at")]
AFTER = [("injuries", "0005_batch_from_api")]


@pytest.fixture
def old_apps(transactional_db):
    yield from migrated_back(BEFORE)


def test_earlier_card_batches_are_marked_sent_through_the_api(old_apps):
    batches = old_apps.get_model("injuries", "ImportBatch").objects
    for name in ("api-20261201-093000.json", "api-notes.xlsx", "医院报告卡.xlsx"):
        batches.create(file_name=name, sha256="0" * 64, size=4)

    apps = migrate(AFTER)

    marked = dict(
        apps.get_model("injuries", "ImportBatch").objects.values_list("file_name", "from_api")
    )
    assert marked == {
        "api-20261201-093000.json": True,
        "api-notes.xlsx": False,
        "医院报告卡.xlsx": False,
    }
