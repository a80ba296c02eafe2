"""The Django admin: every page answers, access is staff-only, and every list is scoped."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from programs.models import (
    Certification,
    CreatingUnit,
    Evidence,
    EvidenceVersion,
    UnitMilestone,
    User,
)
from tests.factories import (
    DepartmentFactory,
    DistrictFactory,
    EventFactory,
    MemberFactory,
    MilestoneFactory,
    PhaseFactory,
    UserFactory,
    WorkGroupFactory,
    WorkGroupTemplateFactory,
)
from workgroups.models import Member, WorkGroup


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def some_of_everything(unit_a, unit_b, district_user):
    milestone = MilestoneFactory(phase=PhaseFactory(program=unit_a.program))
    template = WorkGroupTemplateFactory()
    group = WorkGroupFactory(unit=unit_a, template=template)
    MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=group)
    MemberFactory(unit=unit_b)
    DepartmentFactory(code="emergency")
    now = timezone.now()
    progress, _new = UnitMilestone.objects.get_or_create(unit=unit_a, milestone=milestone)
    EventFactory(
        record=progress,
        action="start",
        from_state="not_started",
        to_state="in_progress",
        actor=district_user,
        at=now,
    )
    EventFactory(
        record=unit_a, action="advance", to_state=str(milestone.phase.pk), actor=district_user
    )
    evidence = Evidence.objects.create(unit=unit_a, unit_milestone=progress, title="工作计划")
    EvidenceVersion.objects.create(
        evidence=evidence,
        number=1,
        file="evidence/A01/plan.pdf",
        original_name="计划.pdf",
        content_type="application/pdf",
        size=1024,
        sha256="0" * 64,
        effective_date=date(2025, 3, 1),
        uploaded_by=district_user,
    )
    Certification.objects.create(unit=unit_a, level="municipal", applied_on=date(2025, 3, 1))
    return milestone


@pytest.fixture
def staff_clerk(unit_a):
    """A clerk of unit A given admin access and every permission on units, groups, members."""
    clerk = UserFactory(username="staff_clerk", role=User.Role.CLERK, unit=unit_a, is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["programs", "workgroups"],
            content_type__model__in=["creatingunit", "workgroup", "member"],
        )
    )
    return clerk


def test_every_admin_page_answers_for_the_superuser(client, rf, admin_user, some_of_everything):
    client.force_login(admin_user)
    request = rf.get("/")
    request.user = admin_user

    for model, model_admin in admin.site._registry.items():
        assert client.get(admin_url(model, "changelist")).status_code == 200, model
        if model_admin.has_add_permission(request):
            assert client.get(admin_url(model, "add")).status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(admin_url(model, "change", obj.pk)).status_code == 200, model
            assert client.get(admin_url(model, "history", obj.pk)).status_code == 200, model
        if hasattr(model_admin, "import_action"):
            assert client.get(admin_url(model, "import")).status_code == 200, model
            assert client.get(admin_url(model, "export")).status_code == 200, model


def test_every_model_of_the_portal_is_registered():
    registered = {model._meta.label for model in admin.site._registry}
    assert {
        "programs.Department",
        "programs.Program",
        "programs.Phase",
        "programs.Milestone",
        "programs.Target",
        "programs.CreatingUnit",
        "programs.User",
        "programs.UnitMilestone",
        "programs.Event",
        "programs.Evidence",
        "programs.Certification",
        "workgroups.WorkGroupTemplate",
        "workgroups.WorkGroup",
        "workgroups.Member",
    } <= registered


def test_a_non_staff_user_is_sent_to_the_admin_login(client, clerk_a):
    client.force_login(clerk_a)

    for url in (reverse("admin:index"), admin_url(CreatingUnit, "changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_an_anonymous_visitor_is_sent_to_a_login_page(client, db):
    response = client.get(admin_url(CreatingUnit, "changelist"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def changelist_codes(response) -> list[str]:
    return [unit.code for unit in response.context["cl"].result_list]


def test_the_unit_list_searches_by_code_and_name(client, admin_user, unit_a, unit_b):
    client.force_login(admin_user)
    url = admin_url(CreatingUnit, "changelist")

    assert changelist_codes(client.get(url, {"q": "B01"})) == ["B01"]
    assert changelist_codes(client.get(url, {"q": "甲镇"})) == ["A01"]


def test_the_unit_list_filters_by_kind_and_pilot(client, admin_user, unit_a, unit_b):
    CreatingUnit.objects.filter(pk=unit_a.pk).update(is_pilot=True)
    client.force_login(admin_user)
    url = admin_url(CreatingUnit, "changelist")

    assert changelist_codes(client.get(url, {"kind__exact": "street"})) == ["B01"]
    assert changelist_codes(client.get(url, {"is_pilot__exact": "1"})) == ["A01"]
    assert changelist_codes(client.get(url)) == ["A01", "B01"]


def test_the_unit_list_counts_groups_and_members(client, admin_user, unit_a):
    WorkGroupFactory(unit=unit_a)
    MemberFactory(unit=unit_a)
    MemberFactory(unit=unit_a)
    client.force_login(admin_user)

    [row] = client.get(admin_url(CreatingUnit, "changelist")).context["cl"].result_list

    assert (row.group_count, row.member_count) == (1, 2)


def test_a_staff_clerk_sees_only_their_own_unit_in_the_admin(client, staff_clerk, unit_a, unit_b):
    group_b = WorkGroupFactory(unit=unit_b)
    client.force_login(staff_clerk)

    assert changelist_codes(client.get(admin_url(CreatingUnit, "changelist"))) == ["A01"]
    response = client.get(admin_url(CreatingUnit, "change", unit_b.pk))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert client.get(admin_url(CreatingUnit, "history", unit_b.pk)).status_code == 404
    assert client.get(admin_url(WorkGroup, "history", group_b.pk)).status_code == 404
    assert client.get(admin_url(CreatingUnit, "history", unit_a.pk)).status_code == 200


def test_a_staff_clerk_chooses_only_among_their_own_units_and_groups(
    client, staff_clerk, unit_a, unit_b
):
    WorkGroupFactory(unit=unit_a, name="甲组")
    WorkGroupFactory(unit=unit_b, name="乙组")
    client.force_login(staff_clerk)

    form = client.get(admin_url(Member, "add")).context["adminform"].form

    assert list(form.fields["unit"].queryset) == [unit_a]
    assert [group.name for group in form.fields["group"].queryset] == ["甲组"]


def test_a_staff_clerk_cannot_move_a_member_to_another_unit(client, staff_clerk, unit_a, unit_b):
    member = MemberFactory(unit=unit_a, name="张三")
    client.force_login(staff_clerk)

    response = client.post(
        admin_url(Member, "change", member.pk),
        {"unit": unit_b.pk, "body": "committee", "name": "张三", "role": "member", "sort_order": 1},
    )

    assert response.status_code == 302  # saved; the unit is not a field of the change form
    member.refresh_from_db()
    assert member.unit == unit_a


@pytest.mark.parametrize("model", [WorkGroup, Member])
def test_the_unit_of_a_group_or_member_is_read_only_once_it_exists(
    client, admin_user, unit_a, model
):
    group = WorkGroupFactory(unit=unit_a)
    row = group if model is WorkGroup else MemberFactory(unit=unit_a)
    client.force_login(admin_user)

    change = client.get(admin_url(model, "change", row.pk)).context["adminform"]
    add = client.get(admin_url(model, "add")).context["adminform"]

    assert "unit" in change.readonly_fields and "unit" not in change.form.fields
    assert "unit" in add.form.fields


@pytest.fixture
def staff_provider(provider):
    """A provider (sees every unit, changes none) given admin access and every permission on
    work groups and members."""
    provider.is_staff = True
    provider.save()
    provider.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="workgroups", content_type__model__in=["workgroup", "member"]
        )
    )
    return provider


def test_a_staff_provider_with_change_permission_cannot_change_a_member(
    client, staff_provider, unit_a
):
    member = MemberFactory(unit=unit_a, name="张三", position="主任")
    client.force_login(staff_provider)
    url = admin_url(Member, "change", member.pk)
    data = {"body": "committee", "name": "李四", "role": "member", "sort_order": 1}

    view = client.get(url)
    refused = client.post(url, data)
    delete = client.post(admin_url(Member, "delete", member.pk), {"post": "yes"})
    revert = client.post(
        admin_url(Member, "simple_history", member.pk, member.history.latest().history_id), data
    )

    assert view.status_code == 200 and not view.context["has_change_permission"]
    assert (refused.status_code, delete.status_code, revert.status_code) == (403, 403, 403)
    member.refresh_from_db()
    assert (member.name, member.position) == ("张三", "主任")


def test_a_staff_provider_cannot_drop_a_group_with_an_admin_action(client, staff_provider, unit_a):
    group = WorkGroupFactory(unit=unit_a)
    client.force_login(staff_provider)

    client.post(
        admin_url(WorkGroup, "changelist"),
        {"action": "drop_groups", "_selected_action": [group.pk]},
    )

    group.refresh_from_db()
    assert group.status == WorkGroup.Status.ACTIVE


def test_a_staff_provider_cannot_add_a_member_to_a_unit(client, staff_provider, unit_a):
    client.force_login(staff_provider)

    response = client.post(
        admin_url(Member, "add"),
        {"unit": unit_a.pk, "body": "committee", "name": "张三", "role": "member", "sort_order": 1},
    )

    assert response.status_code == 403
    assert not Member.objects.exists()


def test_changing_a_unit_in_the_admin_records_who_changed_what(
    client, admin_user, unit_a, some_of_everything
):
    client.force_login(admin_user)
    data = {
        "district": unit_a.district_id,
        "program": unit_a.program_id,
        "code": "A01",
        "name": "甲镇（新）",
        "name_confirmed": "on",
        "kind": "town",
        "batch": 2,
        "joined_on": date(2025, 3, 1).isoformat(),
        "current_phase": some_of_everything.phase_id,
        "population": 40000,
        "population_year": 2024,
        "area_km2": "12.5",
        "head_name": "",
        "contact_name": "",
        "contact_phone": "010-12345678",
        "address": "",
        "notes": "",
    }

    response = client.post(admin_url(CreatingUnit, "change", unit_a.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    unit_a.refresh_from_db()
    assert (unit_a.name, unit_a.population, unit_a.batch) == ("甲镇（新）", 40000, 2)
    latest = unit_a.history.latest()
    assert latest.history_user == admin_user
    delta = latest.diff_against(latest.prev_record)
    assert {"name", "population", "batch"} <= set(delta.changed_fields)
    history_page = client.get(admin_url(CreatingUnit, "history", unit_a.pk))
    assert "甲镇（新）" in history_page.content.decode()
    assert admin_user.username in history_page.content.decode()


def test_the_user_admin_adds_a_clerk_only_with_a_unit(client, admin_user, unit_a):
    client.force_login(admin_user)
    data = {
        "username": "new_clerk",
        "usable_password": "true",
        "password1": "A-long-pass-phrase-42",
        "password2": "A-long-pass-phrase-42",
        "role": "clerk",
    }

    refused = client.post(admin_url(User, "add"), data)

    assert refused.status_code == 200
    assert "unit" in refused.context["adminform"].form.errors
    assert not User.objects.filter(username="new_clerk").exists()

    accepted = client.post(admin_url(User, "add"), {**data, "unit": unit_a.pk})

    assert accepted.status_code == 302
    assert User.objects.get(username="new_clerk").unit == unit_a


def test_the_user_admin_adds_a_district_user_without_a_unit(client, admin_user):
    client.force_login(admin_user)
    shunyi = DistrictFactory()
    data = {
        "username": "new_district",
        "usable_password": "true",
        "password1": "A-long-pass-phrase-42",
        "password2": "A-long-pass-phrase-42",
        "role": "district",
    }

    refused = client.post(admin_url(User, "add"), data)
    response = client.post(admin_url(User, "add"), {**data, "district": shunyi.pk})

    assert "district" in refused.context["adminform"].form.errors
    assert response.status_code == 302
    user = User.objects.get(username="new_district")
    assert (user.unit, user.district) == (None, shunyi)


def test_the_user_list_filters_by_role(client, admin_user, clerk_a, district_user):
    client.force_login(admin_user)

    response = client.get(admin_url(User, "changelist"), {"role__exact": "clerk"})

    assert [user.username for user in response.context["cl"].result_list] == ["clerk_a"]


def test_dropping_a_group_from_the_admin_list_keeps_it_on_record(client, admin_user, unit_a):
    group = WorkGroupFactory(unit=unit_a)
    client.force_login(admin_user)

    client.post(
        admin_url(WorkGroup, "changelist"),
        {"action": "drop_groups", "_selected_action": [group.pk]},
    )

    group.refresh_from_db()
    assert group.status == WorkGroup.Status.DROPPED and group.dropped_at is not None
    assert group.history.latest().history_user == admin_user


def test_members_are_added_under_their_group_in_the_admin(client, admin_user, unit_a):
    group = WorkGroupFactory(unit=unit_a, name="宣传组")
    client.force_login(admin_user)
    prefix = "members"
    data = {
        "unit": unit_a.pk,
        "name": "宣传组",
        "lead": "",
        "duties": "",
        "sort_order": 1,
        f"{prefix}-TOTAL_FORMS": 1,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-0-name": "张三",
        f"{prefix}-0-role": "chair",
        f"{prefix}-0-sort_order": 1,
    }

    with translation.override("en"):
        response = client.post(admin_url(WorkGroup, "change", group.pk), data)

    assert response.status_code == 302
    member = Member.objects.get(name="张三")
    assert (member.unit, member.body, member.group) == (unit_a, Member.Body.GROUP, group)


def test_a_titles_status_and_dates_are_read_only_once_it_exists(client, admin_user, unit_a):
    title = Certification.objects.create(
        unit=unit_a,
        level="municipal",
        status=Certification.Status.NAMED,
        applied_on=date(2025, 9, 1),
        named_on=date(2025, 12, 1),
        valid_until=date(2028, 12, 1),
    )
    client.force_login(admin_user)
    url = admin_url(Certification, "change", title.pk)

    change = client.get(url).context["adminform"]
    add = client.get(admin_url(Certification, "add")).context["adminform"]
    response = client.post(
        url,
        {
            "level": "municipal",
            "applied_on": "2025-09-01",
            "certificate_number": "京安社2025-009",
            "notes": "证书已归档",
            "status": Certification.Status.APPLIED,
            "named_on": "2025-10-01",
            "valid_until": "2030-10-01",
        },
    )

    read_only = {"unit", "status", "named_on", "valid_until"}
    assert read_only <= set(change.readonly_fields)
    assert not read_only & set(change.form.fields)
    assert read_only <= set(add.form.fields)
    assert response.status_code == 302, response.context["adminform"].form.errors
    title.refresh_from_db()
    assert (title.certificate_number, title.notes) == ("京安社2025-009", "证书已归档")
    assert (title.status, title.named_on, title.valid_until) == (
        Certification.Status.NAMED,
        date(2025, 12, 1),
        date(2028, 12, 1),
    )
    assert title.history.latest().history_user == admin_user
