"""Units' boundaries: a district's office uploads a GeoJSON FeatureCollection in the admin
(上传单位边界), checked in plain Python and stored all or nothing, one boundary per unit; a new
file replaces the district's earlier ones."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import FileField
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from programs.core import errors
from programs.core.services import unit_boundaries_replace
from programs.models import UnitBoundary, User
from safecommunity import geojson
from safecommunity.files import FILE_TOO_LARGE
from safecommunity.geojson import GeoJSONRefused
from tests.database import refused_by_database
from tests.factories import DistrictFactory, UnitFactory, UserFactory

SQUARE = [[116.60, 40.10], [116.62, 40.10], [116.62, 40.12], [116.60, 40.12], [116.60, 40.10]]


def square(dx: float = 0.0) -> list[list[float]]:
    return [[lon + dx, lat] for lon, lat in SQUARE]


def feature(code: str | None, geometry: dict | None = None, key: str = "code") -> dict:
    return {
        "type": "Feature",
        "properties": {} if code is None else {key: code, "name": "whatever"},
        "geometry": geometry or {"type": "Polygon", "coordinates": [square()]},
    }


def collection(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


@pytest.fixture
def shunyi(db):
    district = DistrictFactory(code="110113", name="顺义区")
    UnitFactory(code="S01", program__code="sy", program__district=district)
    UnitFactory(code="S02", program__code="sy", program__district=district)
    return district


@pytest.fixture
def huairou(db):
    district = DistrictFactory(code="110116", name="怀柔区")
    UnitFactory(code="H01", program__code="hr", program__district=district)
    return district


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", "root-pass-123")


def stored() -> dict[str, dict]:
    return {b.unit.code: b.geometry for b in UnitBoundary.objects.select_related("unit")}


def test_a_good_file_stores_one_boundary_per_unit(shunyi, root):
    multi = {"type": "MultiPolygon", "coordinates": [[square()], [square(0.1)]]}
    data = collection(feature("S01"), feature("S02", multi, key="unit"))

    assert unit_boundaries_replace(district=shunyi, data=data, by=root) == 2

    assert stored() == {"S01": {"type": "Polygon", "coordinates": [square()]}, "S02": multi}
    boundary = UnitBoundary.objects.get(unit__code="S01")
    assert boundary.uploaded_by == root and boundary.uploaded_at is not None


def test_a_new_file_replaces_the_districts_boundaries_and_leaves_other_districts_alone(
    shunyi, huairou, root
):
    unit_boundaries_replace(district=huairou, data=collection(feature("H01")), by=root)
    unit_boundaries_replace(
        district=shunyi, data=collection(feature("S01"), feature("S02")), by=root
    )

    moved = {"type": "Polygon", "coordinates": [square(0.3)]}
    unit_boundaries_replace(district=shunyi, data=collection(feature("S02", moved)), by=root)

    assert stored() == {"H01": {"type": "Polygon", "coordinates": [square()]}, "S02": moved}


def polygon(*rings) -> dict:
    return {"type": "Polygon", "coordinates": list(rings)}


BAD_FILES = [
    # (what, bytes, the message's start once formatted: a text, or made in the test's language)
    ("not JSON", b"{not json", "The file is not JSON text in UTF-8"),
    ("not UTF-8", "{}".encode("utf-16"), "The file is not JSON text in UTF-8"),
    ("NaN is no JSON number", b'{"type": NaN}', "The file is not JSON text in UTF-8"),
    ("a list", b"[]", lambda: str(geojson.NOT_FEATURE_COLLECTION)),
    (
        "a bare geometry",
        json.dumps(polygon(square())).encode(),
        lambda: str(geojson.NOT_FEATURE_COLLECTION),
    ),
    ("no feature", collection(), lambda: str(geojson.NO_FEATURES)),
    (
        "a feature without geometry",
        collection({"type": "Feature", "properties": {"code": "S01"}, "geometry": None}),
        lambda: str(geojson.FEATURE_NOT_FEATURE % {"n": 1}),
    ),
    ("no code", collection(feature(None)), lambda: str(geojson.FEATURE_NO_CODE % {"n": 1})),
    (
        "a point",
        collection(feature("S01", {"type": "Point", "coordinates": [116.6, 40.1]})),
        lambda: str(geojson.GEOMETRY_TYPE % {"n": 1, "code": "S01", "type": "Point"}),
    ),
    (
        "a ring of three positions",
        collection(feature("S01", polygon(SQUARE[:2] + SQUARE[:1]))),
        lambda: str(geojson.RING_TOO_SHORT % {"n": 1, "code": "S01", "ring": 1, "count": 3}),
    ),
    (
        "an open ring",
        collection(feature("S01", polygon([*SQUARE[:4], [116.61, 40.11]]))),
        lambda: str(geojson.RING_NOT_CLOSED % {"n": 1, "code": "S01", "ring": 1}),
    ),
    (
        "a text coordinate",
        collection(feature("S01", polygon([["116.6", 40.1], *SQUARE[1:]]))),
        lambda: str(
            geojson.POSITION_NOT_NUMBERS % {"n": 1, "code": "S01", "ring": 1, "position": 1}
        ),
    ),
    (
        "longitude and latitude swapped",
        collection(feature("S01", polygon([[lat, lon] for lon, lat in SQUARE]))),
        lambda: str(
            geojson.POSITION_OUTSIDE_CHINA
            % {"n": 1, "code": "S01", "ring": 1, "position": 1, "lon": 40.1, "lat": 116.6}
        ),
    ),
    (
        "web mercator metres",
        collection(feature("S01", polygon([[12_979_000.0, 4_880_000.0]] * 4))),
        "Feature 1 (S01): ring 1, position 1 (12979000.0, 4880000.0) lies outside China",
    ),
    (
        "the same unit twice",
        collection(feature("S01"), feature("S01")),
        lambda: str(geojson.FEATURE_DUPLICATE % {"n": 2, "code": "S01", "first": 1}),
    ),
    (
        "a unit of another district",
        collection(feature("S01"), feature("H01")),
        lambda: str(errors.BOUNDARY_UNIT_ELSEWHERE % {"n": 2, "code": "H01", "district": "顺义区"}),
    ),
    (
        "no such unit",
        collection(feature("S01"), feature("X99")),
        lambda: str(errors.BOUNDARY_UNIT_ELSEWHERE % {"n": 2, "code": "X99", "district": "顺义区"}),
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_changes(
    shunyi, huairou, root, data, message, english
):
    before = collection(feature("S01"), feature("S02"))
    unit_boundaries_replace(district=shunyi, data=before, by=root)
    unit_boundaries_replace(district=huairou, data=collection(feature("H01")), by=root)
    kept = stored()

    with pytest.raises(GeoJSONRefused) as refused:
        unit_boundaries_replace(district=shunyi, data=data, by=root)

    expected = message() if callable(message) else message
    assert refused.value.problems[0].startswith(expected)
    assert stored() == kept


def test_every_bad_feature_is_named_and_the_list_is_cut_after_twenty(shunyi, root):
    data = collection(*[feature(None) for _n in range(25)])

    with pytest.raises(GeoJSONRefused) as refused:
        unit_boundaries_replace(district=shunyi, data=data, by=root)

    problems = refused.value.problems
    assert problems[:2] == [str(geojson.FEATURE_NO_CODE % {"n": n}) for n in (1, 2)]
    assert len(problems) == 21 and problems[-1] == str(geojson.MORE_PROBLEMS % {"count": 5})


def test_only_the_districts_staff_and_administrators_upload_its_boundaries(shunyi, huairou):
    theirs = UserFactory(role=User.Role.DISTRICT, district=huairou)
    city = UserFactory(role=User.Role.CITY)
    clerk = UserFactory(role=User.Role.CLERK, unit=shunyi.units.first())
    own = UserFactory(role=User.Role.DISTRICT, district=shunyi)

    for outsider in (theirs, city, clerk):
        with pytest.raises(errors.DistrictError):
            unit_boundaries_replace(district=shunyi, data=collection(feature("S01")), by=outsider)
    assert unit_boundaries_replace(district=shunyi, data=collection(feature("S01")), by=own) == 1


def test_the_database_keeps_only_polygons(shunyi):
    unit = shunyi.units.first()
    point = {"type": "Point", "coordinates": [116.6, 40.1]}

    with pytest.raises(ValidationError):
        UnitBoundary(unit=unit, geometry=point).full_clean()
    refused_by_database(
        lambda: UnitBoundary.objects.create(unit=unit, geometry=point), "unit_boundary_polygon"
    )
    UnitBoundary(unit=unit, geometry=polygon(square())).full_clean()


# --- the admin's upload page ------------------------------------------------------------------


def upload_url(district) -> str:
    return reverse("admin:programs_district_boundaries", args=[district.pk])


def upload(client, district, data: bytes, name: str = "boundaries.geojson"):
    return client.post(upload_url(district), {"file": SimpleUploadedFile(name, data)})


def test_the_districts_admin_page_links_to_the_upload(english, shunyi, root):
    english.force_login(root)

    html = english.get(reverse("admin:programs_district_change", args=[shunyi.pk])).content

    assert upload_url(shunyi).encode() in html and b"Upload unit boundaries" in html


def test_an_upload_in_the_admin_stores_the_file_and_says_so(english, shunyi, root):
    english.force_login(root)

    response = upload(english, shunyi, collection(feature("S01"), feature("S02")))

    assert response.status_code == 302
    assert set(stored()) == {"S01", "S02"}
    page = english.get(response["Location"]).content.decode()
    assert "2 unit boundaries of 顺义区 stored; the file replaced the earlier ones." in page
    assert "1 unit boundary of" in str(errors.BOUNDARIES_REPLACED % {"count": 1, "district": "x"})


def test_a_refused_upload_in_the_admin_names_the_feature_and_its_problem(english, shunyi, root):
    english.force_login(root)
    upload(english, shunyi, collection(feature("S01")))

    response = upload(
        english, shunyi, collection(feature("S02"), feature("S01", polygon(SQUARE[:3])))
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert str(errors.BOUNDARIES_REFUSED) in html
    assert "Feature 2 (S01): ring 1 has 3 positions; a ring needs at least 4." in html
    assert set(stored()) == {"S01"}


def test_an_empty_or_too_large_file_is_refused_at_the_field(english, shunyi, root, settings):
    english.force_login(root)
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "boundaries": 1024}

    data = collection(*[feature(f"S{n:02d}") for n in range(40)])

    empty = upload(english, shunyi, b"")
    large = upload(english, shunyi, data)

    assert empty.context["form"].errors["file"] == [str(FileField.default_error_messages["empty"])]
    sizes = {"size": filesizeformat(len(data)), "limit": filesizeformat(1024)}
    assert large.context["form"].errors["file"] == [str(FILE_TOO_LARGE % sizes)]
    assert not UnitBoundary.objects.exists()


def test_staff_of_another_district_cannot_open_the_upload(client, shunyi, huairou):
    staff = UserFactory(role=User.Role.DISTRICT, district=huairou, is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_district", "change_district"])
    )
    client.force_login(staff)

    assert client.get(upload_url(shunyi)).status_code == 404
    own = client.get(upload_url(huairou))
    assert own.status_code == 200 and b'id="boundaries-form"' in own.content
