"""The Jinja2 environment of the row templates escapes every printed value as Django's
templates do — markup, quotes, ampersands, in text and in attributes — and prints what Django
marks safe as it is."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils.safestring import mark_safe

VALUES = [
    '<script>alert("x")</script>',
    'Zone "<b>" & co\'s',
    "胜利街道",
    42,
    None,
    mark_safe('<span class="badge">已通过</span>'),
]


@pytest.mark.parametrize("value", VALUES)
def test_a_row_template_prints_a_value_as_a_django_template_does(value):
    source = '<td title="{{ value }}">{{ value }}</td>{{ row.name }}'
    context = {"value": value, "row": {"name": value}}

    printed = engines["jinja2"].from_string(source).render(context)

    assert printed == engines["django"].from_string(source).render(context)
