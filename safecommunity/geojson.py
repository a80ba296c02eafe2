"""Reading an uploaded GeoJSON file of areas (RFC 7946), in plain Python — no GDAL.

`read_areas(data)` accepts a FeatureCollection whose every feature names its area by a property
(`code`, else `unit`) and has a Polygon or MultiPolygon geometry: rings of at least 4 positions,
closed (the last repeats the first), each position numbers [longitude, latitude] (an altitude
may follow) inside China's bounds (longitude 73–136, latitude 3–54: a file in another projection,
or with longitude and latitude swapped, lands outside). Anything else raises `GeoJSONRefused`
with every problem found, one per feature at most, each naming its feature ("feature 3 (U01):
ring 1 is not closed"). What the areas' codes mean is the caller's business.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from safecommunity.errors import DomainError

#: China's extent, with a margin: longitude 73–136 °E, latitude 3–54 °N.
LONGITUDES = (73.0, 136.0)
LATITUDES = (3.0, 54.0)
CODE_PROPERTIES = ("code", "unit")
AREA_TYPES = ("Polygon", "MultiPolygon")
#: At most this many problems are listed; the rest are counted.
PROBLEMS_SHOWN = 20

NOT_JSON = _("The file is not JSON text in UTF-8 (%(error)s).")
NOT_FEATURE_COLLECTION = _(
    'The file is not a GeoJSON FeatureCollection: it needs "type": "FeatureCollection" and '
    'a list of "features".'
)
NO_FEATURES = _("The file holds no feature.")
FEATURE_NOT_FEATURE = _("Feature %(n)s is not a GeoJSON Feature with properties and a geometry.")
FEATURE_NO_CODE = _(
    'Feature %(n)s names no unit: give its unit code as the property "code" (or "unit").'
)
FEATURE_DUPLICATE = _("Feature %(n)s: %(code)s already has its boundary in feature %(first)s.")
GEOMETRY_TYPE = _(
    "Feature %(n)s (%(code)s): the geometry is %(type)s; only Polygon and MultiPolygon are "
    "accepted."
)
COORDINATES_SHAPE = _(
    "Feature %(n)s (%(code)s): the coordinates are not lists of rings of positions."
)
POSITION_NOT_NUMBERS = _(
    "Feature %(n)s (%(code)s): ring %(ring)s, position %(position)s is not a pair of numbers "
    "[longitude, latitude]."
)
POSITION_OUTSIDE_CHINA = _(
    "Feature %(n)s (%(code)s): ring %(ring)s, position %(position)s (%(lon)s, %(lat)s) lies "
    "outside China (longitude 73–136, latitude 3–54); are longitude and latitude swapped, or is "
    "the file in another projection?"
)
RING_TOO_SHORT = _(
    "Feature %(n)s (%(code)s): ring %(ring)s has %(count)s positions; a ring needs at least 4."
)
RING_NOT_CLOSED = _(
    "Feature %(n)s (%(code)s): ring %(ring)s is not closed (its last position must repeat its "
    "first)."
)
MORE_PROBLEMS = ngettext_lazy(
    "… and %(count)s more problem.", "… and %(count)s more problems.", "count"
)


class GeoJSONRefused(DomainError):
    """A file of areas the portal does not take: `problems` lists why, feature by feature."""

    def __init__(self, message: Any, problems: list[str] | None = None, **params: Any) -> None:
        super().__init__(message, **params)
        self.problems = problems or [str(self)]


@dataclass(frozen=True)
class Area:
    """One feature of the file: its number (from 1), its code and its geometry as given."""

    number: int
    code: str
    geometry: dict[str, Any]


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def read_areas(data: bytes) -> list[Area]:
    """The file's areas, in its order; `GeoJSONRefused` when anything is wrong with it."""
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise GeoJSONRefused(NOT_JSON, error=str(error)[:200]) from None
    if (
        not isinstance(document, dict)
        or document.get("type") != "FeatureCollection"
        or not isinstance(document.get("features"), list)
    ):
        raise GeoJSONRefused(NOT_FEATURE_COLLECTION)
    if not document["features"]:
        raise GeoJSONRefused(NO_FEATURES)

    areas: list[Area] = []
    problems: list[str] = []
    first_of: dict[str, int] = {}
    for number, feature in enumerate(document["features"], start=1):
        problem = feature_problem(number, feature, first_of)
        if problem:
            problems.append(problem)
            continue
        code = feature_code(feature)
        first_of[code] = number
        areas.append(Area(number, code, feature["geometry"]))
    if problems:
        raise refusal(problems)
    return areas


def refusal(problems: list[str]) -> GeoJSONRefused:
    """One error listing the first problems and counting the rest."""
    shown = problems[:PROBLEMS_SHOWN]
    if len(problems) > PROBLEMS_SHOWN:
        shown.append(str(MORE_PROBLEMS % {"count": len(problems) - PROBLEMS_SHOWN}))
    return GeoJSONRefused(shown[0], problems=shown)


def feature_code(feature: dict[str, Any]) -> str:
    properties = feature.get("properties") or {}
    for name in CODE_PROPERTIES:
        value = properties.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def feature_problem(number: int, feature: Any, first_of: dict[str, int]) -> str:
    """What is wrong with one feature ("" when nothing is): the first problem found."""
    if (
        not isinstance(feature, dict)
        or feature.get("type") != "Feature"
        or not isinstance(feature.get("properties"), dict)
        or not isinstance(feature.get("geometry"), dict)
    ):
        return str(FEATURE_NOT_FEATURE % {"n": number})
    code = feature_code(feature)
    if not code:
        return str(FEATURE_NO_CODE % {"n": number})
    if code in first_of:
        return str(FEATURE_DUPLICATE % {"n": number, "code": code, "first": first_of[code]})
    geometry = feature["geometry"]
    kind = geometry.get("type")
    where = {"n": number, "code": code}
    if kind not in AREA_TYPES:
        return str(GEOMETRY_TYPE % (where | {"type": str(kind)[:40]}))
    polygons = [geometry.get("coordinates")]
    if kind == "MultiPolygon":
        polygons = geometry.get("coordinates")
        if not isinstance(polygons, list) or not polygons:
            return str(COORDINATES_SHAPE % where)
    rings: list[Any] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return str(COORDINATES_SHAPE % where)
        rings += polygon
    for ring_number, ring in enumerate(rings, start=1):
        problem = ring_problem(ring, where | {"ring": ring_number})
        if problem:
            return problem
    return ""


def ring_problem(ring: Any, where: dict[str, Any]) -> str:
    if not isinstance(ring, list):
        return str(COORDINATES_SHAPE % where)
    if len(ring) < 4:
        return str(RING_TOO_SHORT % (where | {"count": len(ring)}))
    for position_number, position in enumerate(ring, start=1):
        at = where | {"position": position_number}
        if not is_position(position):
            return str(POSITION_NOT_NUMBERS % at)
        lon, lat = position[0], position[1]
        if not (LONGITUDES[0] <= lon <= LONGITUDES[1] and LATITUDES[0] <= lat <= LATITUDES[1]):
            return str(POSITION_OUTSIDE_CHINA % (at | {"lon": lon, "lat": lat}))
    if ring[0][:2] != ring[-1][:2]:
        return str(RING_NOT_CLOSED % where)
    return ""


def is_position(position: Any) -> bool:
    """[longitude, latitude] (and an optional altitude), finite numbers."""
    return (
        isinstance(position, list)
        and len(position) in (2, 3)
        and all(
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            for value in position
        )
    )
