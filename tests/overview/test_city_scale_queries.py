"""Pages ask the database the same number of questions with one district as with three.

At the city's scale (16 districts, 400 units) a query per district, per programme or per
district's unit would multiply; `bench/city.py` times the pages there. Here each page is asked
by district staff of the first district and by the city office, first with one district on the
portal, then after two more districts — each with its programme, units, milestones, titles,
reports, activities, an evaluation round and injury records — and the query counts must not
move. Pages merged later (the city dashboard, the map, the district page) are asked too once
their URL resolves.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone

from injuries.models import InjuryRecord
from programs.core.models import CreatingUnit, District, User
from programs.core.services import district_add
from programs.models import Certification, Evaluation, MonthlyReport, UnitMilestone
from programs.progress.services import unit_milestones_sync
from safecommunity.calendar import Month
from tests.factories import (
    EvaluationRoundFactory,
    EvaluationSchemeFactory,
    TargetFactory,
    UserFactory,
)
from workgroups.models import Activity, ActivityKind

FIRST = "110107"  # 石景山区: 9 streets
MORE = ("110109", "110116")  # 门头沟区 (13 towns and streets), 怀柔区 (16)


def district_grown(code: str, scheme) -> District:
    """A district put on the portal by `district_add`, with what its pages read: a target, the
    units' milestones (the first accepted), a title for every other unit, a year of reports, a
    creation meeting, a final evaluation each and injury records this year and years ago."""
    district = district_add(code=code, created=Counter())
    program = district.programs.get()
    TargetFactory(program=program)
    units = list(district.units.order_by("code"))
    unit_milestones_sync(units=units)
    UnitMilestone.objects.filter(unit__in=units, milestone__order=1).update(status="accepted")
    today = timezone.localdate()
    Certification.objects.bulk_create(
        Certification(
            unit=unit,
            level="municipal",
            status="named",
            applied_on=today - timedelta(days=200),
            named_on=today - timedelta(days=100),
            valid_until=today + timedelta(days=900),
        )
        for unit in units[::2]
    )
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            unit=unit,
            period=month,
            status=MonthlyReport.Status.APPROVED,
            first_submitted_at=timezone.now(),
            submitted_at=timezone.now(),
        )
        for unit in units
        for month in Month.last_months(12)
    )
    Activity.objects.bulk_create(
        Activity(unit=unit, kind=ActivityKind.CREATION_MEETING, date=today, title="推进会")
        for unit in units
    )
    evaluation_round = EvaluationRoundFactory(district=district, scheme=scheme)
    Evaluation.objects.bulk_create(
        Evaluation(
            round=evaluation_round,
            unit=unit,
            status=Evaluation.Status.FINAL,
            total=Decimal(110),
            result=Evaluation.Result.PASS,
            finalised_at=timezone.now(),
        )
        for unit in units
    )
    records = []
    for n, unit in enumerate(units):
        for days in (3, 40, 400, 3000):
            record = InjuryRecord(
                unit=unit,
                source="hospital",
                reporting_org=f"{district.name}医院",
                record_number=f"{code}-{n}-{days}",
                injury_date=today - timedelta(days=days),
                sex=1 + n % 2,
                age=5 + 9 * (n % 10),
                cause=3,
                place=1,
                activity=5,
                intent=1,
                nature=4,
                body_part=3,
                severity=1,
                outcome=1,
            )
            record.derive()
            records.append(record)
    InjuryRecord.objects.bulk_create(records)
    return district


def page_urls(unit: CreatingUnit, district: District) -> dict[str, str]:
    today = timezone.localdate()
    ten_years = today - timedelta(days=3650)
    partial = (today.replace(day=1) - timedelta(days=380)).replace(day=15)
    return {
        "dashboard": "/dashboard/",
        "unit page": f"/units/{unit.code}/",
        "report grid": "/reports/",
        "statistics, ten years": f"/injuries/statistics/?date_from={ten_years}&date_to={today}",
        "statistics, partial months": f"/injuries/statistics/?date_from={partial}&date_to={today}",
        "record list": "/injuries/",
        "record list, one unit": f"/injuries/?unit={unit.pk}",
        "city dashboard": "/city/",
        "map": "/map/",
        "district page": f"/districts/{district.code}/",
    }


# Pages only the city office and administrators reach (404 for district staff).
CITY_ONLY = {"city dashboard"}


def resolves(url: str) -> bool:
    try:
        resolve(url.partition("?")[0])
    except Resolver404:
        return False
    return True


def query_counts(client, users: dict[str, User], urls: dict[str, str]) -> dict[tuple, int]:
    """Each page's queries for each user, on a second request (the first warms what a process
    keeps: content types, translations)."""
    counts = {}
    for who, user in users.items():
        client.force_login(user)
        for label, url in urls.items():
            if label in CITY_ONLY and not user.sees_every_district:
                assert client.get(url).status_code == 404, (who, label)
                continue
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (who, label, response.status_code)
            counts[(who, label)] = len(captured)
    return counts


@pytest.mark.django_db
def test_pages_ask_as_many_queries_with_three_districts_as_with_one(client):
    scheme = EvaluationSchemeFactory()
    first = district_grown(FIRST, scheme)
    users = {
        "district staff": UserFactory(username="staff", role=User.Role.DISTRICT, district=first),
        "city office": UserFactory(username="city", role=User.Role.CITY),
    }
    unit = first.units.order_by("code").first()
    urls = {label: url for label, url in page_urls(unit, first).items() if resolves(url)}
    one = query_counts(client, users, urls)

    for code in MORE:
        district_grown(code, scheme)
    assert District.objects.count() == 3
    assert CreatingUnit.objects.count() > 2 * first.units.count()
    three = query_counts(client, users, urls)

    # Never more (the city office's /dashboard/ over several districts shows no programme's
    # targets: fewer queries than over one).
    grown = {key: (one[key], three[key]) for key in one if three[key] > one[key]}
    assert not grown, f"pages whose queries grew with the districts (one → three): {grown}"
    # The city office reads the three districts' records; district staff their own.
    client.force_login(users["city office"])
    assert client.get("/injuries/").context["paginator"].count == InjuryRecord.objects.count()
    client.force_login(users["district staff"])
    own = InjuryRecord.objects.filter(unit__district=first).count()
    assert 0 < own < InjuryRecord.objects.count()
    assert client.get("/injuries/").context["paginator"].count == own
