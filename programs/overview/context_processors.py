"""The navigation's counts of what waits for review, for those who review (district staff and
administrators), and the districts of the city menu, for those who see every district (the city
office and administrators): read lazily — one query on a page that shows them (the districts
shared with the pages' district filters, `User.visible_districts`), none elsewhere and none
for anybody else."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

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
    return {"city_districts": SimpleLazyObject(lambda: user.visible_districts)}
