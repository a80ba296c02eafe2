"""The Jinja2 environment of the few templates that print many rows fast (the dashboard's
table: 400 rows × 40 values, where Django's template engine costs more than the page's SQL).

Markup stays in templates, autoescaped; what Django marks safe (`SafeString`, through
`__html__`) is printed as is, and everything else is escaped by Django's own `escape`, so a
row prints byte for byte what the Django template printed. Jinja2 templates live in an app's
`jinja2/` folder and are rendered with `engines["jinja2"]`; pages stay Django templates."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from jinja2 import Environment
from markupsafe import Markup


def _as_django_prints(value: Any) -> Any:
    if hasattr(value, "__html__"):
        return value
    return Markup(escape(value))


def environment(**options: Any) -> Environment:
    return Environment(finalize=_as_django_prints, **options)
