"""Migrations 0023–0024 put the portal's data so far in 顺义区 and lose nothing: every table
has the same rows before and after, and every programme, department, unit, round and person
of a district (their history too) belongs to 顺义区."""

from __future__ import annotations

import pytest
from django.db import connection

from programs.models import User
from tests.factories import (
    ActivityFactory,
    CertificationFactory,
    DepartmentFactory,
    EvaluationRoundFactory,
    InjuryRecordFactory,
    MemberFactory,
    TargetFactory,
    UnitFactory,
    UserFactory,
)
from tests.migrations import migrate

BEFORE = [("programs", "0022_division_codes")]
AFTER = [("programs", "0024_districts_required")]
NEW_TABLES = {"programs_district", "programs_historicaldistrict", "django_migrations"}


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def portal_of_one_district(transactional_db):
    """A little of everything, written with today's models (each row in its table)."""
    unit, other = UnitFactory(code="T01", name="甲镇"), UnitFactory(code="S01", kind="street")
    UserFactory(username="clerk", role=User.Role.CLERK, unit=unit)
    UserFactory(username="provider", role=User.Role.PROVIDER, department=DepartmentFactory())
    UserFactory(username="district", role=User.Role.DISTRICT)
    evaluator = UserFactory(username="evaluator", role=User.Role.EVALUATOR)
    User.objects.create_superuser("root", "root@example.com", "root-pass-123")
    EvaluationRoundFactory(evaluators=[evaluator])
    for row in (unit, other):
        CertificationFactory(unit=row)
        InjuryRecordFactory(unit=row)
        ActivityFactory(unit=row)
        MemberFactory(unit=row)
    TargetFactory(program=unit.program)
    yield
    migrate(MigrationLeaves())


class MigrationLeaves(list):
    """The newest migration of every app, whatever they are when the test runs."""

    def __init__(self) -> None:
        from django.db.migrations.loader import MigrationLoader

        super().__init__(MigrationLoader(connection).graph.leaf_nodes())


def test_every_row_stays_and_the_data_becomes_shunyi(portal_of_one_district):
    migrate(BEFORE)
    before = row_counts()

    apps = migrate(AFTER)

    after = row_counts()
    kept = {table: n for table, n in after.items() if table not in NEW_TABLES}
    assert kept == {table: n for table, n in before.items() if table not in NEW_TABLES}
    district = apps.get_model("programs", "District").objects.get()
    assert (district.code, district.name, district.population) == ("110113", "顺义区", 1_324_044)
    for name in ("Program", "Department", "CreatingUnit", "EvaluationRound"):
        for model in (name, f"Historical{name}"):
            rows = apps.get_model("programs", model).objects
            assert rows.exists()
            assert set(rows.values_list("district", flat=True)) == {district.pk}, model
    people = dict(apps.get_model("programs", "User").objects.values_list("username", "district"))
    assert people == {
        "clerk": district.pk,
        "provider": district.pk,
        "district": district.pk,
        "evaluator": district.pk,
        "root": None,
    }


def test_a_database_without_data_gets_no_district(transactional_db):
    migrate(BEFORE)
    apps = migrate(AFTER)
    assert not apps.get_model("programs", "District").objects.exists()
    migrate(MigrationLeaves())
