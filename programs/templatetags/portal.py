"""Template helpers used across the portal's pages."""

from __future__ import annotations

from django import forms, template
from django.http import QueryDict
from django.utils.html import format_html

from safecommunity.money import shown_yuan
from safecommunity.numbers import PERCENT_PLACES, shown

register = template.Library()

PHASE_COLOURS = {1: "secondary", 2: "primary", 3: "warning", 4: "success"}


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str) -> str:
    """A column header that sorts the list by `key`, and reverses on a second click."""
    params: QueryDict = context["request"].GET.copy()
    current = params.get("sort", "")
    descending = current == key
    params["sort"] = f"-{key}" if descending else key
    params.pop("page", None)
    icon = ""
    if current in (key, f"-{key}"):
        icon = "bi-sort-down" if current.startswith("-") else "bi-sort-up"
    return format_html(
        '<a class="sort-link" href="?{}">{}{}</a>',
        params.urlencode(),
        label,
        format_html(' <i class="bi {}" aria-hidden="true"></i>', icon) if icon else "",
    )


@register.filter
def phase_colour(order: int | None) -> str:
    return PHASE_COLOURS.get(order or 0, "light")


@register.inclusion_tag("includes/phase_badge.html")
def phase_badge(phase) -> dict:
    return {"phase": phase, "colour": PHASE_COLOURS.get(getattr(phase, "order", 0), "light")}


MILESTONE_COLOURS = {
    "not_started": "light text-body-secondary border",
    "in_progress": "info",
    "submitted": "primary",
    "accepted": "success",
    "returned": "danger",
}
TITLE_COLOURS = {
    "applied": "secondary",
    "review": "info",
    "onsite": "primary",
    "rectify": "warning",
    "named": "success",
    "expired": "dark",
    "revoked": "dark",
}


@register.inclusion_tag("includes/status_badge.html")
def milestone_status(item) -> dict:
    return {
        "label": item.get_status_display(),
        "colour": MILESTONE_COLOURS.get(item.status, "light"),
    }


@register.inclusion_tag("includes/status_badge.html")
def title_status(certification) -> dict:
    return {
        "label": certification.get_status_display(),
        "colour": TITLE_COLOURS.get(certification.status, "light"),
    }


@register.inclusion_tag("includes/due_badge.html")
def due_badge(item, today) -> dict:
    """The due date with its band: overdue (red), due within 14 days (amber) or plain."""
    band = getattr(item, "band", None) or item.due_band(today)
    days = (item.due_date - today).days if item.due_date else None
    return {"item": item, "band": band, "days": days, "late": -days if days is not None else None}


@register.filter
def half_up(value, places: int = PERCENT_PLACES) -> str:
    """A percentage or rate as the portal prints it: rounded half up (四舍五入) to `places`
    decimals, always that many — `{{ change|half_up }}` → 35.5, `{{ x|half_up:0 }}` → 36; "" for
    None. The one rule of `safecommunity.numbers`; never `floatformat` on a computed share."""
    try:
        return shown(value, int(places))
    except (TypeError, ValueError, ArithmeticError):
        return ""


@register.filter
def yuan(fen: int | None) -> str:
    """An amount in fen as a page prints it in yuan: 1,234.56 (`safecommunity.money`)."""
    return shown_yuan(fen)
