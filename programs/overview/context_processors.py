"""The navigation's counts of what waits for review, for those who review (district staff and
administrators), and the districts of the city menu, for those who see every district (the city
office and administrators): read lazily — one query on a page that shows them, none elsewhere
and none for anybody else."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from programs.core.models import District
from programs.overview.selectors.todo import review_counts_of


def review_counts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.reviews_units:
        return {}
    return {"review_counts": SimpleLazyObject(lambda: review_counts_of(request))}


def city_districts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.sees_every_district:
        return {}
    districts = SimpleLazyObject(lambda: list(District.objects.visible_to(user).order_by("code")))
    return {"city_districts": districts}
