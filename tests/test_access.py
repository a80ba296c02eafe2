"""Who reaches which page: every URL name of the portal's pages × every persona.

Each row of `MATRIX` is one URL name with the answer each persona gets. A URL added to
`programs` or `workgroups` without a row here fails `test_every_url_name_is_in_the_matrix`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from programs.models import CreatingUnit
from tests.factories import MemberFactory, WorkGroupFactory
from workgroups.models import Member, WorkGroup

LOGIN = "login"  # anonymous: 302 to the login page, with ?next= pointing back
PERSONAS = ("anonymous", "district_user", "clerk_a", "clerk_b", "provider", "evaluator")

# Which object of unit A the URL names: None, "unit" (its code), "group", "dropped" (a dropped
# group), "member".
# fmt: off
MATRIX: list[tuple[str, str, str | None, tuple[int | str, ...]]] = [
    # url name                         method  object      anon   dist clk_a clk_b prov  eval
    ("home",                           "get",  None,      (LOGIN, 302, 302,  302,  302,  302)),
    ("login",                          "get",  None,      (200,   302, 302,  302,  302,  302)),
    ("logout",                         "post", None,      (LOGIN, 302, 302,  302,  302,  302)),
    ("set_language",                   "post", None,      (302,   302, 302,  302,  302,  302)),
    ("programs:unit-list",             "get",  None,      (LOGIN, 200, 200,  200,  200,  200)),
    ("programs:program-overview",      "get",  None,      (LOGIN, 200, 200,  200,  200,  200)),
    ("programs:unit-detail",           "get",  "unit",    (LOGIN, 200, 200,  404,  200,  404)),
    ("programs:unit-history",          "get",  "unit",    (LOGIN, 200, 200,  404,  200,  404)),
    ("programs:unit-edit",             "get",  "unit",    (LOGIN, 200, 200,  404,  404,  404)),
    ("workgroups:group-add",           "get",  "unit",    (LOGIN, 200, 200,  404,  404,  404)),
    ("workgroups:group-add-custom",    "get",  "unit",    (LOGIN, 200, 200,  404,  404,  404)),
    ("workgroups:group-edit",          "get",  "group",   (LOGIN, 200, 200,  404,  404,  404)),
    ("workgroups:group-drop",          "get",  "group",   (LOGIN, 200, 200,  404,  404,  404)),
    ("workgroups:group-restore",       "post", "dropped", (LOGIN, 302, 302,  404,  404,  404)),
    ("workgroups:member-add",          "get",  "unit",    (LOGIN, 200, 200,  404,  404,  404)),
    ("workgroups:member-edit",         "get",  "member",  (LOGIN, 200, 200,  404,  404,  404)),
    ("workgroups:member-delete",       "get",  "member",  (LOGIN, 200, 200,  404,  404,  404)),
]
# fmt: on

# The edit URLs again, with the POST that would change something if it got through.
EDIT_POSTS: list[tuple[str, str, dict[str, str]]] = [
    ("programs:unit-edit", "unit", {"head_name": "入侵者", "population": "1"}),
    ("workgroups:group-add", "unit", {"templates": "1"}),
    ("workgroups:group-add-custom", "unit", {"name": "入侵组", "sort_order": "1"}),
    ("workgroups:group-edit", "group", {"name": "入侵组", "sort_order": "1"}),
    ("workgroups:group-drop", "group", {}),
    ("workgroups:group-restore", "dropped", {}),
    ("workgroups:member-add", "unit", {"body": "committee", "name": "入侵者", "role": "member"}),
    ("workgroups:member-edit", "member", {"body": "committee", "name": "入侵者", "role": "member"}),
    ("workgroups:member-delete", "member", {}),
]


@dataclass
class UnitA:
    unit: CreatingUnit
    group: WorkGroup
    dropped: WorkGroup
    member: Member

    def args_for(self, target: str | None) -> list:
        return {
            None: [],
            "unit": [self.unit.code],
            "group": [self.group.pk],
            "dropped": [self.dropped.pk],
            "member": [self.member.pk],
        }[target]

    def snapshot(self) -> tuple:
        """Everything a stray POST could change in unit A."""
        return (
            tuple(
                CreatingUnit.objects.filter(pk=self.unit.pk).values_list("head_name", "population")
            ),
            tuple(
                WorkGroup.objects.filter(unit=self.unit)
                .order_by("pk")
                .values_list("name", "status")
            ),
            tuple(Member.objects.filter(unit=self.unit).order_by("pk").values_list("name", "body")),
        )


@pytest.fixture
def unit_a_world(unit_a, unit_b) -> UnitA:
    group = WorkGroupFactory(unit=unit_a, name="宣传教育组")
    dropped = WorkGroupFactory(
        unit=unit_a, name="已撤销组", status=WorkGroup.Status.DROPPED, dropped_at=timezone.now()
    )
    member = MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=group, name="张三")
    return UnitA(unit=unit_a, group=group, dropped=dropped, member=member)


@pytest.fixture
def persona(request, client):
    """The persona named by the test's parameter, signed in (anonymous stays signed out)."""
    name = request.param
    if name != "anonymous":
        client.force_login(request.getfixturevalue(name))
    return name


def _cases():
    for name, method, target, expected in MATRIX:
        for persona_name, status in zip(PERSONAS, expected, strict=True):
            yield pytest.param(
                name, method, target, persona_name, status, id=f"{name}-{persona_name}"
            )


@pytest.mark.parametrize(
    ("name", "method", "target", "persona", "expected"), _cases(), indirect=["persona"]
)
def test_access_matrix(client, unit_a_world, name, method, target, persona, expected):
    url = reverse(name, args=unit_a_world.args_for(target))
    response = getattr(client, method)(url)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{persona} {method.upper()} {url}"


@pytest.mark.parametrize("persona", ["clerk_b", "provider", "evaluator"], indirect=True)
@pytest.mark.parametrize(("name", "target", "data"), EDIT_POSTS, ids=[row[0] for row in EDIT_POSTS])
def test_outsiders_cannot_change_unit_a_by_posting(
    client, unit_a_world, persona, name, target, data
):
    before = unit_a_world.snapshot()

    response = client.post(reverse(name, args=unit_a_world.args_for(target)), data)

    assert response.status_code == 404
    assert unit_a_world.snapshot() == before


def test_clerk_a_cannot_reach_unit_b(client, clerk_a, unit_b):
    client.force_login(clerk_a)

    for name in ("programs:unit-detail", "programs:unit-history", "programs:unit-edit"):
        assert client.get(reverse(name, args=[unit_b.code])).status_code == 404


def test_every_url_name_is_in_the_matrix():
    covered = {name for name, *_rest in MATRIX}
    resolver = get_resolver()
    in_urlconf = set()
    for namespace in ("programs", "workgroups"):
        _prefix, app_resolver = resolver.namespace_dict[namespace]
        in_urlconf |= {f"{namespace}:{p.name}" for p in app_resolver.url_patterns if p.name}

    assert in_urlconf - covered == set(), "add these URL names to MATRIX"
    assert {"home", "login", "logout", "set_language"} <= covered


def test_anonymous_is_sent_to_login_and_back(client, unit_a):
    url = reverse("programs:unit-detail", args=[unit_a.code])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
