"""Demo creation funds: for each unit of a district, last year's and this year's budget lines
over several categories and sources (the city transfer's funded by two levels at 5:5, 4:6 or
8:2), disbursements in every state — paid in tranches with voucher, date and payee, approved,
requested, returned with a reason, one beyond the budget allowed by district staff with its
reason — and spending against the unit's promotion projects and activities with voucher
numbers, along a pace of the unit's own (some ahead of the straight line, some behind); last
year closed by the finance bureau.

For `make run` and screenshots; never for production. Deterministic (seeded by unit code) and
idempotent: a district whose units have budget lines is left alone. Written as the rest of the
demo is: rows with bulk_create and their history (each state a history row, by whom and when
it happened), the moves' events in the event log at the moments they happened (a raw
`Event.objects.bulk_create`: `notifications_demo` then tells the recent ones)."""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from programs.core.models import CreatingUnit, District, Event, EventKind, User
from programs.funds.models import (
    BudgetLine,
    Disbursement,
    Expenditure,
    FiscalYear,
    FundCategory,
    FundSource,
)
from safecommunity.money import split_by_largest_remainder
from workgroups.models import Activity, ActivityKind, ProjectStatus, PromotionProject

Status = Disbursement.Status

# (category, source, low, high yuan, city : district ratios or None): a unit's budget lines;
# a line is left out of a year now and then (the first two never).
LINES = [
    ("promotion", "district_budget", 200_000, 450_000, None),
    ("promotion", "city_transfer", 100_000, 300_000, ((5, 5), (4, 6), (8, 2))),
    ("publicity", "district_budget", 40_000, 120_000, None),
    ("publicity", "unit_own", 10_000, 40_000, None),
    ("facilities", "city_transfer", 80_000, 260_000, ((5, 5), (4, 6), (8, 2))),
    ("surveillance", "district_budget", 20_000, 60_000, None),
    ("evaluation", "district_budget", 30_000, 80_000, None),
    ("other", "social", 5_000, 30_000, None),
]
# A unit's pace: its payments fall at span × u ** pace (u uniform) into the year, so it has
# spent t ** (1 / pace) of its year's spending by t — over 1 ahead of the straight line (and
# its requests paid promptly), under 1 behind it.
PACES = (0.6, 0.75, 0.9, 1.0, 1.3, 1.8, 2.5)
PURPOSES = {
    "promotion": "安全促进项目经费",
    "publicity": "宣传培训经费",
    "facilities": "安全设施建设经费",
    "surveillance": "伤害监测工作经费",
    "evaluation": "评估认证经费",
    "other": "其他创建工作经费",
}
DESCRIPTIONS = {
    "promotion": ("项目物资采购", "项目服务购买（按人按月）", "项目绩效资金", "项目专家指导费"),
    "publicity": ("宣传折页印制", "培训讲师劳务费", "宣传展板制作", "培训场地租用"),
    "facilities": ("防跌倒扶手安装", "消防器材配置", "集中充电桩建设", "防护栏维修"),
    "surveillance": ("伤害监测信息录入服务", "监测点工作补贴"),
    "evaluation": ("第三方监督评估（2%）", "评估认证专家费", "创建资料汇编印制"),
    "other": ("志愿者保险", "办公耗材"),
}
RETURN_REASONS = (
    "用途与预算科目不符，请按科目重新申请。",
    "缺少项目实施方案，请补充后重新申请。",
    "申请金额与合同金额不一致，请核对。",
)
LATE_OUTCOMES = ("requested", "approved", "paid", "paid", "returned")
OVERRIDE_REASON = "市级专项追加任务，经区创建办研究同意超预算拨付，下年度预算中调整。"


@dataclass
class FundsOf:
    """What one district's funds demo writes, gathered before it is written."""

    lines: list[BudgetLine] = field(default_factory=list)
    disbursements: list[tuple[Disbursement, list[tuple[str, str, User, datetime, str]]]] = field(
        default_factory=list
    )
    spending: list[Expenditure] = field(default_factory=list)


