"""`{% stats_table table %}`: a statistics table printed by Jinja2
(`injuries/jinja2/injuries/stats_table.html`), as the Django include printed it."""

from __future__ import annotations

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from injuries.selectors.tables import Table
from safecommunity.numbers import shown

register = template.Library()


def half_up(value: object) -> str:
    """The `half_up` filter's printing (`safecommunity.numbers.shown`): "" for what is not a
    number."""
    try:
        return shown(value)
    except (TypeError, ValueError, ArithmeticError):
        return ""


@register.simple_tag
def stats_table(table: Table) -> SafeString:
    printed = engines["jinja2"].get_template("injuries/stats_table.html")
    # The template escaped every value it printed (safecommunity/jinja2.py).
    return mark_safe(printed.render({"table": table, "half_up": half_up}))
