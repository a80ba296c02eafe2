"""A district's page (`/districts/<code>/`): the dashboard over that district's units, for those
whose scope holds the district; district staff's own dashboard stays inside their district; the
city office reads every page without a way to change anything."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from programs.models import CreatingUnit, User
from programs.overview.jobs import export_dashboard
from tests.downloads import downloaded, export_record, in_english, run_export
from tests.factories import (
    DistrictFactory,
    PhaseFactory,
    ProgramFactory,
    TargetFactory,
    UnitFactory,
    UserFactory,
)

DASHBOARD = reverse("programs:dashboard")

pytestmark = pytest.mark.usefixtures("english")  # pages and messages in English (msgids)


def page_of(code: str) -> str:
    return reverse("programs:district-detail", args=[code])


@pytest.fixture
def huairou(unit_a):
    """怀柔区 with its programme (one target) and two units; beside it 顺义区 with unit A01 and
    its own target."""
    district = DistrictFactory(code="110116", name="怀柔区")
    TargetFactory(program=unit_a.program, name="顺义目标")
    UnitFactory(code="H01", name="怀北镇", program__code="hr", program__district=district)
    UnitFactory(code="H02", name="雁栖镇", program__code="hr", program__district=district)
    TargetFactory(program=CreatingUnit.objects.get(code="H01").program, name="怀柔目标")
    return district


@pytest.fixture
def city_user(db):
    return UserFactory(username="city", role=User.Role.CITY)


@pytest.fixture
def huairou_staff(huairou):
    return UserFactory(username="huairou", role=User.Role.DISTRICT, district=huairou)


def codes(response) -> list[str]:
    return [row["code"] for row in response.context["board"].rows]


def test_the_city_reads_a_district_page_with_its_units_and_targets_only(client, huairou, city_user):
    client.force_login(city_user)

    response = client.get(page_of("110116"))

    assert response.status_code == 200
    assert codes(response) == ["H01", "H02"]
    board = response.context["board"]
    assert board.program.district == huairou
    assert [series.result.target.name for series in board.targets] == ["怀柔目标"]
    html = response.content.decode()
    assert "怀柔区" in html and "110116" in html
    # the page's own links: the filters' reset and the export stay on the district
    assert f'href="{page_of("110116")}"' in html
    assert reverse("programs:district-export", args=["110116"]) in html


def test_district_staff_read_their_own_district_page(client, huairou, district_user):
    client.force_login(district_user)

    response = client.get(page_of("110113"))

    assert response.status_code == 200
    assert codes(response) == ["A01"]


def test_district_staff_get_404_at_another_districts_page(client, huairou, district_user):
    client.force_login(district_user)

    assert client.get(page_of("110116")).status_code == 404
    export = reverse("programs:district-export", args=["110116"])
    assert client.get(export).status_code == 404


def test_a_clerk_gets_404_at_another_districts_page(client, huairou, clerk_a):
    client.force_login(clerk_a)

    assert client.get(page_of("110116")).status_code == 404


def test_an_unknown_district_is_404(client, huairou, city_user):
    client.force_login(city_user)

    assert client.get(page_of("999999")).status_code == 404
    assert client.get(page_of("not-a-code")).status_code == 404


def test_district_staff_land_on_their_own_districts_dashboard(client, huairou, huairou_staff):
    client.force_login(huairou_staff)

    assert client.get(reverse("home")).url == DASHBOARD
    response = client.get(DASHBOARD)

    assert codes(response) == ["H01", "H02"]
    assert [series.result.target.name for series in response.context["board"].targets] == [
        "怀柔目标"
    ]


def test_the_other_districts_staff_see_only_theirs_on_the_dashboard(client, huairou, district_user):
    client.force_login(district_user)

    response = client.get(DASHBOARD)

    assert codes(response) == ["A01"]
    assert [series.result.target.name for series in response.context["board"].targets] == [
        "顺义目标"
    ]


def test_the_citys_dashboard_holds_every_district_and_no_single_programmes_targets(
    client, huairou, city_user
):
    client.force_login(city_user)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert codes(response) == ["A01", "H01", "H02"]
    assert response.context["board"].program is None
    assert response.context["board"].targets == []


def test_the_district_export_holds_the_districts_units_only(client, huairou, city_user):
    client.force_login(in_english(city_user))

    response = client.get(reverse("programs:district-export", args=["110116"]))

    download = downloaded(client, response)
    rows = list(load_workbook(BytesIO(download.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["H01", "H02"]
    # the district's export and the dashboard's are different jobs
    other = client.get(reverse("programs:dashboard-export"))
    assert downloaded(client, other).job.pk != download.job.pk


def test_a_district_export_outside_the_scope_fails(huairou, district_user):
    record = export_record(export_dashboard, district_user, query={}, district="110116")

    with pytest.raises(Exception, match="no longer among those you may see"):
        run_export(record)


@pytest.mark.parametrize(
    "name",
    [
        "programs:dashboard",
        "programs:city-dashboard",
        "programs:unit-list",
        "programs:progress",
        "programs:program-overview",
    ],
)
def test_the_city_reads_every_overview_page_without_a_form_to_change_anything(
    client, huairou, city_user, name
):
    client.force_login(city_user)

    html = client.get(reverse(name)).content.decode()

    assert_read_only(html)


@pytest.mark.parametrize(
    "name", ["programs:unit-detail", "programs:unit-history", "programs:unit-summary"]
)
def test_the_city_reads_a_units_pages_without_a_form_to_change_anything(
    client, huairou, city_user, name
):
    client.force_login(city_user)

    response = client.get(reverse(name, args=["H01"]))

    assert response.status_code == 200
    assert_read_only(response.content.decode())
    assert reverse("programs:unit-edit", args=["H01"]) not in response.content.decode()


def test_the_city_reads_a_district_page_without_a_form_to_change_anything(
    client, huairou, city_user
):
    client.force_login(city_user)

    assert_read_only(client.get(page_of("110116")).content.decode())


def assert_read_only(html: str) -> None:
    """No form posts anything but signing out and the language."""
    posts = html.count('method="post"')
    allowed = html.count(f'action="{reverse("logout")}"') + html.count(
        f'action="{reverse("set_language")}"'
    )
    assert posts == allowed


@pytest.mark.parametrize(
    "url",
    [
        reverse("programs:dashboard"),
        page_of("110116"),
        reverse("programs:city-dashboard"),
        reverse("programs:unit-detail", args=["H01"]),
    ],
)
def test_the_city_posting_to_an_overview_page_is_refused(client, huairou, city_user, url):
    client.force_login(city_user)

    assert client.post(url).status_code == 405


def test_the_city_cannot_change_a_unit(client, huairou, city_user):
    client.force_login(city_user)

    response = client.post(reverse("programs:unit-edit", args=["H01"]), {"head_name": "某人"})

    assert response.status_code == 404
    assert CreatingUnit.objects.get(code="H01").head_name == ""


# The dashboard's queries (`test_dashboard.DASHBOARD_MAX_QUERIES`), and one for the district.
@pytest.mark.parametrize("unit_count", [2, 12])
def test_the_district_page_queries_do_not_grow_with_units(
    client, city_user, django_assert_max_num_queries, unit_count
):
    from tests.overview.test_dashboard import DASHBOARD_MAX_QUERIES

    district = DistrictFactory(code="110116", name="怀柔区")
    program = ProgramFactory(code="hr", district=district)
    phase = PhaseFactory(program=program, order=1)
    TargetFactory(program=program)
    for n in range(unit_count):
        UnitFactory(code=f"H{n:02d}", program=program, current_phase=phase)
    client.force_login(city_user)

    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES + 1):
        response = client.get(page_of("110116"))

    assert len(response.context["board"].rows) == unit_count


def test_a_district_pages_cards_link_to_that_districts_units(client, huairou, city_user):
    client.force_login(city_user)

    response = client.get(page_of("110116"))

    links = {headline.key: headline.url for headline in response.context["headlines"]}
    query = "district=110116"
    assert links == {
        "units": f"{reverse('programs:unit-list')}?{query}",
        "titled": f"{reverse('programs:progress')}?sort=title&{query}",
        "expiring": f"{reverse('programs:progress')}?sort=expiry&{query}",
        "reporting": f"{reverse('programs:report-grid')}?{query}",
        "on_time": f"{reverse('programs:report-grid')}?{query}",
        "injuries": f"{reverse('injuries:statistics')}?{query}",
    }
    html = response.content.decode()
    assert f'href="{links["titled"].replace("&", "&amp;")}"' in html
    # where they lead: 怀柔区's units, not the city's
    for key in ("units", "titled", "expiring"):
        assert [unit.code for unit in client.get(links[key]).context["units"]] == ["H01", "H02"]
    grid = client.get(links["reporting"]).context["rows"]
    assert [row["code"] for row in grid] == ["H01", "H02"]
    statistics = client.get(links["injuries"]).context["form"]
    assert [unit.code for unit in statistics.counted_units] == ["H01", "H02"]


def test_the_dashboards_cards_link_to_every_unit(client, huairou, city_user):
    client.force_login(city_user)

    response = client.get(DASHBOARD)

    links = {headline.key: headline.url for headline in response.context["headlines"]}
    assert links["units"] == reverse("programs:unit-list")
    assert links["titled"] == f"{reverse('programs:progress')}?sort=title"
