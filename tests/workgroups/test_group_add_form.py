"""Adding standard work groups: a template id no row can have is an invalid choice at the
field, not a server error, and no group is added."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import WorkGroupTemplateFactory
from workgroups.models import WorkGroup

BIG = "9" * 20  # past a 64-bit integer: SQLite cannot even compare with it


@pytest.fixture
def clerk(client, clerk_a):
    client.cookies["django_language"] = "en"
    client.force_login(clerk_a)
    return client


@pytest.mark.parametrize("template_id", [BIG, "0", "-1"])
def test_a_template_id_out_of_range_is_an_invalid_choice(clerk, unit_a, template_id):
    offered = WorkGroupTemplateFactory()

    response = clerk.post(
        reverse("workgroups:group-add", args=[unit_a.code]),
        {"templates": [offered.pk, template_id]},
    )

    message = f"Select a valid choice. {template_id} is not one of the available choices."
    assert response.status_code == 200
    assert response.context["form"].errors["templates"] == [message]
    assert message in response.content.decode()
    assert not WorkGroup.objects.filter(unit=unit_a).exists()