def _moment(day: date, rng: random.Random) -> datetime:
    """A working-hours moment on `day`, never in the future."""
    moment = timezone.make_aware(
        datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59)))
    )
    return min(moment, timezone.now() - timedelta(hours=1))


def funds_demo(district: District, *, staff: User, finance: User, clerks: dict[int, User]) -> None:
    """Last year's and this year's funds of every unit of `district` (a clerk each in
    `clerks`), its staff and finance bureau deciding; last year closed."""
    units = list(CreatingUnit.objects.filter(district=district).order_by("code"))
    if BudgetLine.objects.filter(unit__district=district).exists() or not units:
        return
    today = timezone.localdate()
    categories = {c.code: c for c in FundCategory.objects.all()}
    sources = {s.code: s for s in FundSource.objects.all()}
    projects: dict[int, list[PromotionProject]] = {}
    for project in PromotionProject.objects.filter(unit__district=district).exclude(
        status=ProjectStatus.PLANNED
    ):
        projects.setdefault(project.unit_id, []).append(project)
    activities: dict[tuple[int, int], list[Activity]] = {}
    for activity in Activity.objects.filter(
        unit__district=district,
        date__year__gte=today.year - 1,
        kind__in=(ActivityKind.PUBLICITY, ActivityKind.TRAINING),
    ).order_by("date", "pk"):
        activities.setdefault((activity.unit_id, activity.date.year), []).append(activity)
    funds = FundsOf()
    for unit in units:
        rng = random.Random(f"funds-{unit.code}")
        pace = rng.choice(PACES)
        clerk = clerks.get(unit.pk)
        for year in (today.year - 1, today.year):
            _unit_year(
                funds, unit, year, rng, pace, categories, sources,
                clerk=clerk, staff=staff, finance=finance,
                projects=projects.get(unit.pk, []),
                activities=activities.get((unit.pk, year), []),
            )  # fmt: skip
    showcase = next(
        (u for u in units if getattr(clerks.get(u.pk), "username", "") == "clerk"), units[0]
    )
    _overridden(funds, showcase, today.year, clerks.get(showcase.pk) or staff, staff, finance)
    _write(funds)
    _close_year(district, today.year - 1, finance, today)


def _unit_year(
    funds: FundsOf,
    unit: CreatingUnit,
    year: int,
    rng: random.Random,
    pace: float,
    categories: dict,
    sources: dict,
    *,
    clerk: User | None,
    staff: User,
    finance: User,
    projects: list[PromotionProject],
    activities: list[Activity],
) -> None:
    today = timezone.localdate()
    first = date(year, 1, 1)
    set_on = min(first + timedelta(days=rng.randint(5, 20)), today)
    size = rng.uniform(0.6, 1.4)
    voucher = {"paid": 0, "spent": 0}
    for n, (category, source, low, high, ratios) in enumerate(LINES):
        if n >= 2 and rng.random() < 0.2:
            continue
        amount = round(rng.randint(low, high) * size / 1000) * 100_000  # thousands of yuan, fen
        ratio = rng.choice(ratios) if ratios else (None, None)
        line = BudgetLine(
            unit=unit,
            year=year,
            category=categories[category],
            source=sources[source],
            amount_fen=amount,
            city_ratio=ratio[0],
            district_ratio=ratio[1],
            note="市区两级按比例共担" if ratios else "",
        )
        line._history_user = finance
        line._history_date = _moment(set_on, rng)
        funds.lines.append(line)
        paid_first, paid = _disbursements(
            funds, line, rng, voucher, clerk=clerk or staff, finance=finance, today=today,
            prompt=pace > 1,
        )  # fmt: skip
        _spending(
            funds, line, rng, pace, voucher, paid_first, paid, clerk=clerk or staff, today=today,
            projects=projects if category == "promotion" else [],
            activities=activities if category == "publicity" else [],
        )  # fmt: skip


