"""A district's map of its units: each unit's stored boundary (`UnitBoundary`, uploaded in the
District admin) coloured by its phase, its title in force marked, for the district's page.

The page's view calls `district_map_data(district, request.user)` and its template includes
`programs/overview/district_map.html` with `district_map` in its context (see that template).
Only the units the user may see are drawn (`CreatingUnit.objects.visible_to`), their titles
read through `Certification.objects.visible_to`; one query whatever the number of units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.core.choices import TitleLevel
from programs.core.models import CreatingUnit, District, Phase, User
from programs.core.services import may_upload_boundaries
from programs.titles.models import Certification

#: A unit's colour by its phase's order (the dashboard's phase colours); no phase is grey.
PHASE_COLOURS = {0: "#adb5bd", 1: "#0dcaf0", 2: "#0d6efd", 3: "#fd7e14", 4: "#198754"}
TITLE_BORDER = "#b8860b"  # a unit holding a title is outlined in dark gold


def phase_colour(order: int | None) -> str:
    if not order:
        return PHASE_COLOURS[0]
    return PHASE_COLOURS.get(order, PHASE_COLOURS[max(PHASE_COLOURS)])


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    outline: bool = False  # a border of this colour, not a fill


@dataclass
class DistrictMap:
    """What `programs/overview/district_map.html` draws for one district."""

    district: District
    features: list[dict[str, Any]]
    without_boundary: list[str] = field(default_factory=list)  # units shown without an outline
    legend: list[LegendEntry] = field(default_factory=list)
    upload_url: str = ""  # the admin's upload page, for those who may upload

    @property
    def has_boundaries(self) -> bool:
        return bool(self.features)

    @property
    def map_name(self) -> str:
        """The name ECharts registers the district's shapes under: one per district."""
        return f"district-{self.district.code}"

    @property
    def element_id(self) -> str:
        return f"district-map-{self.district.code}"

    @property
    def data_id(self) -> str:
        return f"district-map-data-{self.district.code}"

    @property
    def collection(self) -> dict[str, Any]:
        """The units' boundaries as a GeoJSON FeatureCollection, each feature's properties
        naming the unit (`name` is its code, unique for ECharts), its phase and its title."""
        return {"type": "FeatureCollection", "features": self.features}

    def chart(self) -> dict[str, Any]:
        """The JSON the page embeds (`json_script`) for `static/js/district-map.js`: the units
        holding a title drawn last, so that no neighbour covers their outline."""
        drawn = sorted(self.features, key=lambda feature: bool(feature["properties"]["title"]))
        return {
            "mapName": self.map_name,
            "geojson": {"type": "FeatureCollection", "features": drawn},
            "titleBorder": TITLE_BORDER,
            "labels": {"phase": _("Phase"), "title": _("Title"), "none": _("None")},
        }


def district_map_data(district: District, user: User, today: date | None = None) -> DistrictMap:
    """The district's units the user may see, with their boundaries (one query)."""
    today = today or timezone.localdate()
    best_title = (
        Certification.objects.visible_to(user)
        .held(today)
        .filter(unit=OuterRef("pk"))
        .highest_first()
    )
    units = (
        CreatingUnit.objects.visible_to(user)
        .filter(district=district)
        .select_related("current_phase", "boundary")
        .annotate(title_level=Subquery(best_title.values("level")[:1]))
        .in_plan_order()
    )
    features, without, phases = [], [], {}
    for unit in units:
        boundary = getattr(unit, "boundary", None)
        if boundary is None:
            without.append(unit.name)
            continue
        phase: Phase | None = unit.current_phase
        colour = phase_colour(phase.order if phase else None)
        phases[phase.order if phase else 0] = LegendEntry(
            phase.label if phase else _("No phase"), colour
        )
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": unit.code,
                    "code": unit.code,
                    "label": unit.name,
                    "phase": phase.label if phase else "",
                    "title": TitleLevel(unit.title_level).label if unit.title_level else "",
                    "colour": colour,
                    "url": reverse("programs:unit-detail", args=[unit.code]),
                },
                "geometry": boundary.geometry,
            }
        )
    legend = [phases[order] for order in sorted(phases)]
    if any(f["properties"]["title"] for f in features):
        legend.append(LegendEntry(_("Outlined: holds a title"), TITLE_BORDER, outline=True))
    may_upload = user.is_staff and may_upload_boundaries(user, district)
    return DistrictMap(
        district=district,
        features=features,
        without_boundary=without,
        legend=legend,
        upload_url=reverse("admin:programs_district_boundaries", args=[district.pk])
        if may_upload
        else "",
    )
