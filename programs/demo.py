"""Demo data: accounts for every role and a believable organisation for every unit.

For `make run` and screenshots; never for production. Deterministic (seeded by unit code) and
idempotent: a second run adds nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Sum
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from injuries.demo import injuries_demo
from programs.core.choices import UnitKind
from programs.core.models.users import CITY_WIDE_ROLES
from programs.core.reference_data import DIVISION_CODE
from programs.core.services import district_add
from programs.evaluations.demo import evaluations_demo
from programs.funds.demo import funds_demo
from programs.models import CreatingUnit, Department, District, Milestone, Phase, User
from programs.notifications.demo import notifications_demo
from programs.progress.demo import unit_progress
from programs.reports.demo import reports_demo
from programs.setup import reference_data_load
from programs.titles.demo import titles_demo
from workgroups.demo import activities_demo
from workgroups.models import Member, WorkGroupTemplate
from workgroups.services import unit_add_groups_from_templates

DEMO_PASSWORD = "demo-2025"

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玉兰志"
    "新海波宁燕鹏辉晨雪琳峰浩宇欣怡佳颖凯健"
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    family: str
    given: str
    unit_code: str = ""
    department: str = ""
    is_superuser: bool = False
    district_code: str = DIVISION_CODE


# A second district, put on the portal as `manage.py add_district 110116` would: its 16 streets
# and towns as units, with a year of work and five years of injuries, for the city's pages.
SECOND_DISTRICT = "110116"  # 怀柔区

DEMO_ACCOUNTS = [
    DemoAccount("admin", User.Role.ADMIN, "周", "立新", is_superuser=True),
    DemoAccount("city", User.Role.CITY, "刘", "洋"),
    DemoAccount("district", User.Role.DISTRICT, "王", "芳"),
    DemoAccount("clerk", User.Role.CLERK, "李", "静", unit_code="T07"),
    DemoAccount("clerk2", User.Role.CLERK, "赵", "磊", unit_code="S06"),
    DemoAccount("provider", User.Role.PROVIDER, "陈", "强", department="市公安局顺义分局"),
    DemoAccount("finance", User.Role.FINANCE, "钱", "敏"),
    DemoAccount("evaluator", User.Role.EVALUATOR, "孙", "建国"),
    DemoAccount("huairou", User.Role.DISTRICT, "郑", "宏", district_code=SECOND_DISTRICT),
    DemoAccount("finance2", User.Role.FINANCE, "吴", "婷", district_code=SECOND_DISTRICT),
]

POSITIONS = {
    "town": ("镇长", "副镇长"),
    "street": ("主任", "副主任"),
    "zone": ("管委会主任", "副主任"),
}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return f"010-{rng.randint(6040, 6998)}{rng.randint(1000, 9999)}"


def injuries_of_every_unit() -> None:
    """Five years of injury records for each unit that has none (seeded by its code)."""
    for unit in CreatingUnit.objects.order_by("code"):
        injuries_demo(unit, random.Random(f"injuries-{unit.code}"))


@transaction.atomic
def demo_data_load() -> list[DemoAccount]:
    """Accounts for every role; for each unit a profile, its 14 groups and members, progress
    through its milestones (some overdue, some returned), phase moves, titles, five years of
    injury records, monthly reports, evaluations, two years of creation funds, and the
    notifications the recent events and today's reminders make."""
    reference_data_load()
    district_add(code=SECOND_DISTRICT, created=Counter())
    _demo_schedule()
    templates = list(WorkGroupTemplate.objects.filter(is_active=True))
    accounts = {account.username: _ensure_account(account) for account in DEMO_ACCOUNTS}
    staff = {user.district_id: user for user in (accounts["district"], accounts["huairou"])}
    finance = {user.district_id: user for user in (accounts["finance"], accounts["finance2"])}
    clerks = {user.unit_id: user for user in User.objects.filter(role=User.Role.CLERK)}
    for district in District.objects.filter(pk__in=staff):
        phases = {phase.order: phase for phase in Phase.objects.filter(program__district=district)}
        _demo_populations(district)
        units = CreatingUnit.objects.filter(district=district)
        for unit in units.select_related("program"):
            _dress_unit(unit, templates, phases, by=staff[district.pk])
        for unit in units.select_related("program", "current_phase"):
            clerk = clerks.get(unit.pk) or _ensure_unit_clerk(unit)
            unit_progress(unit, clerk=clerk, district=staff[district.pk], phases=phases)
            activities_demo(unit, random.Random(f"activities-{unit.code}"), clerk)
        clerks = {user.unit_id: user for user in User.objects.filter(role=User.Role.CLERK)}
        funds_demo(district, staff=staff[district.pk], finance=finance[district.pk], clerks=clerks)
    titles_demo(accounts["district"])
    injuries_of_every_unit()  # before the reports, which count their casualties from them
    for user in staff.values():
        reports_demo(user)
    evaluations_demo(accounts["district"], accounts["evaluator"], accounts["clerk"])
    notifications_demo()
    return DEMO_ACCOUNTS


# Days after joining by which each milestone without a fixed date is due: a plausible schedule
# for the demo; the office sets its own in the admin.
DEMO_SCHEDULE = {
    1: (30, None, None, 45, 90, 120),
    2: (90, 180, 240, 270, 365, 450, 540),
    3: (560, 600, 660),
    4: (750, 1100, 1460),
}


def _demo_schedule() -> None:
    for milestone in Milestone.objects.select_related("phase"):
        days = DEMO_SCHEDULE.get(milestone.phase.order, ())
        index = milestone.order - 1
        if milestone.due_date or milestone.due_days_after_joining or index >= len(days):
            continue
        if days[index] is not None:
            milestone.due_days_after_joining = days[index]
            milestone.save()  # the signal recomputes every unit's due date


