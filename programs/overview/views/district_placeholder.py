"""PLACEHOLDER — dropped at merge: the district page is built on another branch. Here only so
that `District.get_absolute_url` (`programs:district-detail`) can be reversed and followed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from programs.core.models import District
from safecommunity.scoping import scoped_object


def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = scoped_object(request, District, code=code)
    return HttpResponse(district.label)