def _disbursements(
    funds: FundsOf,
    line: BudgetLine,
    rng: random.Random,
    voucher: dict,
    *,
    clerk: User,
    finance: User,
    today: date,
    prompt: bool,
) -> tuple[date, int]:
    """The line's money asked for and paid in tranches (5:3:2 in January, June and autumn;
    one for the small lines); this year's of the last two months still waiting, approved,
    paid or returned (paid when the unit is `prompt`). The first payment's day and what was
    paid."""
    year = line.year
    big = line.amount_fen >= 10_000_000
    shares = (5, 3, 2) if big else (10,)
    tranches = list(split_by_largest_remainder(line.amount_fen, list(shares)))
    asked = [
        date(year, 1, 15) + timedelta(days=rng.randint(0, 25)),
        date(year, 6, 1) + timedelta(days=rng.randint(0, 45)),
        date(year, 10, 20) + timedelta(days=rng.randint(0, 40)),
    ]
    first_paid, paid = None, 0
    for n, amount in enumerate(tranches):
        day = asked[n]
        if day >= today:
            break
        decided = min(day + timedelta(days=rng.randint(2, 7)), today - timedelta(days=1))
        paid_on = min(decided + timedelta(days=rng.randint(1, 5)), today - timedelta(days=1))
        late = year == today.year and (today - day).days < 60 and not prompt  # being decided
        outcome = rng.choice(LATE_OUTCOMES) if late else "paid"
        if n == 0 and rng.random() < 0.15:  # a first request returned, then asked again
            _returned_first(funds, line, rng, day, amount, clerk=clerk, finance=finance)
        steps = [("approve", Status.APPROVED, finance, decided, "")]
        if outcome == "paid":
            voucher["paid"] += 1
            steps.append(("pay", Status.PAID, finance, paid_on, ""))
        elif outcome == "returned":
            steps = [("return", Status.RETURNED, finance, decided, rng.choice(RETURN_REASONS))]
        elif outcome == "requested":
            steps = []
        record = Disbursement(
            unit=line.unit,
            district_id=line.unit.district_id,
            year=year,
            category=line.category,
            source=line.source,
            amount_fen=amount,
            purpose=f"{year}年{PURPOSES[line.category.code]}（第{n + 1}批）",
            requested_by=clerk,
        )
        if outcome == "paid":
            record.voucher_number = f"BF{year}-{line.unit.code}-{voucher['paid']:02d}"
            record.paid_on = paid_on
            record.payee = line.unit.name
            first_paid, paid = first_paid or paid_on, paid + amount
        funds.disbursements.append(
            (record, [("", Status.REQUESTED, clerk, _moment(day, rng), "")] + [
                (move, state, by, _moment(on, rng), reason)
                for move, state, by, on, reason in steps
            ])
        )  # fmt: skip
    return first_paid or date(year, 2, 1), paid


def _returned_first(
    funds: FundsOf,
    line: BudgetLine,
    rng: random.Random,
    asked_again: date,
    amount: int,
    *,
    clerk: User,
    finance: User,
) -> None:
    """A request finance returned with its reason a little before the unit asked again."""
    day = asked_again - timedelta(days=rng.randint(8, 14))
    record = Disbursement(
        unit=line.unit,
        district_id=line.unit.district_id,
        year=line.year,
        category=line.category,
        source=line.source,
        amount_fen=amount,
        purpose=f"{line.year}年{PURPOSES[line.category.code]}",
        requested_by=clerk,
    )
    returned = _moment(day + timedelta(days=rng.randint(2, 5)), rng)
    reason = rng.choice(RETURN_REASONS)
    funds.disbursements.append(
        (record, [
            ("", Status.REQUESTED, clerk, _moment(day, rng), ""),
            ("return", Status.RETURNED, finance, returned, reason),
        ])
    )  # fmt: skip