def _demo_populations(district: District) -> None:
    """Populations for the district's units without one, as of the 2020 census: the towns and
    street offices share the district's census population exactly (`District.population`, less
    what the office has entered), in believable sizes by the largest remainder; each economic
    zone gets a few thousand residents of its own, which overlap the towns' and are never
    added."""
    in_district = CreatingUnit.objects.filter(district=district)
    units = list(in_district.filter(population__isnull=True).order_by("code"))
    divided = [unit for unit in units if unit.kind != UnitKind.ZONE]
    entered = (
        in_district.exclude(kind=UnitKind.ZONE)
        .filter(population__isnull=False)
        .aggregate(total=Sum("population"))["total"]
        or 0
    )
    remaining = max((district.population or 0) - entered, 0)
    weights = [random.Random(f"population-{unit.code}").uniform(0.4, 2.0) for unit in divided]
    shares = [remaining * weight / sum(weights) for weight in weights] if divided else []
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda n: counts[n] - shares[n])
    for n in by_remainder[: remaining - sum(counts)]:
        counts[n] += 1
    for unit, count in zip(divided, counts, strict=True):
        unit.population = count
    for unit in units:
        if unit.kind == UnitKind.ZONE:
            unit.population = random.Random(f"population-{unit.code}").randrange(4_000, 30_000, 100)
        unit.population_year = district.population_year
    bulk_update_with_history(units, CreatingUnit, ["population", "population_year"])


def _ensure_unit_clerk(unit: CreatingUnit) -> User:
    """Every unit has a clerk in the demo (clerk-t01 …), so its work has an author."""
    rng = random.Random(f"clerk-{unit.code}")
    account = DemoAccount(
        f"clerk-{unit.code.lower()}",
        User.Role.CLERK,
        rng.choice(SURNAMES),
        rng.choice(GIVEN),
        unit_code=unit.code,
        district_code=unit.district.code,
    )
    return _ensure_account(account)


def _dress_unit(unit: CreatingUnit, templates, phases: dict[int, Phase], *, by: User) -> None:
    if unit.members.exists():
        return
    rng = random.Random(unit.code)
    head, deputy = POSITIONS[unit.kind]
    unit.head_name = unit.head_name or _name(rng)
    unit.contact_name = unit.contact_name or _name(rng)
    unit.contact_phone = unit.contact_phone or _phone(rng)
    unit.joined_on = unit.joined_on or date(2025, 3, 15 if unit.is_pilot else 28)
    # Pilots are furthest along; most units are implementing; a few zones are still starting.
    order = (
        4
        if unit.is_pilot
        else (1 if unit.kind == "zone" and rng.random() < 0.5 else rng.choice((2, 2, 2, 3)))
    )
    unit.current_phase = phases.get(order, unit.current_phase)
    unit.save()

    bulk_create_with_history(
        [
            Member(
                unit=unit,
                body=Member.Body.COMMITTEE,
                name=unit.head_name,
                role=Member.Role.CHAIR,
                position=head,
                sort_order=1,
            ),
            *[
                Member(
                    unit=unit,
                    body=Member.Body.COMMITTEE,
                    name=_name(rng),
                    role=Member.Role.DEPUTY,
                    position=deputy,
                    sort_order=2,
                )
                for _ in range(2)
            ],
            *[
                Member(
                    unit=unit,
                    body=Member.Body.COMMITTEE,
                    name=_name(rng),
                    role=Member.Role.MEMBER,
                    organisation=org,
                    sort_order=3,
                )
                for org in ("派出所", "社区卫生服务中心", "中心小学", "安全生产科")
            ],
            Member(
                unit=unit,
                body=Member.Body.OFFICE,
                name=unit.contact_name,
                role=Member.Role.CHAIR,
                position="办公室主任",
                phone=unit.contact_phone,
                sort_order=1,
            ),
            Member(
                unit=unit,
                body=Member.Body.OFFICE,
                name=_name(rng),
                role=Member.Role.CONTACT,
                phone=_phone(rng),
                sort_order=2,
            ),
        ],
        Member,
    )
    groups = unit_add_groups_from_templates(unit=unit, templates=templates, by=by)
    bulk_create_with_history(
        [
            Member(
                unit=unit,
                body=Member.Body.GROUP,
                group=group,
                name=name,
                role=role,
                phone=_phone(rng) if role != Member.Role.MEMBER else "",
                sort_order=n,
            )
            for group in groups
            for n, (name, role) in enumerate(
                _unique_people(
                    rng,
                    (
                        Member.Role.CHAIR,
                        Member.Role.MEMBER,
                        Member.Role.MEMBER,
                        Member.Role.CONTACT,
                    ),
                ),
                start=1,
            )
        ],
        Member,
    )


def _unique_people(rng: random.Random, roles) -> list[tuple[str, str]]:
    names: list[str] = []
    while len(names) < len(roles):
        name = _name(rng)
        if name not in names:
            names.append(name)
    return list(zip(names, roles, strict=True))


def _ensure_account(account: DemoAccount) -> User:
    user = User.objects.filter(username=account.username).first()
    if user is not None:
        return user
    district = District.objects.get(code=account.district_code)
    user = User(
        username=account.username,
        role=account.role,
        last_name=account.family,
        first_name=account.given,
        is_staff=account.is_superuser,
        is_superuser=account.is_superuser,
        unit=CreatingUnit.objects.get(code=account.unit_code) if account.unit_code else None,
        department=(
            Department.objects.get(district=district, name=account.department)
            if account.department
            else None
        ),
        district=None if account.role in CITY_WIDE_ROLES else district,
    )
    user.set_password(DEMO_PASSWORD)
    user.full_clean()
    user.save()
    return user
