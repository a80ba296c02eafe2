"""The pages with which a clerk keeps the unit's organisation: work groups and members."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.core.transitions import transition
from tests.factories import MemberFactory, WorkGroupFactory, WorkGroupTemplateFactory
from workgroups.models import Member, WorkGroup


@pytest.fixture
def clerk(client, clerk_a):
    """Clerk of unit A, signed in, pages in English so the tests can read the messages."""
    client.cookies["django_language"] = "en"
    client.force_login(clerk_a)
    return client


def group_data(**overrides: str) -> dict[str, str]:
    return {
        "name": "自建安全组",
        "lead": "镇政府",
        "duties": "巡查",
        **overrides,
    }


def member_data(**overrides) -> dict[str, str]:
    data = {
        "body": "committee",
        "group": "",
        "name": "张三",
        "role": "member",
        "position": "",
        "organisation": "",
        "phone": "",
    }
    return {**data, **overrides}


# --- standard groups from templates -----------------------------------------------------------


@pytest.fixture
def templates(unit_a):
    """Template 1 held by unit A, 2 held but dropped (with a member), 3 missing, 4 not offered."""
    held, dropped_one, missing = WorkGroupTemplateFactory.create_batch(3)
    retired = WorkGroupTemplateFactory(is_active=False)
    WorkGroupFactory(unit=unit_a, template=held, name=held.name)
    dropped = WorkGroupFactory(
        unit=unit_a,
        template=dropped_one,
        name=dropped_one.name,
        status=WorkGroup.Status.DROPPED,
        dropped_at=timezone.now(),
    )
    MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=dropped, name="老组员")
    return {"held": held, "dropped": dropped_one, "missing": missing, "retired": retired}


def test_add_page_offers_only_the_missing_templates(clerk, unit_a, templates):
    response = clerk.get(reverse("workgroups:group-add", args=[unit_a.code]))

    assert response.status_code == 200
    offered = list(response.context["form"].fields["templates"].queryset)
    assert offered == [templates["dropped"], templates["missing"]]


def test_adding_standard_groups_creates_new_ones_and_restores_dropped_ones(
    clerk, unit_a, templates
):
    missing, dropped = templates["missing"], templates["dropped"]

    response = clerk.post(
        reverse("workgroups:group-add", args=[unit_a.code]), {"templates": [missing.pk, dropped.pk]}
    )

    assert response.status_code == 302
    assert response["Location"] == unit_a.get_absolute_url()
    new = WorkGroup.objects.get(unit=unit_a, template=missing)
    assert (new.name, new.lead, new.status, new.sort_order) == (
        missing.name,
        missing.lead,
        WorkGroup.Status.ACTIVE,
        missing.number,
    )
    back = WorkGroup.objects.get(unit=unit_a, template=dropped)
    assert (back.status, back.dropped_at) == (WorkGroup.Status.ACTIVE, None)
    assert [m.name for m in back.members.all()] == ["老组员"]
    assert WorkGroup.objects.filter(unit=unit_a).count() == 3


def test_a_unit_with_every_group_is_told_so(clerk, unit_a):
    template = WorkGroupTemplateFactory()
    WorkGroupFactory(unit=unit_a, template=template, name=template.name)

    response = clerk.get(reverse("workgroups:group-add", args=[unit_a.code]))

    assert "The unit already has every standard work group." in response.content.decode()


def test_adding_nothing_asks_to_choose(clerk, unit_a, templates):
    response = clerk.post(reverse("workgroups:group-add", args=[unit_a.code]), {})

    assert response.status_code == 200
    assert response.context["form"].errors["templates"] == ["Choose at least one group."]
    assert "Choose at least one group." in response.content.decode()
    assert WorkGroup.objects.filter(unit=unit_a).count() == 2


@pytest.mark.parametrize("which", ["held", "retired"])
def test_a_template_not_offered_cannot_be_posted(clerk, unit_a, templates, which):
    response = clerk.post(
        reverse("workgroups:group-add", args=[unit_a.code]), {"templates": [templates[which].pk]}
    )

    assert response.status_code == 200
    assert "templates" in response.context["form"].errors
    assert WorkGroup.objects.filter(unit=unit_a).count() == 2


# --- custom groups and editing ----------------------------------------------------------------


def test_clerk_adds_a_group_of_their_own(clerk, unit_a):
    response = clerk.post(reverse("workgroups:group-add-custom", args=[unit_a.code]), group_data())

    group = WorkGroup.objects.get(unit=unit_a)
    assert response.status_code == 302
    assert response["Location"] == unit_a.get_absolute_url()
    assert (group.name, group.lead, group.duties, group.template) == (
        "自建安全组",
        "镇政府",
        "巡查",
        None,
    )
    assert group.is_active


def test_a_duplicate_group_name_is_refused_at_the_name(clerk, unit_a, unit_b):
    WorkGroupFactory(unit=unit_a, name="自建安全组")
    WorkGroupFactory(unit=unit_b, name="乙的组")

    response = clerk.post(reverse("workgroups:group-add-custom", args=[unit_a.code]), group_data())

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "The unit already has a group with this name."
    ]
    assert WorkGroup.objects.filter(unit=unit_a).count() == 1
    # another unit's group name is free to use
    response = clerk.post(
        reverse("workgroups:group-add-custom", args=[unit_a.code]), group_data(name="乙的组")
    )
    assert response.status_code == 302
    assert WorkGroup.objects.filter(unit=unit_a, name="乙的组").exists()


def test_a_blank_group_name_is_refused(clerk, unit_a):
    response = clerk.post(
        reverse("workgroups:group-add-custom", args=[unit_a.code]), group_data(name="  ")
    )

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not WorkGroup.objects.filter(unit=unit_a).exists()


def test_clerk_edits_a_group(clerk, unit_a):
    group = WorkGroupFactory(unit=unit_a, name="旧名称")

    response = clerk.post(
        reverse("workgroups:group-edit", args=[group.pk]), group_data(name="新名称", lead="派出所")
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.lead, group.unit) == ("新名称", "派出所", unit_a)


def test_renaming_a_group_to_a_taken_name_is_refused(clerk, unit_a):
    WorkGroupFactory(unit=unit_a, name="已有的组")
    group = WorkGroupFactory(unit=unit_a, name="旧名称")

    response = clerk.post(
        reverse("workgroups:group-edit", args=[group.pk]), group_data(name="已有的组")
    )

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    group.refresh_from_db()
    assert group.name == "旧名称"


# --- drop and restore -------------------------------------------------------------------------


@pytest.fixture
def group_with_members(unit_a):
    group = WorkGroupFactory(unit=unit_a, name="消防安全组")
    MemberFactory.create_batch(2, unit=unit_a, body=Member.Body.GROUP, group=group)
    return group


def test_drop_asks_first(clerk, group_with_members):
    response = clerk.get(reverse("workgroups:group-drop", args=[group_with_members.pk]))

    assert response.status_code == 200
    assert "Drop “消防安全组” and its 2 members?" in response.content.decode()
    group_with_members.refresh_from_db()
    assert group_with_members.is_active


def test_dropping_keeps_the_group_and_its_members(clerk, unit_a, group_with_members):
    response = clerk.post(reverse("workgroups:group-drop", args=[group_with_members.pk]))

    assert response.status_code == 302
    assert response["Location"] == unit_a.get_absolute_url() + "#groups"
    group_with_members.refresh_from_db()
    assert group_with_members.status == WorkGroup.Status.DROPPED
    assert group_with_members.dropped_at is not None
    assert group_with_members.members.count() == 2
    page = clerk.get(unit_a.get_absolute_url())
    assert page.context["dropped_groups"] == [group_with_members]
    assert page.context["active_groups"] == []


def test_a_dropped_group_has_no_drop_page(clerk_a, clerk, group_with_members):
    transition(group_with_members, "drop", by=clerk_a)

    assert (
        clerk.get(reverse("workgroups:group-drop", args=[group_with_members.pk])).status_code == 404
    )


def test_dropping_twice_says_so_and_keeps_the_first_date(clerk_a, clerk, group_with_members):
    transition(group_with_members, "drop", by=clerk_a)
    dropped_at = group_with_members.dropped_at

    response = clerk.post(
        reverse("workgroups:group-drop", args=[group_with_members.pk]), follow=True
    )

    assert "This group has already been dropped." in response.content.decode()
    group_with_members.refresh_from_db()
    assert group_with_members.dropped_at == dropped_at


def test_restoring_brings_the_group_back(clerk_a, clerk, group_with_members):
    transition(group_with_members, "drop", by=clerk_a)

    response = clerk.post(reverse("workgroups:group-restore", args=[group_with_members.pk]))

    assert response.status_code == 302
    group_with_members.refresh_from_db()
    assert (group_with_members.status, group_with_members.dropped_at) == (
        WorkGroup.Status.ACTIVE,
        None,
    )
    assert group_with_members.members.count() == 2


def test_restore_is_post_only(clerk_a, clerk, group_with_members):
    transition(group_with_members, "drop", by=clerk_a)

    response = clerk.get(reverse("workgroups:group-restore", args=[group_with_members.pk]))

    assert response.status_code == 405
    group_with_members.refresh_from_db()
    assert not group_with_members.is_active


# --- members ----------------------------------------------------------------------------------


def test_member_form_prefills_the_committee(clerk, unit_a):
    response = clerk.get(
        reverse("workgroups:member-add", args=[unit_a.code]), {"body": "committee"}
    )

    assert response.status_code == 200
    assert response.context["form"].initial["body"] == "committee"


def test_member_form_prefills_the_group(clerk, unit_a, group_with_members):
    response = clerk.get(
        reverse("workgroups:member-add", args=[unit_a.code]), {"group": group_with_members.pk}
    )

    form = response.context["form"]
    assert form.initial["body"] == "group"
    assert str(form.initial["group"]) == str(group_with_members.pk)


def test_member_form_offers_only_the_units_active_groups(clerk, unit_a, unit_b):
    active = WorkGroupFactory(unit=unit_a)
    WorkGroupFactory(unit=unit_a, status=WorkGroup.Status.DROPPED, dropped_at=timezone.now())
    WorkGroupFactory(unit=unit_b)

    response = clerk.get(reverse("workgroups:member-add", args=[unit_a.code]))

    assert list(response.context["form"].fields["group"].queryset) == [active]


def test_clerk_adds_a_committee_member(clerk, unit_a):
    response = clerk.post(
        reverse("workgroups:member-add", args=[unit_a.code]),
        member_data(name="李主任", role="chair", phone="138 0000 0000"),
    )

    assert response.status_code == 302
    member = Member.objects.get(unit=unit_a)
    assert response["Location"] == member.get_absolute_url()
    assert (member.body, member.group, member.name, member.role, member.phone) == (
        "committee",
        None,
        "李主任",
        "chair",
        "138 0000 0000",
    )


def test_clerk_adds_a_member_to_a_group(clerk, unit_a, group_with_members):
    response = clerk.post(
        reverse("workgroups:member-add", args=[unit_a.code]),
        member_data(body="group", group=group_with_members.pk, name="新组员"),
    )

    assert response.status_code == 302
    member = Member.objects.get(name="新组员")
    assert (member.unit, member.group) == (unit_a, group_with_members)


def test_a_committee_member_posted_with_a_group_is_kept_off_the_group(
    clerk, unit_a, group_with_members
):
    clerk.post(
        reverse("workgroups:member-add", args=[unit_a.code]),
        member_data(body="committee", group=group_with_members.pk, name="委员"),
    )

    member = Member.objects.get(name="委员")
    assert (member.body, member.group) == ("committee", None)


def test_the_same_person_twice_in_a_group_is_refused_at_the_name(clerk, unit_a):
    group = WorkGroupFactory(unit=unit_a)
    MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=group, name="张三")

    response = clerk.post(
        reverse("workgroups:member-add", args=[unit_a.code]),
        member_data(body="group", group=group.pk, name="张三"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "This person is already a member of the group."
    ]
    assert Member.objects.filter(group=group, name="张三").count() == 1


def test_the_same_person_twice_on_the_committee_is_refused_at_the_name(clerk, unit_a):
    MemberFactory(unit=unit_a, body=Member.Body.COMMITTEE, name="张三")

    response = clerk.post(reverse("workgroups:member-add", args=[unit_a.code]), member_data())

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Member.objects.filter(unit=unit_a, name="张三").count() == 1


def test_a_group_member_needs_a_group(clerk, unit_a):
    response = clerk.post(
        reverse("workgroups:member-add", args=[unit_a.code]), member_data(body="group")
    )

    assert response.status_code == 200
    assert "Choose the work group." in response.context["form"].errors["group"]
    assert not Member.objects.exists()


def test_a_group_of_another_unit_is_refused(clerk, unit_a, unit_b):
    foreign = WorkGroupFactory(unit=unit_b)

    response = clerk.post(
        reverse("workgroups:member-add", args=[unit_a.code]),
        member_data(body="group", group=foreign.pk),
    )

    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert not Member.objects.exists()


def test_a_dropped_group_cannot_get_new_members(clerk, unit_a):
    dropped = WorkGroupFactory(
        unit=unit_a, status=WorkGroup.Status.DROPPED, dropped_at=timezone.now()
    )

    response = clerk.post(
        reverse("workgroups:member-add", args=[unit_a.code]),
        member_data(body="group", group=dropped.pk),
    )

    assert "group" in response.context["form"].errors
    assert not Member.objects.exists()


def test_a_bad_phone_is_refused_at_the_phone(clerk, unit_a):
    response = clerk.post(
        reverse("workgroups:member-add", args=[unit_a.code]), member_data(phone="ring ring")
    )

    assert "phone" in response.context["form"].errors
    assert not Member.objects.exists()


def test_clerk_edits_a_member(clerk, unit_a, group_with_members):
    member = MemberFactory(unit=unit_a, body=Member.Body.COMMITTEE, name="张三")

    response = clerk.post(
        reverse("workgroups:member-edit", args=[member.pk]),
        member_data(body="group", group=group_with_members.pk, name="张三丰", role="deputy"),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.role, member.body, member.group) == (
        "张三丰",
        "deputy",
        "group",
        group_with_members,
    )
    assert member.unit == unit_a


def test_delete_asks_first(clerk, group_with_members):
    member = group_with_members.members.first()

    response = clerk.get(reverse("workgroups:member-delete", args=[member.pk]))

    assert response.status_code == 200
    assert f"Remove {member.name} from 消防安全组?" in response.content.decode()
    assert Member.objects.filter(pk=member.pk).exists()


def test_deleting_a_member_keeps_a_history_record(clerk, clerk_a, unit_a):
    member = MemberFactory(unit=unit_a, body=Member.Body.OFFICE, name="王五")

    response = clerk.post(reverse("workgroups:member-delete", args=[member.pk]))

    assert response.status_code == 302
    assert response["Location"] == unit_a.get_absolute_url()
    assert not Member.objects.filter(pk=member.pk).exists()
    record = Member.history.get(id=member.pk, history_type="-")
    assert (record.name, record.history_user) == ("王五", clerk_a)
    history = clerk.get(reverse("programs:unit-history", args=[unit_a.code]))
    assert any(
        c.action == "Deleted" and c.object_label == "王五" for c in history.context["changes"]
    )
