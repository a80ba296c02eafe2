"""The report card's plausibility checks (standards §4.2.3): warnings, not errors.

A traffic crash off the road or a drowning without whole-body injury is unusual but possible, so
the form asks the user to confirm and an import reports the rows; neither refuses them. Each
check reads plain values, so the form, the import and the tests use the same code; an import
asks each check once per distinct combination of the fields it reads (`column_warnings`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, count
from typing import Any

from django.utils.translation import gettext_lazy as _

from injuries.choices import Activity, BodyPart, Cause, Nature, Place


@dataclass(frozen=True)
class Check:
    """A rule a plausible record keeps; `field` is where the form shows the warning."""

    code: str
    field: str
    message: Any
    holds: Callable[[Mapping[str, Any]], bool]
    reads: tuple[str, ...]  # the fields `holds` reads


def _dates_in_order(row: Mapping[str, Any]) -> bool:
    """The visit comes after the injury, to the minute when both times are known."""
    injured, visited = row.get("injury_date"), row.get("visit_date")
    if injured is None or visited is None or visited != injured:
        return injured is None or visited is None or visited > injured
    injured_time, visit_time = row.get("injury_time"), row.get("visit_time")
    return injured_time is None or visit_time is None or visit_time >= injured_time


def _traffic_on_road(row: Mapping[str, Any]) -> bool:
    return row.get("cause") not in Cause.traffic() or row.get("place") == Place.ROAD


def _traffic_in_vehicle(row: Mapping[str, Any]) -> bool:
    return row.get("cause") not in Cause.traffic() or row.get("activity") in {
        Activity.DRIVING,
        Activity.WALKING,
    }


def _whole_body(row: Mapping[str, Any]) -> bool:
    return row.get("cause") not in Cause.whole_body() or row.get("body_part") == BodyPart.WHOLE_BODY


def _burn_nature(row: Mapping[str, Any]) -> bool:
    return row.get("cause") != Cause.BURN or row.get("nature") == Nature.BURN


CHECKS = [
    Check(
        "dates",
        "visit_date",
        _("The visit is recorded before the injury."),
        _dates_in_order,
        ("injury_date", "injury_time", "visit_date", "visit_time"),
    ),
    Check(
        "traffic-place",
        "place",
        _("A traffic crash usually happens on a road or street."),
        _traffic_on_road,
        ("cause", "place"),
    ),
    Check(
        "traffic-activity",
        "activity",
        _("A person hurt in a traffic crash was usually driving, riding or walking."),
        _traffic_in_vehicle,
        ("cause", "activity"),
    ),
    Check(
        "whole-body",
        "body_part",
        _("Suffocation, drowning and poisoning usually injure the whole body."),
        _whole_body,
        ("cause", "body_part"),
    ),
    Check(
        "burn-nature",
        "nature",
        _("A burn or scald usually has the nature “burn”."),
        _burn_nature,
        ("cause", "nature"),
    ),
]


def record_warnings(row: Mapping[str, Any]) -> list[Check]:
    """The checks a record's values (field name → value) do not pass."""
    return [check for check in CHECKS if not check.holds(row)]


def column_warnings(columns: Mapping[str, Sequence[Any]]) -> dict[int, list[Check]]:
    """The checks each row does not pass, for rows given by column (field name → a value per
    row): row index → the checks, in their order. Each check is asked once per distinct
    combination of the fields it reads (a few hundred codes, not a hundred thousand rows)."""
    warned: dict[int, list[Check]] = {}
    for check in CHECKS:
        combos = list(zip(*(columns[name] for name in check.reads), strict=True))
        failing = {
            combo
            for combo in set(combos)
            if not check.holds(dict(zip(check.reads, combo, strict=True)))
        }
        if failing:
            for row in compress(count(), map(failing.__contains__, combos)):
                warned.setdefault(row, []).append(check)
    return warned