def _spending(
    funds: FundsOf,
    line: BudgetLine,
    rng: random.Random,
    pace: float,
    voucher: dict,
    start: date,
    paid: int,
    *,
    clerk: User,
    today: date,
    projects: list[PromotionProject],
    activities: list[Activity],
) -> None:
    """What the unit spends of the line over the year from its first payment: 95–100 % of it
    for a unit ahead, 82–95 % for one behind (never more than was paid), in a few payments
    drawn along the unit's pace (this year's up to today)."""
    year = line.year
    share = rng.randint(95, 100) if pace > 1 else rng.randint(82, 95)
    total = min(line.amount_fen * share // 100, paid)
    if total <= 0:
        return
    count = max(2, min(9, line.amount_fen // 5_000_000))
    amounts = split_by_largest_remainder(total, [rng.randint(5, 15) for _ in range(count)])
    span = (date(year, 12, 31) - start).days
    texts = DESCRIPTIONS[line.category.code]
    for n, amount in enumerate(amounts):
        day = start + timedelta(days=int(span * rng.random() ** pace))
        activity = rng.choice(activities) if activities and rng.random() < 0.6 else None
        if activity is not None and activity.date >= start:
            day = activity.date + timedelta(days=rng.randint(0, 10))
        if day >= today or day.year != year or amount <= 0:
            continue
        voucher["spent"] += 1
        project = rng.choice(projects) if projects else None
        record = Expenditure(
            unit=line.unit,
            district_id=line.unit.district_id,
            year=year,
            spent_on=day,
            category=line.category,
            source=line.source,
            amount_fen=amount,
            description=(project.name + "：" if project else "") + texts[n % len(texts)],
            voucher_number=f"ZC{year}-{line.unit.code}-{voucher['spent']:03d}",
            project=project,
            activity=activity,
            recorded_by=clerk,
        )
        record._history_user = clerk
        record._history_date = _moment(day, rng)
        funds.spending.append(record)


def _overridden(
    funds: FundsOf,
    unit: CreatingUnit,
    year: int,
    clerk: User,
    staff: User,
    finance: User,
) -> None:
    """A disbursement beyond the budget of the district's first unit this year: district staff
    allow it with their reason, finance approves it; and one beyond it still waiting for them."""
    today = timezone.localdate()
    rng = random.Random(f"funds-override-{unit.code}")
    lines = [line for line in funds.lines if line.unit == unit and line.year == year]
    line = next(line for line in lines if line.category.code == "promotion")
    for n, overridden in enumerate((True, False)):
        day = today - timedelta(days=12 - 6 * n)
        record = Disbursement(
            unit=unit,
            district_id=unit.district_id,
            year=year,
            category=line.category,
            source=line.source,
            amount_fen=line.amount_fen // 2 // 100 * 100,
            purpose=f"{year}年市级专项追加任务经费" if overridden else f"{year}年年末追加经费",
            requested_by=clerk,
        )
        steps = [("", Status.REQUESTED, clerk, _moment(day, rng), "")]
        if overridden:
            record.override, record.override_reason = True, OVERRIDE_REASON
            steps += [
                ("override", Status.REQUESTED, staff, _moment(day + timedelta(days=1), rng),
                 OVERRIDE_REASON),
                ("approve", Status.APPROVED, finance, _moment(day + timedelta(days=3), rng), ""),
            ]  # fmt: skip
        funds.disbursements.append((record, steps))


def _numbered(funds: FundsOf) -> None:
    """Vouchers numbered in the order of the days they bear, per unit and year."""
    counts: dict[tuple, int] = {}
    for record in sorted(funds.spending, key=lambda r: (r.unit.code, r.year, r.spent_on)):
        key = ("ZC", record.unit.code, record.year)
        counts[key] = counts.get(key, 0) + 1
        record.voucher_number = f"ZC{record.year}-{record.unit.code}-{counts[key]:03d}"
    paid = [record for record, _steps in funds.disbursements if record.voucher_number]
    for record in sorted(paid, key=lambda r: (r.unit.code, r.year, r.paid_on)):
        key = ("BF", record.unit.code, record.year)
        counts[key] = counts.get(key, 0) + 1
        record.voucher_number = f"BF{record.year}-{record.unit.code}-{counts[key]:02d}"


def _write(funds: FundsOf) -> None:
    """The rows, a history row for each state they went through, the moves' events."""
    _numbered(funds)
    bulk_create_with_history(funds.lines, BudgetLine, batch_size=500)
    bulk_create_with_history(funds.spending, Expenditure, batch_size=500)
    records = [record for record, _steps in funds.disbursements]
    for record, steps in funds.disbursements:
        record.status = steps[-1][1]
        *_rest, by, at, reason = steps[-1]
        if record.status != Status.REQUESTED:
            record.status_changed_by, record.status_changed_at = by, at
        if record.status == Status.RETURNED:
            record.return_reason = reason
    Disbursement.objects.bulk_create(records, batch_size=500)
    for record, steps in funds.disbursements:
        record.requested_at = steps[0][3]  # auto_now_add stamps now; the demo's past moment
    Disbursement.objects.bulk_update(records, ["requested_at"], batch_size=500)
    kind = ContentType.objects.get_for_model(Disbursement)
    created, changed, events = [], [], []
    for record, steps in funds.disbursements:
        for n, (move, state, by, at, reason) in enumerate(steps):
            snapshot = copy.copy(record)
            snapshot.status = state
            if n < len(steps) - 1 and state != Status.PAID:
                snapshot.voucher_number, snapshot.paid_on, snapshot.payee = "", None, ""
                snapshot.return_reason = ""
                past_override = any(step[0] == "override" for step in steps[1 : n + 1])
                snapshot.override = past_override
                snapshot.override_reason = OVERRIDE_REASON if past_override else ""
                if n == 0 or move == "override":
                    snapshot.status_changed_by, snapshot.status_changed_at = None, None
                else:
                    snapshot.status_changed_by, snapshot.status_changed_at = by, at
            snapshot._history_user, snapshot._history_date = by, at
            (changed if n else created).append(snapshot)
            events.append(
                Event(
                    at=at,
                    actor=by,
                    unit_id=record.unit_id,
                    content_type=kind,
                    object_id=record.pk,
                    kind=EventKind.MOVE if n else EventKind.CREATED,
                    action=move or EventKind.CREATED,
                    from_state=steps[n - 1][1] if n else "",
                    to_state=state if n else "",
                    reason=reason,
                )
            )
    Disbursement.history.bulk_history_create(created, batch_size=500)
    Disbursement.history.bulk_history_create(changed, batch_size=500, update=True)
    Event.objects.bulk_create(sorted(events, key=lambda event: event.at), batch_size=500)


def _close_year(district: District, year: int, finance: User, today: date) -> None:
    """The finance bureau closed last year's accounts in the third week of January (or
    yesterday, early in January)."""
    on = max(min(date(year + 1, 1, 20), today - timedelta(days=1)), date(year + 1, 1, 1))
    at = _moment(on, random.Random(f"funds-close-{district.code}"))
    fiscal_year = FiscalYear(district=district, year=year, status=FiscalYear.Status.CLOSED)
    fiscal_year._history_user, fiscal_year._history_date = finance, at
    bulk_create_with_history([fiscal_year], FiscalYear)
    FiscalYear.objects.get_or_create(district=district, year=year + 1)
    Event.objects.create(
        at=at,
        actor=finance,
        unit=None,
        record=fiscal_year,
        kind=EventKind.MOVE,
        action="close",
        from_state=FiscalYear.Status.OPEN,
        to_state=FiscalYear.Status.CLOSED,
    )
