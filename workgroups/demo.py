"""Demo activity log and promotion projects: what a unit did from its joining to today.

For `make run` and screenshots; never for production. Deterministic for a given `rng`, and a
unit that already has activities is left alone. Everything is written with bulk_create (with
history for activities and projects), so the 38 units take well under a second or two.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from uuid import uuid4

from django.core.files.base import ContentFile
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from programs.core.models import CreatingUnit, User
from programs.progress.demo import demo_pdf
from programs.progress.models import Evidence, EvidenceVersion
from safecommunity.calendar import Month, Quarter
from workgroups.choices import ActivityKind, Intervention, SafetyArea, TargetGroup
from workgroups.models import Activity, ProjectStatus, PromotionProject, WorkGroup
from workgroups.selectors import record_start

Kind = ActivityKind
CN_NUMBERS = "一二三四"

# Titles by kind; {y} year, {m} month, {q} quarter in Chinese numerals. Which standard group
# (by template number) usually runs it: 1 publicity, 3 fire, 6 production, 8 environment …
TITLES: dict[str, list[tuple[str, int | None]]] = {
    Kind.COMMITTEE_MEETING: [
        ("{y}年安全促进委员会全体会议", None),
        ("安全促进委员会{y}年工作部署会", None),
    ],
    Kind.PUBLICITY: [
        ("“安全生产月”宣传咨询日", 6),
        ("消防安全进社区宣传活动", 3),
        ("防范电信诈骗宣传进小区", 2),
        ("交通安全文明出行宣传", 9),
        ("居家安全知识宣传进万家", 4),
        ("食品安全宣传周活动", 7),
        ("防灾减灾日主题宣传", 8),
        ("校园安全教育宣传活动", 10),
    ],
    Kind.TRAINING: [
        ("企业安全管理人员培训", 6),
        ("社区网格员安全知识培训", 2),
        ("急救知识与心肺复苏培训", 5),
        ("消防安全“明白人”培训", 3),
        ("安全社区创建业务培训", 13),
        ("老年人防跌倒知识讲座", 4),
    ],
    Kind.DRILL: [
        ("高层住宅消防疏散演练", 3),
        ("防汛应急演练", 8),
        ("校园地震应急疏散演练", 10),
        ("燃气泄漏应急处置演练", 6),
    ],
    Kind.HAZARD_INSPECTION: [
        ("{m}月生产经营单位安全隐患排查", 6),
        ("{m}月“九小场所”消防隐患排查", 3),
        ("{m}月燃气使用安全隐患排查", 6),
        ("{m}月校园周边安全隐患排查", 10),
        ("{m}月道路交通隐患排查", 9),
    ],
    Kind.OTHER: [
        ("伤害监测数据汇总分析", 12),
        ("安全社区创建专家现场指导", 14),
        ("安全志愿者招募活动", 1),
    ],
}
PARTICIPANTS = {
    Kind.CREATION_MEETING: (15, 40),
    Kind.COMMITTEE_MEETING: (12, 30),
    Kind.PUBLICITY: (80, 600),
    Kind.TRAINING: (25, 150),
    Kind.DRILL: (40, 400),
    Kind.HAZARD_INSPECTION: (4, 12),
    Kind.OTHER: (5, 60),
}

# name, area, target groups, interventions, group number, objective, effect
PROJECTS = [
    (
        "老年人居家防跌倒项目",
        SafetyArea.ELDERLY,
        [TargetGroup.ELDERLY],
        [Intervention.EDUCATION, Intervention.FACILITIES, Intervention.SERVICES],
        4,
        "辖区65岁以上老年人居家跌倒发生率下降20%。",
        "为312户高龄老人家庭安装扶手和防滑垫，开展防跌倒讲座18场，跌倒就诊人数同比下降23%。",
    ),
    (
        "电动自行车消防安全项目",
        SafetyArea.FIRE,
        [TargetGroup.RESIDENTS, TargetGroup.MIGRANTS],
        [Intervention.MANAGEMENT, Intervention.ENGINEERING, Intervention.EDUCATION],
        3,
        "杜绝电动自行车入户充电，相关火灾起数下降50%。",
        "建成集中充电桩46处，清理楼道违规充电点210处，电动自行车火灾由5起降至1起。",
    ),
    (
        "学生上下学交通安全项目",
        SafetyArea.TRAFFIC,
        [TargetGroup.STUDENTS, TargetGroup.CHILDREN, TargetGroup.DRIVERS],
        [Intervention.ENGINEERING, Intervention.EDUCATION, Intervention.MANAGEMENT],
        9,
        "校园周边交通事故零发生，学生交通安全知晓率达到95%。",
        "施划校园周边减速标线，设置护学岗4处，学生交通安全知晓率由78%升至96%。",
    ),
    (
        "小微企业安全生产标准化项目",
        SafetyArea.PRODUCTION,
        [TargetGroup.WORKERS],
        [Intervention.MANAGEMENT, Intervention.EDUCATION],
        6,
        "辖区小微企业安全生产标准化达标率达到80%。",
        "",
    ),
    (
        "儿童溺水预防项目",
        SafetyArea.WATER,
        [TargetGroup.CHILDREN, TargetGroup.STUDENTS],
        [Intervention.FACILITIES, Intervention.EDUCATION, Intervention.SERVICES],
        8,
        "重点水域防护设施全覆盖，儿童溺水零发生。",
        "",
    ),
    (
        "残疾人家庭安全改造项目",
        SafetyArea.DISABLED,
        [TargetGroup.DISABLED],
        [Intervention.FACILITIES, Intervention.SERVICES],
        4,
        "为有需要的残疾人家庭完成无障碍和安全改造。",
        "",
    ),
]


def _title(kind: str, day: date, rng: random.Random) -> tuple[str, int | None]:
    if kind == Kind.CREATION_MEETING:
        quarter = CN_NUMBERS[(day.month - 1) // 3]
        return f"{day.year}年第{quarter}季度安全社区创建工作推进会", None
    text, group = rng.choice(TITLES[kind])
    return text.format(y=day.year, m=day.month), group


def _day_in(first: date, last: date, rng: random.Random) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def activities_demo(unit: CreatingUnit, rng: random.Random, clerk: User) -> list[Activity]:
    """Give `unit` its activity log from its joining (or the programme's start) to today:
    a creation work meeting in most quarters (one quarter skipped in about one unit of five),
    committee meetings twice a year, monthly publicity, training and hazard inspections
    (found ≥ rectified), some drills; sign-in sheets for the meetings; and 2–4 promotion
    projects in various states. Recorded by `clerk`."""
    if unit.activities.exists():
        return []
    today = timezone.localdate()
    start = record_start(unit)
    if start > today:
        return []
    groups = {
        group.template.number: group
        for group in WorkGroup.objects.filter(unit=unit, status=WorkGroup.Status.ACTIVE)
        .exclude(template=None)
        .select_related("template")
    }
    quarters = Quarter.between(start, today)
    past = [q for q in quarters if q.end < today]
    skipped = rng.choice(past[1:]) if len(past) > 1 and rng.random() < 0.2 else None
    rows: list[Activity] = []

    def add(kind: str, day: date, **extra) -> None:
        title, number = _title(kind, day, rng)
        low, high = PARTICIPANTS[kind]
        rows.append(
            Activity(
                unit=unit,
                kind=kind,
                date=day,
                group=groups.get(number) if number else None,
                title=extra.pop("title", title),
                participants=rng.randint(low, high),
                **extra,
            )
        )

    # The kickoff meeting opens the first quarter; the current one may not have had its yet.
    add(Kind.CREATION_MEETING, start, title="安全社区创建工作启动大会")
    current = Quarter.of(today)
    for quarter in quarters[1:]:
        if quarter == skipped or (quarter == current and rng.random() < 0.4):
            continue
        add(Kind.CREATION_MEETING, _day_in(quarter.start, min(quarter.end, today), rng))

    for month in Month.between(start, today):
        last = min(Month.last_day(month), today)
        first = max(month, start)
        if month.month in (1, 7):
            add(Kind.COMMITTEE_MEETING, _day_in(first, last, rng))
        for _ in range(rng.choice((1, 1, 2))):
            add(Kind.PUBLICITY, _day_in(first, last, rng))
        if rng.random() < 0.8:
            add(Kind.TRAINING, _day_in(first, last, rng))
        if rng.random() < 0.3:
            add(Kind.DRILL, _day_in(first, last, rng))
        if rng.random() < 0.85:
            found = rng.randint(0, 12)
            # Recent inspections may still have hazards being rectified.
            open_ones = rng.randint(0, min(found, 3)) if (today - last).days < 60 else 0
            add(
                Kind.HAZARD_INSPECTION,
                _day_in(first, last, rng),
                hazards_found=found,
                hazards_rectified=found - open_ones,
            )
        if rng.random() < 0.15:
            add(Kind.OTHER, _day_in(first, last, rng))

    activities = bulk_create_with_history(rows, Activity, batch_size=500, default_user=clerk)
    _sign_in_sheets(unit, [a for a in activities if a.kind == Kind.CREATION_MEETING], clerk)
    _projects(unit, groups, rng, clerk, start, today)
    return activities


def _sign_in_sheets(unit: CreatingUnit, meetings: list[Activity], clerk: User) -> None:
    """A small PDF "sign-in sheet" for each creation work meeting, in the private store."""
    storage = EvidenceVersion._meta.get_field("file").storage
    documents = Evidence.objects.bulk_create(
        Evidence(unit=unit, activity=meeting, title="会议签到表") for meeting in meetings
    )
    versions = []
    for meeting, document in zip(meetings, documents, strict=True):
        content = demo_pdf(f"Sign-in sheet {unit.code} {meeting.date:%Y-%m-%d}")
        name = storage.save(f"evidence/{unit.code}/{uuid4().hex}.pdf", ContentFile(content))
        versions.append(
            EvidenceVersion(
                evidence=document,
                number=1,
                file=name,
                original_name=f"签到表-{meeting.date:%Y%m%d}.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                effective_date=meeting.date,
                uploaded_by=clerk,
            )
        )
    EvidenceVersion.objects.bulk_create(versions)


def _projects(
    unit: CreatingUnit,
    groups: dict[int, WorkGroup],
    rng: random.Random,
    clerk: User,
    start: date,
    today: date,
) -> None:
    """2–4 projects: the first completed, the next under way, then planned or suspended."""
    chosen = rng.sample(PROJECTS, rng.randint(2, 4))
    statuses = [ProjectStatus.COMPLETED, ProjectStatus.ACTIVE, ProjectStatus.PLANNED]
    statuses.append(rng.choice((ProjectStatus.SUSPENDED, ProjectStatus.ACTIVE)))
    rows = []
    for n, (name, area, targets, means, number, objective, effect) in enumerate(chosen):
        status = statuses[n]
        if status == ProjectStatus.PLANNED:
            begins = today + timedelta(days=rng.randint(20, 90))
            ends = begins + timedelta(days=365)
        elif status == ProjectStatus.COMPLETED:
            begins = start + timedelta(days=rng.randint(30, 90))
            ends = min(begins + timedelta(days=rng.randint(240, 360)), today - timedelta(days=10))
        else:
            begins = min(start + timedelta(days=rng.randint(90, 300)), today - timedelta(days=30))
            ends = begins + timedelta(days=rng.randint(400, 700))
        rows.append(
            PromotionProject(
                unit=unit,
                group=groups.get(number),
                name=name,
                safety_area=area,
                target_groups=list(targets),
                objective=objective,
                interventions=list(means),
                start=begins,
                end=max(ends, begins),
                status=status,
                effect=effect if status == ProjectStatus.COMPLETED else "",
            )
        )
    bulk_create_with_history(rows, PromotionProject, default_user=clerk)
