"""Roles on the member pages: a second leader of a group (or of the committee, or the office) is
allowed but warned about; the forms show no raw sort order — the role places a person in the
list, the leader first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import MemberFactory, WorkGroupFactory
from workgroups.models import Member


@pytest.fixture
def clerk(client, clerk_a):
    client.force_login(clerk_a)
    return client


@pytest.fixture
def group(unit_a):
    return WorkGroupFactory(unit=unit_a, name="消防安全组")


def member_data(**overrides) -> dict[str, str]:
    data = {"body": "committee", "group": "", "name": "张三", "role": "member"}
    return {**data, "position": "", "organisation": "", "phone": "", **overrides}


def add(client, unit, **overrides):
    url = reverse("workgroups:member-add", args=[unit.code])
    return client.post(url, member_data(**overrides), follow=True)


def warnings(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


def test_a_second_leader_of_a_group_is_added_with_a_warning(clerk, unit_a, group):
    MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=group, name="李组长", role="chair")

    response = add(clerk, unit_a, body="group", group=group.pk, name="王组长", role="chair")

    assert response.status_code == 200
    assert Member.objects.filter(group=group, role="chair").count() == 2
    [warning] = warnings(response)
    assert "“消防安全组”" in warning and "王组长" in warning and "李组长" in warning
    assert "不止一位" in warning  # Chinese, the clerk's language
    assert "消防安全组" in response.content.decode() and warning in response.content.decode()


def test_the_first_leader_and_an_ordinary_member_bring_no_warning(clerk, unit_a, group):
    first = add(clerk, unit_a, body="group", group=group.pk, name="李组长", role="chair")
    member = add(clerk, unit_a, body="group", group=group.pk, name="赵组员", role="member")

    assert warnings(first) == [] and warnings(member) == []


def test_leaders_of_different_groups_or_of_the_committee_are_not_compared(
    clerk, unit_a, group, unit_b
):
    other = WorkGroupFactory(unit=unit_a, name="交通安全组")
    MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=other, name="李组长", role="chair")
    MemberFactory(unit=unit_b, body=Member.Body.COMMITTEE, name="周主任", role="chair")

    response = add(clerk, unit_a, body="committee", name="王主任", role="chair")

    assert warnings(response) == []


def test_a_second_committee_chair_is_warned_about_too(clerk, unit_a):
    MemberFactory(unit=unit_a, body=Member.Body.COMMITTEE, name="周主任", role="chair")

    response = add(clerk, unit_a, body="committee", name="王主任", role="chair")

    [warning] = warnings(response)
    assert "周主任" in warning


def test_making_a_member_a_leader_warns_too(clerk, unit_a, group):
    MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=group, name="李组长", role="chair")
    member = MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=group, name="赵组员")

    response = clerk.post(
        reverse("workgroups:member-edit", args=[member.pk]),
        member_data(body="group", group=group.pk, name="赵组员", role="chair"),
        follow=True,
    )

    member.refresh_from_db()
    assert member.role == "chair"
    assert len(warnings(response)) == 1


def test_the_member_and_group_forms_show_no_sort_order(clerk, unit_a, group):
    add_member = clerk.get(reverse("workgroups:member-add", args=[unit_a.code]))
    edit_group = clerk.get(reverse("workgroups:group-edit", args=[group.pk]))

    for response in (add_member, edit_group):
        assert "sort_order" not in response.context["form"].fields
        assert 'name="sort_order"' not in response.content.decode()


def test_a_posted_sort_order_is_ignored(clerk, unit_a, group):
    add(clerk, unit_a, body="group", group=group.pk, name="赵组员", sort_order="1")

    assert Member.objects.get(name="赵组员").sort_order == Member.ROLE_ORDER["member"]


def test_the_leader_is_listed_first_whenever_added(clerk, unit_a, group):
    for name, role in [("赵组员", "member"), ("联络员", "contact"), ("李组长", "chair")]:
        add(clerk, unit_a, body="group", group=group.pk, name=name, role=role)
    add(clerk, unit_a, body="group", group=group.pk, name="钱副组长", role="deputy")

    names = list(group.members.values_list("name", flat=True))
    assert names == ["李组长", "钱副组长", "赵组员", "联络员"]
