"""A district's map of its units (`district_map_data` and `programs/overview/district_map.html`,
for the district's page): the units' stored boundaries with their phase and title in force,
only the units the user may see; without boundaries, how to add them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from programs.models import UnitBoundary, User
from programs.overview.selectors.district_map import (
    PHASE_COLOURS,
    TITLE_BORDER,
    district_map_data,
)
from tests.factories import (
    CertificationFactory,
    DistrictFactory,
    PhaseFactory,
    UnitFactory,
    UserFactory,
)

SQUARE = [[116.60, 40.10], [116.62, 40.10], [116.62, 40.12], [116.60, 40.12], [116.60, 40.10]]


def outline(dx: float = 0.0) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon + dx, lat] for lon, lat in SQUARE]]}


@pytest.fixture
def shunyi(db):
    """顺义区: S01 in phase 2 holding a title, S02 with no phase, its title expired; S03 with no
    boundary. 怀柔区's H01 has a boundary too."""
    district = DistrictFactory(code="110113", name="顺义区")
    phase = PhaseFactory(program__code="sy", program__district=district, order=2, name="创建实施")
    s1 = UnitFactory(code="S01", name="胜利街道", program=phase.program, current_phase=phase)
    s2 = UnitFactory(code="S02", name="光明街道", program=phase.program)
    UnitFactory(code="S03", name="仁和镇", program=phase.program)
    CertificationFactory(unit=s1)
    today = timezone.localdate()
    CertificationFactory(
        unit=s2, named_on=today - timedelta(days=800), valid_until=today - timedelta(days=1)
    )
    UnitBoundary.objects.create(unit=s1, geometry=outline())
    UnitBoundary.objects.create(unit=s2, geometry=outline(0.05))
    huairou = DistrictFactory(code="110116", name="怀柔区")
    h1 = UnitFactory(code="H01", program__code="hr", program__district=huairou)
    UnitBoundary.objects.create(unit=h1, geometry=outline(0.2))
    return district


def render(district_map, **context) -> str:
    return render_to_string(
        "programs/overview/district_map.html", {"district_map": district_map, **context}
    )


def test_the_map_holds_each_visible_units_boundary_with_its_phase_and_title(shunyi):
    city = UserFactory(role=User.Role.CITY)

    with translation.override("zh-hans"):
        data = district_map_data(shunyi, city)

    assert data.map_name == "district-110113"
    assert data.collection["type"] == "FeatureCollection"
    by_code = {f["properties"]["code"]: f for f in data.collection["features"]}
    assert set(by_code) == {"S01", "S02"}
    s1 = by_code["S01"]
    assert s1["geometry"] == outline()
    assert s1["properties"]["name"] == "S01" and s1["properties"]["label"] == "胜利街道"
    assert s1["properties"]["phase"].endswith("创建实施")
    assert s1["properties"]["title"] and s1["properties"]["colour"] == PHASE_COLOURS[2]
    assert s1["properties"]["url"] == reverse("programs:unit-detail", args=["S01"])
    assert by_code["S02"]["properties"]["title"] == ""  # expired
    assert by_code["S02"]["properties"]["colour"] == PHASE_COLOURS[0]
    assert data.without_boundary == ["仁和镇"]
    assert [entry.colour for entry in data.legend] == [
        PHASE_COLOURS[0],
        PHASE_COLOURS[2],
        TITLE_BORDER,
    ]


def test_a_clerk_sees_only_their_own_units_boundary(shunyi):
    clerk = UserFactory(role=User.Role.CLERK, unit=shunyi.units.get(code="S02"))

    data = district_map_data(shunyi, clerk)

    assert [f["properties"]["code"] for f in data.features] == ["S02"]


def test_staff_of_another_district_get_nothing_of_it(shunyi):
    other = UserFactory(role=User.Role.DISTRICT, district=DistrictFactory(code="110116"))

    data = district_map_data(shunyi, other)

    assert data.features == [] and data.without_boundary == []
    assert "S01" not in render(data) and "胜利街道" not in render(data)


def test_the_snippet_embeds_the_collection_under_the_districts_own_names(shunyi):
    city = UserFactory(role=User.Role.CITY)
    data = district_map_data(shunyi, city)

    html = render(data)

    assert 'data-district-map="district-map-data-110113"' in html
    embedded = html.split('<script id="district-map-data-110113" type="application/json">')[1]
    chart = json.loads(embedded.split("</script>")[0])
    assert chart["mapName"] == "district-110113"
    drawn = chart["geojson"]["features"]
    assert [f["properties"]["code"] for f in drawn] == ["S02", "S01"]  # the titled unit last
    assert sorted(drawn, key=lambda f: f["properties"]["code"]) == data.collection["features"]
    assert "js/district-map.js" in html and "vendor/echarts/echarts.min.js" in html
    assert "js/district-map.js" not in render(data, map_scripts=False)
    assert "仁和镇" in html  # named as still without a boundary


def test_without_boundaries_the_snippet_says_how_to_add_them(db, client):
    district = DistrictFactory(code="110116", name="怀柔区")
    UnitFactory(code="H01", program__code="hr", program__district=district)
    staff = UserFactory(role=User.Role.DISTRICT, district=district, is_staff=True)
    clerk = UserFactory(role=User.Role.CLERK, unit=district.units.get())

    with translation.override("en"):
        for_staff = render(district_map_data(district, staff))
        for_clerk = render(district_map_data(district, clerk))

    assert "Administration → Districts → this district → Upload unit boundaries" in for_staff
    upload = reverse("admin:programs_district_boundaries", args=[district.pk])
    assert f'href="{upload}"' in for_staff
    assert "Upload unit boundaries" in for_clerk and upload not in for_clerk
    assert "data-district-map" not in for_staff


@pytest.mark.parametrize("units", [2, 6])
def test_the_map_reads_one_query_whatever_the_units(db, django_assert_num_queries, units):
    district = DistrictFactory(code="110116", name="怀柔区")
    for n in range(units):
        unit = UnitFactory(code=f"H{n:02d}", program__code="hr", program__district=district)
        CertificationFactory(unit=unit)
        UnitBoundary.objects.create(unit=unit, geometry=outline(n / 10))
    city = UserFactory(role=User.Role.CITY)

    with django_assert_num_queries(1):
        data = district_map_data(district, city)

    assert len(data.features) == units
