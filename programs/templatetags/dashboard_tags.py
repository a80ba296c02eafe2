"""The programme's headline numbers outside the dashboard: on the Django admin's index."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from programs.overview.selectors.dashboard import headline_numbers

register = template.Library()


@register.inclusion_tag("admin/portal_headlines.html", takes_context=True)
def admin_headlines(context: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's headline numbers over the units the signed-in user may see, each
    linking to its page, and a link to the dashboard; a fixed number of queries."""
    user = context["request"].user
    return {
        "headlines": headline_numbers(user),
        "dashboard_url": reverse("programs:dashboard"),
    }
