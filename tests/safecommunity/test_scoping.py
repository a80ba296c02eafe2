"""Who sees and who edits what: `visible_to` and `editable_by` for every persona.

Units and what hangs off them (work groups, members) follow the unit; reference data
(departments, phases) is read by every signed-in user and changed only by administrators;
accounts are seen by their owner and managed by administrators.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from programs.models import CreatingUnit, Department, Phase, User
from tests.factories import DepartmentFactory, MemberFactory, PhaseFactory, WorkGroupFactory
from workgroups.models import Member, WorkGroup

pytestmark = pytest.mark.django_db

PERSONAS = [
    "district_user",
    "clerk_a",
    "clerk_b",
    "provider",
    "finance_user",
    "evaluator",
    "admin_user",
    "anonymous",
]

# persona → the units (by fixture name) whose rows it may see / edit
UNITS_SEEN = {
    "district_user": {"unit_a", "unit_b"},
    "clerk_a": {"unit_a"},
    "clerk_b": {"unit_b"},
    "provider": {"unit_a", "unit_b"},
    "finance_user": {"unit_a", "unit_b"},
    "evaluator": set(),
    "admin_user": {"unit_a", "unit_b"},
    "anonymous": set(),
}
UNITS_EDITED = {
    "district_user": {"unit_a", "unit_b"},
    "clerk_a": {"unit_a"},
    "clerk_b": {"unit_b"},
    "provider": set(),
    "finance_user": set(),
    "evaluator": set(),
    "admin_user": {"unit_a", "unit_b"},
    "anonymous": set(),
}


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def persona(request):
    """The user a parametrised test acts as, named by its fixture."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def unit_rows(unit_a, unit_b):
    """For each of units A and B: the unit, one of its work groups and one member of it."""
    rows = {}
    for key, unit in (("unit_a", unit_a), ("unit_b", unit_b)):
        group = WorkGroupFactory(unit=unit)
        member = MemberFactory(unit=unit, body=Member.Body.GROUP, group=group)
        rows[key] = {CreatingUnit: unit, WorkGroup: group, Member: member}
    return rows


def expected_rows(unit_rows, model, unit_keys) -> set[int]:
    return {unit_rows[key][model].pk for key in unit_keys}


# --- Units, work groups and members follow the unit ---------------------------------------------


@pytest.mark.parametrize("model", [CreatingUnit, WorkGroup, Member], ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_unit_rows_visible_to_persona(request, persona, model, unit_rows):
    name = request.node.callspec.params["persona"]
    seen = set(model.objects.visible_to(persona).values_list("pk", flat=True))
    assert seen == expected_rows(unit_rows, model, UNITS_SEEN[name])


@pytest.mark.parametrize("model", [CreatingUnit, WorkGroup, Member], ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_unit_rows_editable_by_persona(request, persona, model, unit_rows):
    name = request.node.callspec.params["persona"]
    edited = set(model.objects.editable_by(persona).values_list("pk", flat=True))
    assert edited == expected_rows(unit_rows, model, UNITS_EDITED[name])


def test_district_staff_see_and_edit_every_unit(district_user, unit_a, unit_b):
    assert set(CreatingUnit.objects.visible_to(district_user)) == {unit_a, unit_b}
    assert set(CreatingUnit.objects.editable_by(district_user)) == {unit_a, unit_b}


def test_clerk_sees_and_edits_only_their_own_unit(clerk_a, unit_a, unit_b):
    assert list(CreatingUnit.objects.visible_to(clerk_a)) == [unit_a]
    assert list(CreatingUnit.objects.editable_by(clerk_a)) == [unit_a]


def test_clerk_cannot_see_other_units_work_groups(clerk_a, unit_b):
    WorkGroupFactory(unit=unit_b)
    assert not WorkGroup.objects.visible_to(clerk_a).exists()


def test_provider_sees_every_unit_but_edits_none(provider, unit_a, unit_b):
    assert set(CreatingUnit.objects.visible_to(provider)) == {unit_a, unit_b}
    assert not CreatingUnit.objects.editable_by(provider).exists()


def test_evaluator_sees_no_unit(evaluator, unit_a, unit_b):
    assert not CreatingUnit.objects.visible_to(evaluator).exists()


def test_anonymous_visitor_sees_nothing(anonymous, unit_rows, reference_rows, clerk_a):
    for model in (CreatingUnit, WorkGroup, Member, Department, Phase, User):
        assert model.objects.exists(), model.__name__
        assert not model.objects.visible_to(anonymous).exists(), model.__name__
        assert not model.objects.editable_by(anonymous).exists(), model.__name__


# --- Reference data: read by everyone signed in, changed by administrators ----------------------


@pytest.fixture
def reference_rows(db):
    return {Department: DepartmentFactory(), Phase: PhaseFactory()}


@pytest.mark.parametrize("model", [Department, Phase], ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_reference_data_visible_to_every_signed_in_user(persona, model, reference_rows):
    visible = model.objects.visible_to(persona)
    assert visible.filter(pk=reference_rows[model].pk).exists() == persona.is_authenticated


@pytest.mark.parametrize("model", [Department, Phase], ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_reference_data_editable_only_by_administrators(request, persona, model, reference_rows):
    editable = model.objects.editable_by(persona).filter(pk=reference_rows[model].pk).exists()
    assert editable == (request.node.callspec.params["persona"] == "admin_user")


# --- Accounts ---------------------------------------------------------------------------------


@pytest.fixture
def everyone(district_user, clerk_a, clerk_b, provider, finance_user, evaluator, admin_user):
    return {district_user, clerk_a, clerk_b, provider, finance_user, evaluator, admin_user}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_users_see_only_their_own_account_and_administrators_see_all(request, persona, everyone):
    seen = set(User.objects.visible_to(persona))
    name = request.node.callspec.params["persona"]
    if name == "admin_user":
        assert seen == everyone
    elif name == "anonymous":
        assert seen == set()
    else:
        assert seen == {persona}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_administrators_manage_accounts(request, persona, everyone):
    editable = set(User.objects.editable_by(persona))
    expected = everyone if request.node.callspec.params["persona"] == "admin_user" else set()
    assert editable == expected


def test_superuser_without_admin_role_manages_reference_data_and_accounts(
    evaluator, clerk_a, reference_rows
):
    evaluator.is_superuser = True
    evaluator.save()
    assert Department.objects.editable_by(evaluator).get() == reference_rows[Department]
    assert set(User.objects.editable_by(evaluator)) == {evaluator, clerk_a}
