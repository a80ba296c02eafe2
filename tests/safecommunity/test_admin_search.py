"""Every admin change list's search — the portal's and those of auth and axes — is at most 200
characters: a longer one (50,000 characters made SQLite refuse the query) is a 400 page that
says why, and changes nothing."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from programs.models import CreatingUnit

SEARCHABLE = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model, model_admin in admin.site._registry.items()
    if model_admin.search_fields
)


@pytest.fixture
def administrator(client, admin_user):
    client.cookies["django_language"] = "en"
    client.force_login(admin_user)
    return client


def changelist(app_label: str, model_name: str) -> str:
    return reverse(f"admin:{app_label}_{model_name}_changelist")


@pytest.mark.parametrize(
    ("app_label", "model_name"), SEARCHABLE, ids=[".".join(pair) for pair in SEARCHABLE]
)
def test_a_search_past_200_characters_is_a_bad_request_that_says_why(
    administrator, unit_a, app_label, model_name
):
    before = list(CreatingUnit.objects.values_list("pk", "code", "name"))

    response = administrator.get(changelist(app_label, model_name), {"q": "安 " * 25_000})

    assert response.status_code == 400
    assert (
        "A search may be at most 200 characters long (this one has 50000)."
        in response.content.decode()
    )
    assert list(CreatingUnit.objects.values_list("pk", "code", "name")) == before


def test_a_search_of_200_characters_is_answered(administrator, unit_a):
    response = administrator.get(changelist("programs", "creatingunit"), {"q": "甲" * 200})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_the_autocomplete_search_has_the_same_limit(administrator, unit_a):
    response = administrator.get(
        reverse("admin:autocomplete"),
        {
            "term": "甲" * 201,
            "app_label": "workgroups",
            "model_name": "workgroup",
            "field_name": "unit",
        },
    )

    assert response.status_code == 400
