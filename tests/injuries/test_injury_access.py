"""Who reaches which injury page: every URL name of the `injuries` namespace × every persona.

The world: injury records of unit A, a file clerk A uploaded and checked (waiting to be
imported), one clerk A imported, and the check of a file clerk A uploaded that was refused. A
URL added to `injuries` without a row in `MATRIX` fails
`test_every_injuries_url_name_is_in_the_matrix`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from injuries.jobs import injuries_check_start
from injuries.models import ImportBatch, InjuryRecord
from injuries.services import batch_commit, batch_preview
from programs.jobs.models import Job
from tests.factories import InjuryRecordFactory
from tests.injury_files import card_row, cards, stored, write_xlsx
from tests.test_access import LOGIN, matrix_cases

# Which object the URL names: None, "record" (a record of unit A), "waiting" (clerk A's checked
# file), "imported" (clerk A's imported file), "check" (the job that refused clerk A's file).
# fmt: off
MATRIX: list[tuple[str, str, str | None, tuple[int | str, ...]]] = [
    # url name                      method  object      anon   dist clk_a clk_b prov  fin  eval city other
    ("injuries:record-list",        "get",  None,       (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("injuries:record-create",      "get",  None,       (LOGIN, 200, 200, 200, 200, 404, 404, 404, 200)),
    ("injuries:record-detail",      "get",  "record",   (LOGIN, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("injuries:record-edit",        "get",  "record",   (LOGIN, 200, 200, 404, 200, 404, 404, 404, 404)),
    ("injuries:record-delete",      "get",  "record",   (LOGIN, 200, 200, 404, 200, 404, 404, 404, 404)),
    ("injuries:statistics",         "get",  None,       (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("injuries:statistics-export",  "get",  None,       (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("injuries:import",             "get",  None,       (LOGIN, 200, 200, 200, 200, 404, 404, 404, 200)),
    ("injuries:import-template",    "get",  None,       (LOGIN, 200, 200, 200, 200, 404, 404, 404, 200)),
    ("injuries:batch-detail",       "get",  "waiting",  (LOGIN, 200, 200, 404, 404, 404, 404, 200, 404)),
    ("injuries:batch-detail",       "get",  "imported", (LOGIN, 200, 200, 404, 404, 404, 404, 200, 404)),
    ("injuries:import-check",       "get",  "check",    (LOGIN, 404, 200, 404, 404, 404, 404, 404, 404)),
    ("injuries:batch-commit",       "post", "waiting",  (LOGIN, 404, 302, 404, 404, 404, 404, 404, 404)),
    ("injuries:batch-withdraw",     "post", "imported", (LOGIN, 302, 404, 404, 404, 404, 404, 404, 404)),
]
# fmt: on


@dataclass
class InjuryWorld:
    record: InjuryRecord
    waiting: ImportBatch
    imported: ImportBatch
    check: Job

    def args_for(self, target: str | None) -> list:
        return {
            None: [],
            "record": [self.record.pk],
            "waiting": [self.waiting.pk],
            "imported": [self.imported.pk],
            "check": [self.check.pk],
        }[target]

    def snapshot(self) -> tuple:
        """Everything a stray POST could change."""
        return (
            tuple(
                InjuryRecord.objects.order_by("pk").values_list(
                    "pk", "unit", "record_number", "age", "cause", "batch"
                )
            ),
            tuple(
                ImportBatch.objects.order_by("pk").values_list(
                    "pk", "status", "rows_added", "stored_file", "withdrawn_by"
                )
            ),
        )


@pytest.fixture
def injury_world(tmp_path, unit_a, unit_b, clerk_a, kept_uploads) -> InjuryWorld:
    record = InjuryRecordFactory(unit=unit_a, record_number="A-1", age=34)
    InjuryRecordFactory(unit=unit_b, record_number="B-1")
    imported = _batch(write_xlsx(tmp_path / "imported.xlsx", cards(2)), clerk_a)
    assert batch_commit(batch=imported, user=clerk_a).ok
    waiting = _batch(write_xlsx(tmp_path / "waiting.xlsx", cards(2, start=3)), clerk_a)
    assert kept_uploads() == [waiting.stored_file]
    refused = write_xlsx(tmp_path / "names.xlsx", [{**card_row(number="H9"), "姓名": "张三"}])
    check, _created = injuries_check_start(
        upload=SimpleUploadedFile(refused.name, refused.read_bytes()), user=clerk_a
    )
    assert Job.objects.get(pk=check.pk).state == Job.State.FAILED
    return InjuryWorld(record=record, waiting=waiting, imported=imported, check=check)


def _batch(path: Path, user) -> ImportBatch:
    batch, report = batch_preview(name=stored(path), file_name=path.name, user=user)
    assert report.ok
    return batch


@pytest.mark.parametrize(
    ("name", "method", "target", "persona", "expected"), matrix_cases(MATRIX), indirect=["persona"]
)
def test_injury_access_matrix(client, injury_world, name, method, target, persona, expected):
    url = reverse(name, args=injury_world.args_for(target))
    response = getattr(client, method)(url)
    response.close()

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    else:
        assert response.status_code == expected, f"{persona} {method.upper()} {url}"


# The city office and district staff of another district, outsiders to every change here.
OTHERS = ("city_user", "other_district_user")

# The URLs that change something, with a POST that would change it if it got through, and who
# must get 404 for it.
OUTSIDER_POSTS: list[tuple[str, str | None, dict, tuple[str, ...]]] = [
    ("injuries:record-edit", "record", {"age": "99"}, (*OTHERS, "clerk_b", "evaluator")),
    ("injuries:record-delete", "record", {}, (*OTHERS, "clerk_b", "evaluator")),
    # another district's staff may enter records (of their own units): only the city office
    ("injuries:record-create", None, {"unit": "", "age": "99"}, ("city_user", "evaluator")),
    (
        "injuries:batch-commit",
        "waiting",
        {},
        (*OTHERS, "district_user", "clerk_b", "provider", "evaluator"),
    ),
    (
        "injuries:batch-withdraw",
        "imported",
        {},
        (*OTHERS, "clerk_a", "clerk_b", "provider", "evaluator"),
    ),
    ("injuries:import", None, {}, ("city_user", "evaluator")),
]


def _post_cases():
    for name, target, data, outsiders in OUTSIDER_POSTS:
        for outsider in outsiders:
            yield pytest.param(name, target, data, outsider, id=f"{name}-{outsider}")


@pytest.mark.parametrize(("name", "target", "data", "persona"), _post_cases(), indirect=["persona"])
def test_outsiders_change_nothing_by_posting(client, injury_world, name, target, data, persona):
    before = injury_world.snapshot()

    response = client.post(reverse(name, args=injury_world.args_for(target)), data)

    assert response.status_code == 404
    assert injury_world.snapshot() == before


def test_every_injuries_url_name_is_in_the_matrix():
    covered = {name for name, *_rest in MATRIX}
    _prefix, app_resolver = get_resolver().namespace_dict["injuries"]
    in_urlconf = {f"injuries:{p.name}" for p in app_resolver.url_patterns if p.name}

    assert in_urlconf - covered == set(), "add these URL names to MATRIX"
    assert covered - in_urlconf == set(), "these URL names are gone: take them out of MATRIX"


def test_another_districts_staff_cannot_enter_a_record_for_this_districts_unit(
    client, injury_world, other_district_user
):
    client.force_login(other_district_user)
    before = injury_world.snapshot()
    form = client.get(reverse("injuries:record-create"))

    assert injury_world.record.unit.name not in form.content.decode()  # not among the choices
    refused = client.post(
        reverse("injuries:record-create"), {"unit": injury_world.record.unit_id, "age": "30"}
    )
    assert refused.status_code == 200 and "unit" in refused.context["form"].errors
    assert injury_world.snapshot() == before
