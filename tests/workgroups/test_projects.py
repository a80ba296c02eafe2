"""Promotion projects: adding and editing them, code lists as checkboxes, bad input at the
field, and who may change them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.core.models import Event
from tests.database import refused_by_database
from tests.factories import PromotionProjectFactory, WorkGroupFactory
from workgroups import errors
from workgroups.models import ProjectStatus, PromotionProject


@pytest.fixture
def clerk(client, clerk_a):
    client.cookies["django_language"] = "en"
    client.force_login(clerk_a)
    return client


def project_data(**overrides) -> dict:
    data = {
        "name": "老年人居家防跌倒项目",
        "group": "",
        "safety_area": "elderly",
        "target_groups": ["elderly", "disabled"],
        "objective": "65岁以上老年人跌倒发生率下降20%。",
        "interventions": ["education", "facilities"],
        "start": "2026-03-01",
        "end": "2026-12-31",
        "effect": "",
    }
    return {**data, **overrides}


def add_url(unit) -> str:
    return reverse("workgroups:project-add", args=[unit.code])


def test_clerk_adds_a_project_with_its_target_groups_and_interventions(clerk, unit_a):
    group = WorkGroupFactory(unit=unit_a, name="居家安全组")

    response = clerk.post(add_url(unit_a), project_data(group=str(group.pk)))

    project = PromotionProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("workgroups:project-list", args=[unit_a.code]) + f"#project-{project.pk}"
    )
    assert (project.unit, project.group) == (unit_a, group)
    assert project.status == ProjectStatus.PLANNED  # it moves by its buttons, not the form
    assert project.target_groups == ["elderly", "disabled"]
    assert project.interventions == ["education", "facilities"]
    assert (project.start, project.end) == (date(2026, 3, 1), date(2026, 12, 31))


def test_no_target_group_is_stored_as_an_empty_list(clerk, unit_a):
    clerk.post(add_url(unit_a), project_data(target_groups=[], interventions=[]))

    project = PromotionProject.objects.get()
    assert (project.target_groups, project.interventions) == ([], [])


def test_the_edit_page_ticks_the_stored_codes_and_saves_changes(clerk, unit_a):
    project = PromotionProjectFactory(unit=unit_a, target_groups=["elderly", "children"])

    page = clerk.get(project.get_absolute_url())
    response = clerk.post(
        project.get_absolute_url(),
        project_data(name=project.name, target_groups=["children"], status="completed"),
        # a status in the form is not a field any more: the project's moves change it
    )

    assert page.context["form"]["target_groups"].value() == ["elderly", "children"]
    assert 'value="children" class="form-check-input" id="id_target_groups_1" checked' in (
        page.content.decode()
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.target_groups, project.status) == (["children"], ProjectStatus.PLANNED)
    assert project.history.count() == 2


def test_project_ending_before_it_starts_is_refused_at_end(clerk, unit_a):
    response = clerk.post(add_url(unit_a), project_data(start="2026-05-01", end="2026-04-30"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"end": ["The project cannot end before it starts."]}
    assert not PromotionProject.objects.exists()


def test_a_second_project_with_the_same_name_is_refused_at_name(clerk, unit_a, unit_b):
    PromotionProjectFactory(unit=unit_a, name="电动自行车消防安全项目")
    PromotionProjectFactory(unit=unit_b, name="学生交通安全项目")

    taken = clerk.post(add_url(unit_a), project_data(name="电动自行车消防安全项目"))
    other_units_name = clerk.post(add_url(unit_a), project_data(name="学生交通安全项目"))

    assert taken.context["form"].errors == {
        "name": ["The unit already has a project with this name."]
    }
    assert other_units_name.status_code == 302
    assert PromotionProject.objects.filter(unit=unit_a).count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("target_groups", ["pets"]),
        ("interventions", ["prayer"]),
        ("safety_area", "space"),
        ("objective", ""),
        ("start", "2026-02-30"),
        ("name", "  "),
    ],
)
def test_bad_input_gets_a_field_error_and_saves_nothing(clerk, unit_a, field, value):
    response = clerk.post(add_url(unit_a), project_data(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PromotionProject.objects.exists()


def test_a_group_of_another_unit_is_refused(clerk, unit_a, unit_b):
    foreign = WorkGroupFactory(unit=unit_b)

    response = clerk.post(add_url(unit_a), project_data(group=str(foreign.pk)))

    assert "group" in response.context["form"].errors
    assert not PromotionProject.objects.exists()


def test_dates_out_of_order_break_the_named_constraint_in_the_database(unit_a):
    project = PromotionProject(
        unit=unit_a,
        name="倒序项目",
        safety_area="fire",
        objective="目标",
        start=date(2026, 5, 1),
        end=date(2026, 4, 1),
    )

    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert "end" in refused.value.message_dict
    refused_by_database(project.save, "project_dates_ordered")


def test_unknown_codes_are_refused_by_the_model(unit_a):
    project = PromotionProjectFactory.build(unit=unit_a, target_groups=["pets"])

    with pytest.raises(ValidationError) as refused:
        project.full_clean()

    assert "target_groups" in refused.value.message_dict


def test_readers_see_projects_without_edit_links(client, unit_a, provider):
    project = PromotionProjectFactory(unit=unit_a, effect="跌倒就诊人数下降23%。")
    client.force_login(provider)

    response = client.get(reverse("workgroups:project-list", args=[unit_a.code]))

    html = response.content.decode()
    assert project.name in html
    assert "跌倒就诊人数下降23%。" in html
    assert project.get_absolute_url() not in html
    assert add_url(unit_a) not in html
    assert client.get(project.get_absolute_url()).status_code == 404


def test_the_list_shows_labels_of_the_stored_codes(client, unit_a, district_user):
    PromotionProjectFactory(unit=unit_a, target_groups=["students"], interventions=["engineering"])
    client.cookies["django_language"] = "en"
    client.force_login(district_user)

    html = client.get(reverse("workgroups:project-list", args=[unit_a.code])).content.decode()

    assert "Students" in html
    assert "Engineering" in html


def test_projects_under_way_on_a_day(unit_a):
    running = PromotionProjectFactory(
        unit=unit_a, status=ProjectStatus.ACTIVE, start=date(2026, 1, 1)
    )
    PromotionProjectFactory(unit=unit_a, status=ProjectStatus.ACTIVE, start=date(2026, 9, 1))
    PromotionProjectFactory(
        unit=unit_a, status=ProjectStatus.ACTIVE, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    PromotionProjectFactory(unit=unit_a, status=ProjectStatus.SUSPENDED, start=date(2026, 1, 1))

    assert list(PromotionProject.objects.active_on(date(2026, 5, 1))) == [running]


# --- the admin ----------------------------------------------------------------------------------


def admin_url(view: str, *args) -> str:
    return reverse(f"admin:workgroups_promotionproject_{view}", args=args)


def test_admin_ticks_the_codes_and_refuses_a_taken_name_on_change(client, admin_user, unit_a):
    PromotionProjectFactory(unit=unit_a, name="已有项目")
    project = PromotionProjectFactory(unit=unit_a, name="防跌倒项目", target_groups=["elderly"])
    client.force_login(admin_user)

    page = client.get(admin_url("change", project.pk))
    response = client.post(
        admin_url("change", project.pk),
        {
            "name": "已有项目",
            "safety_area": "elderly",
            "target_groups": ["elderly", "disabled"],
            "objective": "目标",
            "interventions": ["services"],
            "start": "2026-01-01",
            "status": "active",
        },
    )

    form = page.context["adminform"].form
    assert form["target_groups"].value() == ["elderly"]
    assert "unit" in page.context["adminform"].readonly_fields
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.name == "防跌倒项目"


def test_admin_saves_the_ticked_codes(client, admin_user, unit_a):
    project = PromotionProjectFactory(unit=unit_a, name="防跌倒项目")
    client.force_login(admin_user)

    response = client.post(
        admin_url("change", project.pk),
        {
            "name": "防跌倒项目",
            "safety_area": "elderly",
            "target_groups": ["elderly", "disabled"],
            "objective": "目标",
            "interventions": ["services", "facilities"],
            "start": "2026-01-01",
            "status": "active",
        },
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.target_groups == ["elderly", "disabled"]
    assert project.interventions == ["services", "facilities"]


# --- the project's moves: planned → under way → completed; under way ⇄ suspended -------------


def move_url(project, move: str) -> str:
    return reverse("workgroups:project-transition", args=[project.pk, move])


def test_a_project_moves_through_its_buttons_and_each_move_is_logged(clerk, clerk_a, unit_a):
    project = PromotionProjectFactory(unit=unit_a, status=ProjectStatus.PLANNED)

    for move in ("start", "suspend", "resume", "complete"):
        assert clerk.post(move_url(project, move)).status_code == 302
    reopened = clerk.post(move_url(project, "reopen"), {"reason": "效果评估后需继续干预"})

    assert reopened.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    events = Event.objects.of(project).order_by("pk")
    assert [(e.action, e.to_state, e.actor) for e in events] == [
        ("start", ProjectStatus.ACTIVE, clerk_a),
        ("suspend", ProjectStatus.SUSPENDED, clerk_a),
        ("resume", ProjectStatus.ACTIVE, clerk_a),
        ("complete", ProjectStatus.COMPLETED, clerk_a),
        ("reopen", ProjectStatus.ACTIVE, clerk_a),
    ]
    assert events.last().reason == "效果评估后需继续干预"


def test_reopening_a_completed_project_needs_a_reason(clerk, unit_a):
    project = PromotionProjectFactory(unit=unit_a, status=ProjectStatus.COMPLETED)

    response = clerk.post(move_url(project, "reopen"), {"reason": " "}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        str(errors.PROJECT_REOPEN_NEEDS_REASON)
    ]
    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED
    assert not Event.objects.of(project).exists()


def test_a_move_from_the_wrong_state_is_refused_with_a_message(clerk, unit_a):
    project = PromotionProjectFactory(unit=unit_a, status=ProjectStatus.PLANNED)

    response = clerk.post(move_url(project, "complete"), follow=True)

    assert len(response.context["messages"]) == 1
    project.refresh_from_db()
    assert project.status == ProjectStatus.PLANNED


def test_another_units_project_cannot_be_moved(clerk, unit_b):
    project = PromotionProjectFactory(unit=unit_b, status=ProjectStatus.PLANNED)

    assert clerk.post(move_url(project, "start")).status_code == 404
    project.refresh_from_db()
    assert project.status == ProjectStatus.PLANNED


def test_the_list_offers_only_the_moves_of_each_projects_state(clerk, unit_a):
    planned = PromotionProjectFactory(unit=unit_a, status=ProjectStatus.PLANNED)
    active = PromotionProjectFactory(unit=unit_a, status=ProjectStatus.ACTIVE)

    page = clerk.get(reverse("workgroups:project-list", args=[unit_a.code]))

    offered = {p.pk: [a.move.name for a in p.actions] for p in page.context["projects"]}
    assert offered == {planned.pk: ["start"], active.pk: ["complete", "suspend"]}
    assert move_url(active, "suspend") in page.content.decode()
