"""The Jinja2 environment of the few templates that print many rows fast (the dashboard's
table: 400 rows × 40 values, where Django's template engine costs more than the page's SQL).

Markup stays in templates. Every value a template prints passes `_as_django_prints`: what
Django marks safe (`SafeString`, through `__html__`) is printed as is, and everything else is
escaped as Django's own `escape` escapes it (`html.escape` of its text), so a row prints byte
for byte what the Django template printed. That is the escaping, so Jinja2's own autoescaping
is off: it would wrap each value, already escaped, in `Markup` twice more, which cost the
dashboard's 400 rows two thirds of their printing. `row.code` reads a dict's key first, as
Django's templates do, and falls back to Jinja2's own lookup (attribute, then item) for
anything else. Jinja2 templates live in an app's `jinja2/` folder and are rendered with
`engines["jinja2"]`; pages stay Django templates."""

from __future__ import annotations

import html
from typing import Any

from jinja2 import Environment


def _as_django_prints(value: Any) -> str:
    """`django.utils.html.escape`, without its lazy-string wrapper, for what is not marked
    safe."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class RowsEnvironment(Environment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        """A dict's key first: the rows are dicts, and Jinja2's attribute-first lookup raises
        and catches an AttributeError for every value printed from one."""
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment(**options: Any) -> Environment:
    # Every printed value is escaped by `_as_django_prints` (see above).
    return RowsEnvironment(**{**options, "autoescape": False}, finalize=_as_django_prints)
