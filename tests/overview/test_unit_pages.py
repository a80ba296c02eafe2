"""The unit list, a unit's page, its profile form and its change history."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.core.choices import UnitKind
from programs.models import CreatingUnit
from tests.factories import MemberFactory, PhaseFactory, UnitFactory, WorkGroupFactory
from workgroups.models import Member, WorkGroup

UNIT_LIST = reverse("programs:unit-list")


def codes(response) -> list[str]:
    return [unit.code for unit in response.context["units"]]


def edit_url(unit: CreatingUnit) -> str:
    return reverse("programs:unit-edit", args=[unit.code])


# --- the unit list ---------------------------------------------------------------------------


@pytest.fixture
def three_units(unit_a, unit_b):
    """A01 town (pilot, phase 2, 30 000), B01 street (phase 1, 80 000), Z01 zone (5 000)."""
    phase_1 = PhaseFactory(program=unit_a.program, order=1, name="启动")
    phase_2 = PhaseFactory(program=unit_a.program, order=2, name="实施")
    CreatingUnit.objects.filter(pk=unit_a.pk).update(is_pilot=True, current_phase=phase_2)
    CreatingUnit.objects.filter(pk=unit_b.pk).update(population=80000, current_phase=phase_1)
    zone = UnitFactory(
        code="Z01", name="开发区", kind=UnitKind.ZONE, population=5000, head_name="赵六"
    )
    return {"phase_1": phase_1, "phase_2": phase_2, "zone": zone}


def test_district_sees_every_unit_in_plan_order(client, district_user, three_units):
    client.force_login(district_user)

    response = client.get(UNIT_LIST)

    assert response.status_code == 200
    assert codes(response) == ["A01", "B01", "Z01"]  # towns, streets, zones


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "town"}, ["A01"]),
        ({"kind": "street"}, ["B01"]),
        ({"kind": "zone"}, ["Z01"]),
        ({"pilot": "yes"}, ["A01"]),
        ({"pilot": "no"}, ["B01", "Z01"]),
        ({"q": "乙街"}, ["B01"]),  # part of the name
        ({"q": "b01"}, ["B01"]),  # the code, any case
        ({"q": "B0"}, []),  # a code matches whole, not in part
        ({"q": "赵六"}, ["Z01"]),  # the administrative head
        ({"q": "  "}, ["A01", "B01", "Z01"]),
        ({"kind": "town", "pilot": "no"}, []),
    ],
)
def test_unit_list_filters(client, district_user, three_units, query, expected):
    client.force_login(district_user)

    assert codes(client.get(UNIT_LIST, query)) == expected


def test_unit_list_filters_by_phase(client, district_user, three_units):
    client.force_login(district_user)

    assert codes(client.get(UNIT_LIST, {"phase": three_units["phase_1"].pk})) == ["B01"]
    assert codes(client.get(UNIT_LIST, {"phase": three_units["phase_2"].pk})) == ["A01"]


def test_unit_list_ignores_an_unknown_kind(client, district_user, three_units):
    client.force_login(district_user)

    response = client.get(UNIT_LIST, {"kind": "castle"})

    assert response.status_code == 200
    assert "kind" in response.context["filter"].form.errors


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "name",
            sorted(
                ["A01", "B01", "Z01"], key={"A01": "甲镇", "B01": "乙街道", "Z01": "开发区"}.get
            ),
        ),
        ("-population", ["B01", "A01", "Z01"]),
        ("population", ["Z01", "A01", "B01"]),
        ("groups", ["Z01", "B01", "A01"]),
        ("-groups", ["A01", "B01", "Z01"]),
    ],
)
def test_unit_list_sorts(client, district_user, three_units, unit_a, unit_b, sort, expected):
    WorkGroupFactory.create_batch(3, unit=unit_a)
    WorkGroupFactory(unit=unit_b)
    client.force_login(district_user)

    assert codes(client.get(UNIT_LIST, {"sort": sort})) == expected


def test_unit_list_counts_active_groups_and_their_members(client, district_user, unit_a, unit_b):
    first, second = WorkGroupFactory(unit=unit_a), WorkGroupFactory(unit=unit_a)
    WorkGroupFactory(unit=unit_a, status=WorkGroup.Status.DROPPED, dropped_at=timezone.now())
    MemberFactory(unit=unit_a, body=Member.Body.COMMITTEE)
    MemberFactory(unit=unit_a, body=Member.Body.OFFICE)
    MemberFactory.create_batch(2, unit=unit_a, body=Member.Body.GROUP, group=first)
    MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=second)
    client.force_login(district_user)

    response = client.get(UNIT_LIST)

    counts = {u.code: (u.group_count, u.member_count) for u in response.context["units"]}
    assert counts == {"A01": (2, 5), "B01": (0, 0)}
    row = response.content.decode().split(">A01<", 1)[1].split("</tr>", 1)[0]
    assert '<td class="text-end">2</td>' in row
    assert '<td class="text-end">5</td>' in row


def test_clerk_sees_only_the_own_unit_in_the_list(client, clerk_a, unit_a, unit_b):
    client.force_login(clerk_a)

    assert codes(client.get(UNIT_LIST)) == ["A01"]


def test_evaluator_sees_an_empty_list_with_an_explanation(english, evaluator, unit_a, unit_b):
    english.force_login(evaluator)

    response = english.get(UNIT_LIST)

    assert response.status_code == 200
    assert codes(response) == []
    assert "No units are assigned to you yet." in response.content.decode()


def test_no_match_says_so(english, district_user, unit_a):
    english.force_login(district_user)

    response = english.get(UNIT_LIST, {"q": "不存在"})

    assert "No unit matches these filters." in response.content.decode()


# --- home -------------------------------------------------------------------------------------


def test_clerk_home_is_the_own_unit_page(client, clerk_a, unit_a):
    client.force_login(clerk_a)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("programs:unit-detail", args=[unit_a.code])


@pytest.mark.parametrize(
    ("persona", "home"),
    [
        ("district_user", "programs:dashboard"),
        ("evaluator", "programs:round-list"),
        ("provider", "programs:unit-list"),
    ],
)
def test_everybody_else_lands_on_the_page_of_their_work(client, request, persona, home):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse(home)


# --- a unit's page ----------------------------------------------------------------------------


def test_unit_page_shows_committee_office_groups_and_dropped_groups(english, clerk_a, unit_a):
    MemberFactory(unit=unit_a, body=Member.Body.COMMITTEE, name="主任甲", role=Member.Role.CHAIR)
    MemberFactory(unit=unit_a, body=Member.Body.OFFICE, name="办公室乙")
    active = WorkGroupFactory(unit=unit_a, name="交通安全组", lead="派出所")
    MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=active, name="组员丙")
    dropped = WorkGroupFactory(
        unit=unit_a, name="旧的组", status=WorkGroup.Status.DROPPED, dropped_at=timezone.now()
    )
    MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=dropped, name="旧组员丁")
    english.force_login(clerk_a)

    response = english.get(reverse("programs:unit-detail", args=[unit_a.code]))

    assert response.status_code == 200
    bodies = {body: [m.name for m in people] for _label, body, people in response.context["bodies"]}
    assert bodies == {"committee": ["主任甲"], "office": ["办公室乙"]}
    assert response.context["active_groups"] == [active]
    assert [m.name for m in response.context["active_groups"][0].members.all()] == ["组员丙"]
    assert response.context["dropped_groups"] == [dropped]
    html = response.content.decode()
    assert "交通安全组" in html and "派出所" in html and "组员丙" in html
    assert "<s>旧的组</s>" in html and "1 dropped group" in html
    assert "旧组员丁" not in html
    assert response.context["can_edit"] is True
    assert reverse("programs:unit-edit", args=[unit_a.code]) in html


def test_provider_reads_a_unit_page_without_edit_links(client, provider, unit_a):
    group = WorkGroupFactory(unit=unit_a)
    client.force_login(provider)

    response = client.get(reverse("programs:unit-detail", args=[unit_a.code]))

    assert response.status_code == 200
    assert response.context["can_edit"] is False
    html = response.content.decode()
    assert reverse("programs:unit-edit", args=[unit_a.code]) not in html
    assert reverse("workgroups:group-edit", args=[group.pk]) not in html


# --- editing the profile ----------------------------------------------------------------------


def clerk_profile(**overrides: str) -> dict[str, str]:
    data = {
        "head_name": "李镇长",
        "contact_name": "王联络",
        "contact_phone": "010-6988 1234",
        "address": "甲镇政府",
        "population": "42000",
        "population_year": "2024",
        "area_km2": "",
        "notes": "",
    }
    return {**data, **overrides}


def district_profile(unit: CreatingUnit, **overrides: str) -> dict[str, str]:
    data = {
        "name": unit.name,
        "name_confirmed": "on",
        "kind": unit.kind,
        "batch": str(unit.batch),
        "joined_on": "",
        **clerk_profile(),
    }
    return {**data, **overrides}


def test_clerk_edits_head_contact_and_population(client, clerk_a, unit_a):
    client.force_login(clerk_a)

    response = client.post(edit_url(unit_a), clerk_profile())

    assert response.status_code == 302
    assert response["Location"] == unit_a.get_absolute_url()
    unit_a.refresh_from_db()
    assert (unit_a.head_name, unit_a.contact_name, unit_a.contact_phone) == (
        "李镇长",
        "王联络",
        "010-6988 1234",
    )
    assert (unit_a.population, unit_a.population_year) == (42000, 2024)


def test_clerk_form_does_not_offer_name_kind_or_pilot(client, clerk_a, unit_a):
    client.force_login(clerk_a)

    form = client.get(edit_url(unit_a)).context["form"]

    assert {"name", "kind", "is_pilot", "batch", "name_confirmed"}.isdisjoint(form.fields)
    assert {"head_name", "contact_name", "contact_phone", "population"} <= set(form.fields)


def test_clerk_posting_a_name_changes_nothing_but_the_profile(client, clerk_a, unit_a):
    client.force_login(clerk_a)

    client.post(edit_url(unit_a), clerk_profile(name="改名镇", kind="zone", is_pilot="on"))

    unit_a.refresh_from_db()
    assert (unit_a.name, unit_a.kind, unit_a.is_pilot) == ("甲镇", "town", False)
    assert unit_a.head_name == "李镇长"


def test_district_renames_a_unit(client, district_user, unit_a):
    client.force_login(district_user)

    response = client.post(edit_url(unit_a), district_profile(unit_a, name="甲新镇", is_pilot="on"))

    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert (unit_a.name, unit_a.is_pilot) == ("甲新镇", True)


@pytest.mark.parametrize(
    ("persona", "field", "value"),
    [
        ("clerk_a", "population", "-5"),
        ("clerk_a", "population", "很多"),
        ("clerk_a", "contact_phone", "call me maybe"),
        ("clerk_a", "population_year", "1800"),
        ("district_user", "name", ""),
        ("district_user", "name", "   "),
        ("district_user", "population", "-1"),
        ("district_user", "batch", "0"),
    ],
)
def test_bad_profile_input_is_shown_at_the_field_and_saves_nothing(
    client, request, unit_a, persona, field, value
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    data = clerk_profile() if persona == "clerk_a" else district_profile(unit_a)
    data[field] = value
    before = CreatingUnit.objects.filter(pk=unit_a.pk).values().get()

    response = client.post(edit_url(unit_a), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert CreatingUnit.objects.filter(pk=unit_a.pk).values().get() == before


# --- history ----------------------------------------------------------------------------------


def test_history_lists_the_edit_with_who_and_what(english, clerk_a, unit_a):
    english.force_login(clerk_a)
    english.post(edit_url(unit_a), clerk_profile(head_name="新镇长"))

    response = english.get(reverse("programs:unit-history", args=[unit_a.code]))

    assert response.status_code == 200
    latest = response.context["changes"][0]
    assert latest.who == clerk_a
    assert latest.action == "Changed"
    fields = {change.field: (change.old, change.new) for change in latest.changes}
    assert fields["administrative head"] == ("—", "新镇长")
    assert fields["population"] == (30000, 42000)
    html = response.content.decode()
    assert "clerk_a" in html and "新镇长" in html and "administrative head" in html
