"""The committed OpenAPI schema (`docs/api/openapi.yaml`) is the code's, and names the fields
an integrator relies on for each resource."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"
REGENERATE = "DEBUG=1 .venv/bin/python manage.py spectacular --lang en --file docs/api/openapi.yaml"


def test_the_committed_schema_is_the_codes(tmp_path):
    fresh = tmp_path / "openapi.yaml"

    call_command("spectacular", lang="en", file=str(fresh), validate=True, fail_on_warn=True)

    assert fresh.read_text() == COMMITTED.read_text(), (
        f"The API's schema drifted from docs/api/openapi.yaml; run: {REGENERATE}"
    )


# What a department's system reads from each resource (adding is fine; removing breaks them).
# fmt: off
INTEGRATOR_FIELDS = {
    "Unit": {"id", "code", "name", "division_code", "official_name", "kind", "current_phase",
             "gate", "title"},
    "Event": {"id", "at", "unit", "record_type", "record_id", "kind", "action", "from_state",
              "to_state"},
    "InjuryRecord": {"id", "unit", "source", "reporting_org", "record_number", "injury_date",
                     "sex", "age", "cause", "outcome", "updated_at"},
    "UnitMilestone": {"id", "unit", "milestone_id", "milestone", "phase", "required_for_gate",
                      "status", "due_date", "due_band", "overdue", "status_changed_at",
                      "status_changed_by", "return_reason", "evidence_count", "updated_at"},
    "Certification": {"id", "unit", "level", "status", "applied_on", "named_on", "valid_until",
                      "certificate_number", "held", "updated_at"},
    "Target": {"id", "program", "code", "name", "measure", "level", "threshold", "deadline",
               "attainment", "updated_at"},
    "Attainment": {"on", "value", "numerator", "denominator", "met", "state"},
    "MonthlyReport": {"id", "unit", "period", "status", "submitted_at", "submitted_by",
                      "reviewed_at", "reviewed_by", "return_reason", "version", "work_done",
                      "problems", "next_plan", "error_count", "warning_count",
                      "changed_after_approval", "updated_at", "values"},
    "ReportValue": {"indicator", "value", "comment", "prefilled"},
    "Activity": {"id", "unit", "date", "kind", "group", "group_template", "title",
                 "participants", "hazards_found", "hazards_rectified", "updated_at"},
    "Evaluation": {"id", "unit", "round", "scheme", "status", "total", "maximum", "result",
                   "finalised_at", "updated_at"},
    "EvaluationRound": {"id", "name", "kind", "opens_on", "closes_on"},
    "ImportBatch": {"id", "file_name", "sha256", "from_api", "status", "uploaded_by", "added",
                    "updated", "unchanged", "imported_at", "withdrawn_at", "withdrawn_by",
                    "updated_at"},
    "ImportBatchWithdrawn": {"batch", "deleted", "restored"},
}
# fmt: on
PATHS = {
    "/api/v1/units/": {
        "code",
        "division_code",
        "kind",
        "phase",
        "is_pilot",
        "cursor",
        "page_size",
        "updated_since",
    },
    "/api/v1/events/": {"after", "page_size", "unit", "kind", "action", "updated_since"},
    "/api/v1/injury-records/": {
        "cursor",
        "page_size",
        "unit",
        "cause",
        "start",
        "end",
        "updated_since",
    },
    "/api/v1/milestones/": {
        "cursor",
        "page_size",
        "unit",
        "phase",
        "status",
        "due_band",
        "updated_since",
    },
    "/api/v1/titles/": {"cursor", "page_size", "unit", "level", "status", "updated_since"},
    "/api/v1/targets/": {"cursor", "page_size", "code", "measure", "updated_since"},
    "/api/v1/monthly-reports/": {
        "cursor",
        "page_size",
        "unit",
        "period",
        "start",
        "end",
        "status",
        "updated_since",
    },
    "/api/v1/activities/": {
        "cursor",
        "page_size",
        "unit",
        "group",
        "kind",
        "start",
        "end",
        "updated_since",
    },
    "/api/v1/evaluations/": {
        "cursor",
        "page_size",
        "unit",
        "round",
        "kind",
        "status",
        "result",
        "updated_since",
    },
    "/api/v1/import-batches/": {"cursor", "page_size", "status", "from_api", "updated_since"},
}


def test_each_resource_documents_the_fields_integrators_rely_on():
    schema = yaml.safe_load(COMMITTED.read_text())
    components = schema["components"]["schemas"]

    for name, fields in INTEGRATOR_FIELDS.items():
        assert fields <= set(components[name]["properties"]), name
    for path, parameters in PATHS.items():
        documented = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert parameters <= documented, path
        assert set(schema["paths"][path]) == {"get"}, path  # v1 reads these, writes nothing
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"


def test_the_one_write_on_a_batch_is_its_withdraw_move():
    schema = yaml.safe_load(COMMITTED.read_text())

    assert set(schema["paths"]["/api/v1/import-batches/{id}/"]) == {"get"}
    assert set(schema["paths"]["/api/v1/import-batches/{id}/withdraw/"]) == {"post"}
