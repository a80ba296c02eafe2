"""Pages keep a fixed number of queries however many units, groups and members there are.

Each page is measured at two data sizes under the same bound: a per-row query would pass the
small size and fail the large one.
"""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.choices import UnitKind
from programs.models import CreatingUnit, User
from tests.factories import PhaseFactory, ProgramFactory, UserFactory
from workgroups.models import Member, WorkGroup, WorkGroupTemplate

# Measured at both sizes, on SQLite and PostgreSQL. Unit list (6): session, user, count, the
# phase summary, the phases of the filter form, the page of units. Unit page (9): session, user,
# unit, committee and office, groups, their members, can-edit, missing templates, phases; a
# clerk's page has one more (the clerk's own unit, for the navigation bar).
UNIT_LIST_MAX_QUERIES = 6
UNIT_DETAIL_MAX_QUERIES = 9

GROUPS_PER_UNIT = 14


def build_units(count: int, *, members_per_group: int) -> list[CreatingUnit]:
    """`count` units in phase 1, each with the 14 standard groups (one dropped), a committee,
    an office, and `members_per_group` people in every group; written with bulk_create."""
    program = ProgramFactory()
    phase = PhaseFactory(program=program, order=1)
    PhaseFactory(program=program, order=2)
    templates = WorkGroupTemplate.objects.bulk_create(
        WorkGroupTemplate(number=n, name=f"标准组{n}") for n in range(1, GROUPS_PER_UNIT + 1)
    )
    kinds = itertools.cycle(UnitKind.values)
    units = CreatingUnit.objects.bulk_create(
        CreatingUnit(
            program=program,
            code=f"Q{n:04d}",
            name=f"单位{n}",
            kind=next(kinds),
            is_pilot=n % 5 == 0,
            population=1000 + n,
            current_phase=phase,
            head_name="负责人",
        )
        for n in range(count)
    )
    now = timezone.now()
    groups = WorkGroup.objects.bulk_create(
        WorkGroup(
            unit=unit,
            template=template,
            name=template.name,
            sort_order=template.number,
            status=WorkGroup.Status.DROPPED if template.number == 1 else WorkGroup.Status.ACTIVE,
            dropped_at=now if template.number == 1 else None,
        )
        for unit in units
        for template in templates
    )
    people = [
        Member(unit_id=group.unit_id, body=Member.Body.GROUP, group=group, name=f"组员{n}")
        for group in groups
        for n in range(members_per_group)
    ]
    people += [
        Member(unit=unit, body=body, name=f"委员{n}")
        for unit in units
        for body in (Member.Body.COMMITTEE, Member.Body.OFFICE)
        for n in range(3)
    ]
    Member.objects.bulk_create(people, batch_size=2000)
    return units


@pytest.mark.parametrize("unit_count", [38, 400])
def test_unit_list_queries_do_not_grow_with_units(
    client, district_user, django_assert_max_num_queries, unit_count
):
    build_units(unit_count, members_per_group=4)
    client.force_login(district_user)

    with django_assert_max_num_queries(UNIT_LIST_MAX_QUERIES):
        response = client.get(reverse("programs:unit-list"), {"sort": "-groups"})

    assert response.status_code == 200
    assert response.context["total"] == unit_count
    first = response.context["units"][0]
    # The dropped group and its members do not count; committee and office members do.
    active_groups = GROUPS_PER_UNIT - 1
    assert (first.group_count, first.member_count) == (active_groups, active_groups * 4 + 6)


@pytest.mark.parametrize("members_per_group", [4, 30])
def test_unit_page_queries_do_not_grow_with_members(
    client, district_user, django_assert_max_num_queries, members_per_group
):
    (unit,) = build_units(1, members_per_group=members_per_group)
    client.force_login(district_user)

    with django_assert_max_num_queries(UNIT_DETAIL_MAX_QUERIES):
        response = client.get(reverse("programs:unit-detail", args=[unit.code]))

    assert response.status_code == 200
    active = response.context["active_groups"]
    assert len(active) == GROUPS_PER_UNIT - 1
    assert all(len(group.members.all()) == members_per_group for group in active)
    assert len(response.context["dropped_groups"]) == 1


@pytest.mark.parametrize("members_per_group", [4, 30])
def test_clerk_unit_page_queries_do_not_grow_with_members(
    client, db, django_assert_max_num_queries, members_per_group
):
    (unit,) = build_units(1, members_per_group=members_per_group)
    client.force_login(UserFactory(role=User.Role.CLERK, unit=unit))

    with django_assert_max_num_queries(UNIT_DETAIL_MAX_QUERIES + 1):
        response = client.get(reverse("programs:unit-detail", args=[unit.code]))

    assert response.status_code == 200
