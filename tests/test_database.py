"""`refused_by_database` passes only when the rule it names refused the row."""

from __future__ import annotations

import pytest

from programs.models import CreatingUnit, User
from tests.database import refused_by_database
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

Failed = pytest.fail.Exception


def test_passes_when_the_named_check_constraint_refuses_the_row():
    refused_by_database(lambda: UnitFactory.create(population=-1), "unit_population_not_negative")


def test_passes_when_the_named_unique_constraint_refuses_the_row():
    UnitFactory(code="T01")
    refused_by_database(lambda: UnitFactory.create(code="T01"), "unit_code_unique")


def test_passes_for_a_unique_field_and_a_not_null_column():
    UserFactory(username="someone")
    refused_by_database(
        lambda: User.objects.create(username="someone", role=User.Role.CITY),
        "programs.User.username",
    )
    refused_by_database(lambda: UnitFactory.create(name=None), "programs.CreatingUnit.name")


def test_fails_when_another_check_constraint_refused_the_row():
    with pytest.raises(Failed, match="unit_name_not_empty") as failed:
        refused_by_database(lambda: UnitFactory.create(population=-1), "unit_name_not_empty")
    assert "unit_population_not_negative" in str(failed.value)


def test_fails_when_another_unique_constraint_refused_the_row():
    UnitFactory(code="T01", name="仁和镇")
    with pytest.raises(Failed, match="unit_name_unique_in_program"):
        refused_by_database(lambda: UnitFactory.create(code="T01"), "unit_name_unique_in_program")


def test_fails_when_a_not_null_column_refused_the_row():
    with pytest.raises(Failed, match="unit_name_not_empty"):
        refused_by_database(lambda: UnitFactory.create(name=None), "unit_name_not_empty")


def test_fails_when_the_database_accepts_the_row():
    with pytest.raises(Failed, match="accepted the row"):
        refused_by_database(lambda: UnitFactory.create(), "unit_code_unique")
    assert CreatingUnit.objects.count() == 1


def test_an_unknown_constraint_is_a_mistake_in_the_test():
    with pytest.raises(LookupError):
        refused_by_database(lambda: UnitFactory.create(), "unit_code_unique_typo")
    with pytest.raises(ValueError, match="neither unique nor NOT NULL"):
        refused_by_database(lambda: UnitFactory.create(), "programs.CreatingUnit.population")
    assert not CreatingUnit.objects.exists()
