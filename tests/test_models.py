"""Named constraints, tested both ways, and the models' own transitions and history.

Each rule is checked twice: `full_clean()` (what forms, the admin and imports run) must report
it on the field the user has to correct, and the database must refuse the row on its own when
validation is skipped (scripts, bulk imports, raw saves).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from programs.core.choices import TitleLevel, UnitKind
from programs.core.transitions import transition
from programs.models import CreatingUnit, Milestone, Phase, Target, User
from safecommunity.history import ACTIONS, change_log
from tests.database import refused_by_database
from tests.factories import (
    DepartmentFactory,
    DistrictFactory,
    MemberFactory,
    MilestoneFactory,
    PhaseFactory,
    ProgramFactory,
    UnitFactory,
    UserFactory,
    WorkGroupFactory,
    WorkGroupTemplateFactory,
)
from workgroups.errors import WorkGroupError
from workgroups.models import Member, WorkGroup

pytestmark = pytest.mark.django_db


def error_fields(instance) -> set[str]:
    """The keys of the errors `full_clean()` reports (fails the test if it reports none)."""
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return set(caught.value.message_dict)


def new_unit(**fields) -> CreatingUnit:
    """An unsaved, otherwise valid unit in the test programme."""
    values = {
        "program": ProgramFactory(),
        "code": "N01",
        "name": "新镇",
        "kind": UnitKind.TOWN,
    }
    return CreatingUnit(**{**values, **fields})


def new_user(**fields) -> User:
    """An unsaved, otherwise valid user with a password (in the test district, but for the
    city office and administrators)."""
    values = {"username": "someone", "password": "x", **fields}
    if values.get("role", User.Role.EVALUATOR) not in (User.Role.CITY, User.Role.ADMIN):
        values.setdefault("district", DistrictFactory())
    return User(**values)


# --- Creating units ---------------------------------------------------------------------------


def test_valid_unit_passes_full_clean():
    new_unit().full_clean()


def test_unit_code_must_be_unique():
    UnitFactory(code="T01")
    assert error_fields(new_unit(code="T01")) == {"code"}
    refused_by_database(lambda: UnitFactory.create(code="T01"), "unit_code_unique")


def test_unit_name_is_unique_within_a_programme():
    UnitFactory(name="仁和镇")
    assert "name" in error_fields(new_unit(name="仁和镇"))
    refused_by_database(lambda: UnitFactory.create(name="仁和镇"), "unit_name_unique_in_program")


def test_same_unit_name_is_allowed_in_another_programme():
    UnitFactory(name="仁和镇")
    other = ProgramFactory(code="other-programme")
    new_unit(program=other, name="仁和镇").full_clean()
    CreatingUnit.objects.create(program=other, code="N02", name="仁和镇", kind=UnitKind.TOWN)


def test_unit_population_cannot_be_negative():
    assert error_fields(new_unit(population=-1)) == {"population"}
    refused_by_database(lambda: UnitFactory.create(population=-1), "unit_population_not_negative")


def test_unit_population_of_zero_is_allowed():
    new_unit(population=0).full_clean()


def test_unit_name_cannot_be_empty():
    assert error_fields(new_unit(name="")) == {"name"}
    refused_by_database(lambda: UnitFactory.create(name=""), "unit_name_not_empty")


def test_unit_name_of_only_spaces_is_refused_by_validation():
    assert error_fields(new_unit(name="   ")) == {"name"}


def test_unit_phase_must_belong_to_the_units_programme():
    other_phase = PhaseFactory(program=ProgramFactory(code="other-programme"))
    assert error_fields(new_unit(current_phase=other_phase)) == {"current_phase"}


# --- Phases, milestones, targets ---------------------------------------------------------------


def test_phase_order_is_unique_per_programme():
    program = ProgramFactory()
    PhaseFactory(program=program, order=1, name="启动阶段")
    duplicate = Phase(program=program, order=1, name="实施阶段")
    assert error_fields(duplicate) == {"order"}
    refused_by_database(
        lambda: Phase.objects.create(program=program, order=1, name="实施阶段"),
        "phase_order_unique",
    )


def test_same_phase_order_is_allowed_in_another_programme():
    PhaseFactory(order=1, name="启动阶段")
    other = ProgramFactory(code="other-programme")
    Phase(program=other, order=1, name="启动阶段").full_clean()


def test_milestone_order_is_unique_per_phase():
    phase = PhaseFactory()
    MilestoneFactory(phase=phase, order=1)
    duplicate = Milestone(phase=phase, order=1, name="另一个里程碑")
    assert error_fields(duplicate) == {"order"}
    refused_by_database(
        lambda: Milestone.objects.create(phase=phase, order=1, name="另一个"),
        "milestone_order_unique",
    )


def test_same_milestone_order_is_allowed_in_another_phase():
    MilestoneFactory(order=1)
    Milestone(phase=PhaseFactory(), order=1, name="另一个里程碑").full_clean()


def new_target(measure: str, threshold: int) -> Target:
    return Target(
        program=ProgramFactory(),
        code="t",
        name="目标",
        measure=measure,
        level=TitleLevel.MUNICIPAL,
        threshold=Decimal(threshold),
        deadline=timezone.localdate(),
    )


@pytest.mark.parametrize("measure", [Target.Measure.UNITS_SHARE, Target.Measure.PILOTS_TITLED])
def test_a_target_share_above_100_percent_is_refused(measure):
    assert error_fields(new_target(measure, 101)) == {"threshold"}
    refused_by_database(lambda: new_target(measure, 101).save(), "target_share_at_most_100")


def test_target_share_of_exactly_100_percent_is_allowed():
    target = new_target(Target.Measure.UNITS_SHARE, 100)
    target.full_clean()
    target.save()


def test_target_count_of_150_units_is_allowed():
    target = new_target(Target.Measure.UNITS_COUNT, 150)
    target.full_clean()
    target.save()
    assert Target.objects.get().threshold == 150


# --- Work groups -------------------------------------------------------------------------------


def test_unit_has_at_most_one_group_per_template():
    unit, template = UnitFactory(), WorkGroupTemplateFactory()
    WorkGroupFactory(unit=unit, template=template, name="消防安全组")
    duplicate = WorkGroup(unit=unit, template=template, name="消防安全二组")
    assert error_fields(duplicate) == {"template"}
    refused_by_database(
        lambda: WorkGroup.objects.create(unit=unit, template=template, name="消防安全二组"),
        "workgroup_one_per_template_per_unit",
    )


def test_two_units_may_each_form_a_group_from_the_same_template():
    template = WorkGroupTemplateFactory()
    WorkGroupFactory(template=template, name="消防安全组")
    WorkGroup(unit=UnitFactory(), template=template, name="消防安全组").full_clean()


def test_custom_groups_coexist_with_template_groups_and_each_other():
    unit = UnitFactory()
    WorkGroupFactory(unit=unit, template=WorkGroupTemplateFactory(), name="消防安全组")
    WorkGroupFactory(unit=unit, template=None, name="自建一组")
    custom = WorkGroup(unit=unit, template=None, name="自建二组")
    custom.full_clean()
    custom.save()
    assert unit.work_groups.filter(template__isnull=True).count() == 2


def test_group_name_is_unique_within_a_unit():
    unit = UnitFactory()
    WorkGroupFactory(unit=unit, name="治安防范组")
    assert error_fields(WorkGroup(unit=unit, name="治安防范组")) == {"name"}
    refused_by_database(
        lambda: WorkGroup.objects.create(unit=unit, name="治安防范组"),
        "workgroup_name_unique_in_unit",
    )


def test_same_group_name_is_allowed_in_another_unit():
    WorkGroupFactory(name="治安防范组")
    WorkGroup(unit=UnitFactory(), name="治安防范组").full_clean()


def test_active_group_cannot_carry_a_drop_date():
    group = WorkGroup(unit=UnitFactory(), name="组", dropped_at=timezone.now())
    assert NON_FIELD_ERRORS in error_fields(group)
    refused_by_database(
        lambda: WorkGroupFactory.create(dropped_at=timezone.now()),
        "workgroup_dropped_at_matches_status",
    )


def test_dropped_group_must_carry_a_drop_date():
    group = WorkGroup(unit=UnitFactory(), name="组", status=WorkGroup.Status.DROPPED)
    assert NON_FIELD_ERRORS in error_fields(group)
    refused_by_database(
        lambda: WorkGroupFactory.create(status=WorkGroup.Status.DROPPED),
        "workgroup_dropped_at_matches_status",
    )


def test_dropping_a_group_records_status_and_time(district_user):
    group = WorkGroupFactory()
    transition(group, "drop", by=district_user)
    group.refresh_from_db()
    assert group.status == WorkGroup.Status.DROPPED
    assert group.dropped_at is not None
    assert not group.is_active


def test_dropping_a_dropped_group_raises_and_keeps_its_drop_time(district_user):
    group = WorkGroupFactory()
    transition(group, "drop", by=district_user)
    group.refresh_from_db()
    dropped_at = group.dropped_at
    with pytest.raises(WorkGroupError):
        transition(group, "drop", by=district_user)
    group.refresh_from_db()
    assert group.dropped_at == dropped_at


def test_restoring_a_dropped_group_makes_it_active_again(district_user):
    group = WorkGroupFactory()
    transition(group, "drop", by=district_user)
    transition(group, "restore", by=district_user)
    group.refresh_from_db()
    assert group.status == WorkGroup.Status.ACTIVE
    assert group.dropped_at is None


def test_restoring_an_active_group_raises(district_user):
    group = WorkGroupFactory()
    with pytest.raises(WorkGroupError):
        transition(group, "restore", by=district_user)
    group.refresh_from_db()
    assert group.is_active


# --- Members -----------------------------------------------------------------------------------


def group_member(group: WorkGroup, name: str) -> Member:
    return Member(unit=group.unit, body=Member.Body.GROUP, group=group, name=name)


def test_same_person_cannot_join_a_group_twice():
    group = WorkGroupFactory()
    group_member(group, "张伟").save()
    assert error_fields(group_member(group, "张伟")) == {"name"}
    refused_by_database(lambda: group_member(group, "张伟").save(), "member_once_per_group")


def test_same_name_may_appear_in_two_groups_of_a_unit():
    unit = UnitFactory()
    first = WorkGroupFactory(unit=unit, name="一组")
    second = WorkGroupFactory(unit=unit, name="二组")
    group_member(first, "张伟").save()
    member = group_member(second, "张伟")
    member.full_clean()
    member.save()
    assert Member.objects.filter(name="张伟").count() == 2


def test_same_person_cannot_sit_on_the_committee_twice():
    unit = UnitFactory()
    MemberFactory(unit=unit, body=Member.Body.COMMITTEE, name="李静")
    duplicate = Member(unit=unit, body=Member.Body.COMMITTEE, name="李静")
    assert error_fields(duplicate) == {"name"}
    refused_by_database(
        lambda: Member.objects.create(unit=unit, body=Member.Body.COMMITTEE, name="李静"),
        "member_once_per_body",
    )


def test_same_person_may_sit_on_the_committee_and_in_its_office():
    unit = UnitFactory()
    MemberFactory(unit=unit, body=Member.Body.COMMITTEE, name="李静")
    in_office = Member(unit=unit, body=Member.Body.OFFICE, name="李静")
    in_office.full_clean()
    in_office.save()
    assert unit.members.filter(name="李静").count() == 2


def test_work_group_member_needs_a_group():
    unit = UnitFactory()
    member = Member(unit=unit, body=Member.Body.GROUP, name="王芳")
    assert error_fields(member) == {"group"}
    refused_by_database(
        lambda: Member.objects.create(unit=unit, body=Member.Body.GROUP, name="王芳"),
        "member_group_matches_body",
    )


def test_committee_member_cannot_be_stored_with_a_group():
    group = WorkGroupFactory()
    refused_by_database(
        lambda: Member.objects.create(
            unit=group.unit, body=Member.Body.COMMITTEE, group=group, name="王芳"
        ),
        "member_group_matches_body",
    )


def test_member_cannot_join_a_group_of_another_unit():
    other_units_group = WorkGroupFactory()
    member = Member(
        unit=UnitFactory(), body=Member.Body.GROUP, group=other_units_group, name="王芳"
    )
    assert error_fields(member) == {"group"}


# --- Users -------------------------------------------------------------------------------------


def test_clerk_without_a_unit_is_refused():
    assert error_fields(new_user(role=User.Role.CLERK)) == {"unit"}
    refused_by_database(
        lambda: new_user(role=User.Role.CLERK).save(), "user_clerk_has_exactly_one_unit"
    )


def test_clerk_with_a_unit_is_valid():
    new_user(role=User.Role.CLERK, unit=UnitFactory()).full_clean()


def test_district_user_with_a_unit_is_refused():
    unit = UnitFactory()
    assert error_fields(new_user(role=User.Role.DISTRICT, unit=unit)) == {"unit"}
    refused_by_database(
        lambda: new_user(role=User.Role.DISTRICT, unit=unit).save(),
        "user_clerk_has_exactly_one_unit",
    )


def test_provider_without_a_department_is_refused():
    assert error_fields(new_user(role=User.Role.PROVIDER)) == {"department"}
    refused_by_database(
        lambda: new_user(role=User.Role.PROVIDER).save(), "user_provider_has_department"
    )


def test_evaluator_with_a_department_is_refused():
    department = DepartmentFactory()
    user = new_user(role=User.Role.EVALUATOR, department=department)
    assert error_fields(user) == {"department"}
    refused_by_database(
        lambda: new_user(role=User.Role.EVALUATOR, department=department).save(),
        "user_provider_has_department",
    )


def test_district_staff_without_a_district_are_refused():
    user = new_user(role=User.Role.DISTRICT, district=None)
    assert error_fields(user) == {"district"}
    refused_by_database(
        lambda: new_user(role=User.Role.DISTRICT, district=None).save(), "user_district_by_role"
    )


def test_the_city_office_belongs_to_no_district():
    assert error_fields(new_user(role=User.Role.CITY, district=DistrictFactory())) == {"district"}
    refused_by_database(
        lambda: new_user(role=User.Role.CITY, district=DistrictFactory()).save(),
        "user_district_by_role",
    )
    new_user(role=User.Role.CITY).full_clean()


def test_a_clerk_works_in_the_district_of_the_unit():
    unit = UnitFactory()
    other = DistrictFactory(code="110116", name="怀柔区")
    assert error_fields(new_user(role=User.Role.CLERK, unit=unit, district=other)) == {"unit"}
    clerk = new_user(role=User.Role.CLERK, unit=unit, district=None)
    clerk.full_clean()
    clerk.save()
    assert clerk.district == unit.district


def test_a_unit_lies_in_its_programmes_district():
    other = DistrictFactory(code="110116", name="怀柔区")
    assert error_fields(new_unit(district=other)) == {"program"}
    unit = new_unit()
    unit.full_clean()
    assert unit.district == unit.program.district


def test_a_units_division_code_lies_in_its_district():
    huairou = ProgramFactory(code="hr", district=DistrictFactory(code="110116", name="怀柔区"))
    unit = new_unit(program=huairou, name="胜利街道", division_code="110113001")
    assert error_fields(unit) == {"division_code"}


def test_superuser_is_an_administrator():
    user = User.objects.create_superuser("root", "root@example.com", "root-pass-123")
    user.refresh_from_db()
    assert user.role == User.Role.ADMIN
    assert user.is_administrator


def test_display_name_puts_family_name_first():
    assert UserFactory(last_name="王", first_name="芳").display_name == "王芳"


# --- History -----------------------------------------------------------------------------------


def test_editing_a_unit_records_the_changed_field():
    unit = UnitFactory(population=30000)
    unit.population = 31000
    unit.save()
    latest, previous = unit.history.order_by("-history_date", "-pk")[:2]
    assert latest.history_type == "~"
    assert [change.field for change in latest.diff_against(previous).changes] == ["population"]


def test_change_log_says_who_changed_what_with_choice_labels():
    editor = UserFactory(username="editor", role=User.Role.DISTRICT)
    unit = UnitFactory(kind=UnitKind.TOWN)
    unit.kind = UnitKind.STREET
    unit._history_user = editor
    unit.save()

    newest = change_log([CreatingUnit.history.filter(id=unit.pk)])[0]

    assert newest.who == editor
    assert newest.action == str(ACTIONS["~"])
    assert newest.object_label == unit.name
    assert len(newest.changes) == 1
    change = newest.changes[0]
    kind_field = CreatingUnit._meta.get_field("kind")
    assert change.field == str(kind_field.verbose_name)
    assert (change.old, change.new) == (UnitKind.TOWN.label, UnitKind.STREET.label)
