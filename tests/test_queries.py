"""Pages keep a fixed number of queries however many units, groups, members and titles there are.

Each page is measured at two data sizes under the same bound: a per-row query would pass the
small size and fail the large one.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programs.core.choices import TitleLevel, UnitKind
from programs.models import (
    Certification,
    CreatingUnit,
    Event,
    Evidence,
    EvidenceVersion,
    Target,
    UnitMilestone,
    User,
)
from programs.progress.services import unit_milestones_sync
from tests.factories import MilestoneFactory, PhaseFactory, ProgramFactory, UserFactory
from workgroups.models import (
    Activity,
    ActivityKind,
    Member,
    PromotionProject,
    SafetyArea,
    WorkGroup,
    WorkGroupTemplate,
)

# Measured at both sizes, on SQLite and PostgreSQL. Unit list (6): session, user, count, the
# phase summary, the phases of the filter form, the page of units. Unit page (12): session, user,
# unit, committee and office, groups, their members, the unit's milestones, phases, can-edit,
# missing templates, titles, phase moves; a clerk's page has one more (the clerk's own unit, for
# the navigation bar).
# Progress page (9): session, user, count, programme, the page of units, three for the targets,
# the phases of the filter form. Its xlsx export (3): session, user, the units.
# Milestone page (8): session, user, the milestone (with unit, phase, who changed it), can-edit,
# its moves (with who), its evidence, their versions (with who), the evidence to choose in the
# upload form. Advance page (5): session, user, unit, phases, the gate's open milestones.
# The unit page's 13th query is the card of activities and projects (one query of subqueries);
# its 14th the last 12 months' monthly reports (one query); its 15th and 16th the readiness
# card (the latest final evaluation; its grades with their items — one query without one); its
# 17th the creation funds' panel (this year's three sums in one query; none for those who see no
# funds).
# Activity log (9): session, user, unit, can-edit, count, the page of activities (with their
# groups), their files, the files' versions, the quarterly meeting record. Project list (5):
# session, user, unit, can-edit, the projects (with their groups).
# Every page that draws the header asks once more: the bell's unread count (BELL); every page seen
# by district staff or an administrator once more again: the navigation's counts of what waits for
# review (COUNTS, `programs.overview.context_processors.review_counts`). An export draws no header.
BELL = 1
COUNTS = 1
UNIT_LIST_MAX_QUERIES = 6 + BELL + COUNTS
UNIT_DETAIL_MAX_QUERIES = 17 + BELL + COUNTS
ACTIVITY_LIST_MAX_QUERIES = 9 + BELL + COUNTS
PROJECT_LIST_MAX_QUERIES = 5 + BELL + COUNTS
PROGRESS_MAX_QUERIES = 9 + BELL + COUNTS
PROGRESS_EXPORT_MAX_QUERIES = 3
MILESTONE_DETAIL_MAX_QUERIES = 8 + BELL + COUNTS
UNIT_ADVANCE_MAX_QUERIES = 5 + BELL + COUNTS
# A clerk's own unit page: no navigation counts, but the clerk's unit for the navigation bar and
# the to-do (the reports to work on, self-assessments to grade, the quarter's meeting).
CLERK_UNIT_DETAIL_MAX_QUERIES = UNIT_DETAIL_MAX_QUERIES - COUNTS + 1 + 3

GROUPS_PER_UNIT = 14


MILESTONES_PER_PHASE = 3  # all but the last required for the gate


def build_units(
    count: int, *, members_per_group: int, milestones_per_phase: int = MILESTONES_PER_PHASE
) -> list[CreatingUnit]:
    """`count` units in phase 1, each with the 14 standard groups (one dropped), a committee,
    an office, `members_per_group` people in every group, and a row for each of the two phases'
    milestones; written with bulk_create."""
    program = ProgramFactory()
    phase = PhaseFactory(program=program, order=1)
    later = PhaseFactory(program=program, order=2)
    for each in (phase, later):
        for order in range(1, milestones_per_phase + 1):
            MilestoneFactory(
                phase=each,
                order=order,
                required_for_gate=order < milestones_per_phase,
                due_date=timezone.localdate() + timedelta(days=30 * each.order),
            )
    templates = WorkGroupTemplate.objects.bulk_create(
        WorkGroupTemplate(number=n, name=f"标准组{n}") for n in range(1, GROUPS_PER_UNIT + 1)
    )
    kinds = itertools.cycle(UnitKind.values)
    units = CreatingUnit.objects.bulk_create(
        CreatingUnit(
            program=program,
            district_id=program.district_id,
            code=f"Q{n:04d}",
            name=f"单位{n}",
            kind=next(kinds),
            is_pilot=n % 5 == 0,
            population=1000 + n,
            current_phase=phase,
            head_name="负责人",
        )
        for n in range(count)
    )
    now = timezone.now()
    groups = WorkGroup.objects.bulk_create(
        WorkGroup(
            unit=unit,
            template=template,
            name=template.name,
            sort_order=template.number,
            status=WorkGroup.Status.DROPPED if template.number == 1 else WorkGroup.Status.ACTIVE,
            dropped_at=now if template.number == 1 else None,
        )
        for unit in units
        for template in templates
    )
    people = [
        Member(unit_id=group.unit_id, body=Member.Body.GROUP, group=group, name=f"组员{n}")
        for group in groups
        for n in range(members_per_group)
    ]
    people += [
        Member(unit=unit, body=body, name=f"委员{n}")
        for unit in units
        for body in (Member.Body.COMMITTEE, Member.Body.OFFICE)
        for n in range(3)
    ]
    Member.objects.bulk_create(people, batch_size=2000)
    unit_milestones_sync()  # bulk_create sends no post_save: give the units their milestones
    return units


def build_progress(count: int) -> list[CreatingUnit]:
    """`count` units as `build_units` makes them, worked on: every third has its gate open, every
    fourth a milestone overdue, every fifth the Beijing title and every seventh a national
    application; the programme has two targets."""
    units = build_units(count, members_per_group=1)
    today = timezone.localdate()
    program = units[0].program
    gate = UnitMilestone.objects.filter(
        milestone__phase__order=1, milestone__required_for_gate=True
    )
    gate.filter(unit__in=units[::3]).update(status=UnitMilestone.Status.ACCEPTED)
    UnitMilestone.objects.filter(
        unit__in=units[1::4], milestone__phase__order=1, milestone__order=MILESTONES_PER_PHASE
    ).update(due_date=today - timedelta(days=3))
    titles = [
        Certification(
            unit=unit,
            level=TitleLevel.MUNICIPAL,
            status=Certification.Status.NAMED,
            applied_on=today - timedelta(days=200),
            named_on=today - timedelta(days=100),
            valid_until=today + timedelta(days=900),
        )
        for unit in units[::5]
    ]
    titles += [
        Certification(unit=unit, level=TitleLevel.NATIONAL, applied_on=today) for unit in units[::7]
    ]
    Certification.objects.bulk_create(titles)
    Target.objects.bulk_create(
        [
            Target(
                program=program,
                code="municipal-share",
                name="半数单位获北京市称号",
                measure=Target.Measure.UNITS_SHARE,
                level=TitleLevel.MUNICIPAL,
                threshold=50,
                deadline=today + timedelta(days=365),
            ),
            Target(
                program=program,
                code="pilots",
                name="试点单位全部获称号",
                measure=Target.Measure.PILOTS_TITLED,
                level=TitleLevel.MUNICIPAL,
                threshold=100,
                deadline=today + timedelta(days=365),
            ),
        ]
    )
    return units


@pytest.mark.parametrize("unit_count", [38, 400])
def test_unit_list_queries_do_not_grow_with_units(
    client, district_user, django_assert_max_num_queries, unit_count
):
    build_units(unit_count, members_per_group=4)
    client.force_login(district_user)

    with django_assert_max_num_queries(UNIT_LIST_MAX_QUERIES):
        response = client.get(reverse("programs:unit-list"), {"sort": "-groups"})

    assert response.status_code == 200
    assert response.context["total"] == unit_count
    first = response.context["units"][0]
    # The dropped group and its members do not count; committee and office members do.
    active_groups = GROUPS_PER_UNIT - 1
    assert (first.group_count, first.member_count) == (active_groups, active_groups * 4 + 6)


@pytest.mark.parametrize("members_per_group", [4, 30])
def test_unit_page_queries_do_not_grow_with_members(
    client, district_user, django_assert_max_num_queries, members_per_group
):
    (unit,) = build_units(1, members_per_group=members_per_group)
    client.force_login(district_user)

    with django_assert_max_num_queries(UNIT_DETAIL_MAX_QUERIES):
        response = client.get(reverse("programs:unit-detail", args=[unit.code]))

    assert response.status_code == 200
    active = response.context["active_groups"]
    assert len(active) == GROUPS_PER_UNIT - 1
    assert all(len(group.members.all()) == members_per_group for group in active)
    assert len(response.context["dropped_groups"]) == 1


@pytest.mark.parametrize("milestones_per_phase", [3, 15])
def test_unit_page_queries_do_not_grow_with_milestones(
    client, district_user, django_assert_max_num_queries, milestones_per_phase
):
    (unit,) = build_units(1, members_per_group=1, milestones_per_phase=milestones_per_phase)
    client.force_login(district_user)

    with django_assert_max_num_queries(UNIT_DETAIL_MAX_QUERIES):
        response = client.get(reverse("programs:unit-detail", args=[unit.code]))

    assert response.status_code == 200
    assert sum(len(items) for _phase, items in response.context["timeline"]) == (
        2 * milestones_per_phase
    )


@pytest.mark.parametrize("members_per_group", [4, 30])
def test_clerk_unit_page_queries_do_not_grow_with_members(
    client, db, django_assert_max_num_queries, members_per_group
):
    (unit,) = build_units(1, members_per_group=members_per_group)
    client.force_login(UserFactory(role=User.Role.CLERK, unit=unit))

    with django_assert_max_num_queries(CLERK_UNIT_DETAIL_MAX_QUERIES):
        response = client.get(reverse("programs:unit-detail", args=[unit.code]))

    assert response.status_code == 200


@pytest.mark.parametrize("unit_count", [38, 400])
def test_progress_page_queries_do_not_grow_with_units(
    client, district_user, django_assert_max_num_queries, unit_count
):
    build_progress(unit_count)
    client.force_login(district_user)

    with django_assert_max_num_queries(PROGRESS_MAX_QUERIES):
        response = client.get(reverse("programs:progress"), {"sort": "-gate"})

    assert response.status_code == 200
    assert response.context["total"] == unit_count
    first = response.context["units"][0]
    assert (first.gate_accepted, first.gate_total) == (2, 2)
    titled = -(-unit_count // 5)  # every fifth unit, counting the first
    share = response.context["targets"][0]
    assert (share.numerator, share.denominator) == (titled, unit_count)


@pytest.mark.parametrize("unit_count", [38, 400])
def test_progress_export_queries_do_not_grow_with_units(
    client, district_user, django_assert_max_num_queries, unit_count
):
    build_progress(unit_count)
    client.force_login(district_user)

    with django_assert_max_num_queries(PROGRESS_EXPORT_MAX_QUERIES):
        response = client.get(reverse("programs:progress-export"), {"overdue": "yes"})

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    overdue = len(range(1, unit_count, 4))
    assert sheet.max_row == 1 + overdue


def build_milestone_record(
    *, evidence_count: int, versions_each: int, event_count: int
) -> UnitMilestone:
    """A unit's first milestone with `evidence_count` pieces of evidence of `versions_each`
    versions, and `event_count` moves; uploads and moves by different clerks."""
    (unit,) = build_units(1, members_per_group=0)
    item = UnitMilestone.objects.filter(unit=unit).order_by("milestone__order").first()
    clerks = User.objects.bulk_create(
        User(
            username=f"clerk{n}",
            role=User.Role.CLERK,
            unit=unit,
            district_id=unit.district_id,
            last_name=f"员{n}",
        )
        for n in range(3)
    )
    documents = Evidence.objects.bulk_create(
        Evidence(unit=unit, unit_milestone=item, title=f"材料{n}") for n in range(evidence_count)
    )
    EvidenceVersion.objects.bulk_create(
        EvidenceVersion(
            evidence=document,
            number=number,
            file=f"evidence/{unit.code}/{document.pk}-{number}.pdf",
            original_name=f"{document.title}-v{number}.pdf",
            content_type="application/pdf",
            size=1024 * number,
            sha256=f"{number:064d}",
            effective_date=timezone.localdate(),
            uploaded_by=clerks[number % len(clerks)],
        )
        for document in documents
        for number in range(1, versions_each + 1)
    )
    moves = itertools.cycle(
        [
            (UnitMilestone.Status.NOT_STARTED, UnitMilestone.Status.IN_PROGRESS),
            (UnitMilestone.Status.IN_PROGRESS, UnitMilestone.Status.SUBMITTED),
            (UnitMilestone.Status.SUBMITTED, UnitMilestone.Status.RETURNED),
            (UnitMilestone.Status.RETURNED, UnitMilestone.Status.IN_PROGRESS),
        ]
    )
    now = timezone.now()
    milestone_type = ContentType.objects.get_for_model(UnitMilestone)
    Event.objects.bulk_create(
        Event(
            content_type=milestone_type,
            object_id=item.pk,
            unit_id=item.unit_id,
            action="start",
            from_state=before,
            to_state=after,
            actor=clerks[n % len(clerks)],
            at=now - timedelta(hours=event_count - n),
            reason="请补充签字页" if after == UnitMilestone.Status.RETURNED else "",
        )
        for n, (before, after) in zip(range(event_count), moves, strict=False)
    )
    UnitMilestone.objects.filter(pk=item.pk).update(status=UnitMilestone.Status.IN_PROGRESS)
    return item


@pytest.mark.parametrize(
    ("evidence_count", "versions_each", "event_count"), [(1, 1, 2), (5, 4, 20)]
)
def test_milestone_page_queries_do_not_grow_with_evidence_and_moves(
    client, district_user, django_assert_max_num_queries, evidence_count, versions_each, event_count
):
    item = build_milestone_record(
        evidence_count=evidence_count, versions_each=versions_each, event_count=event_count
    )
    url = item.get_absolute_url()
    client.force_login(district_user)

    with django_assert_max_num_queries(MILESTONE_DETAIL_MAX_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    documents = list(response.context["evidence"])
    assert len(documents) == evidence_count
    assert all(len(doc.versions.all()) == versions_each for doc in documents)
    assert len(response.context["history"]) == event_count
    assert response.content.decode().count("/download/") == evidence_count * versions_each


@pytest.mark.parametrize("open_required", [2, 15])
def test_advance_page_queries_do_not_grow_with_open_milestones(
    client, district_user, django_assert_max_num_queries, open_required
):
    (unit,) = build_units(1, members_per_group=0, milestones_per_phase=open_required + 1)
    client.force_login(district_user)

    with django_assert_max_num_queries(UNIT_ADVANCE_MAX_QUERIES):
        response = client.get(reverse("programs:unit-advance", args=[unit.code]))

    assert response.status_code == 200
    gate = response.context["gate"]
    assert len(gate.open_required) == open_required
    html = response.content.decode()
    assert all(item.get_absolute_url() in html for item in gate.open_required)


def build_activity_log(count: int) -> CreatingUnit:
    """One unit with `count` activities of every kind over the last two years, each run by one
    of its groups; every fifth has a file in two versions; and `count // 10` projects."""
    (unit,) = build_units(1, members_per_group=0)
    today = timezone.localdate()
    unit.joined_on = today - timedelta(days=730)
    unit.save(update_fields=["joined_on"])
    groups = list(WorkGroup.objects.filter(unit=unit))
    clerk = UserFactory(role=User.Role.CLERK, unit=unit)
    kinds = itertools.cycle(ActivityKind.values)
    activities = Activity.objects.bulk_create(
        Activity(
            unit=unit,
            kind=next(kinds),
            date=today - timedelta(days=n * 730 // count),
            group=groups[n % len(groups)],
            title=f"活动{n}",
            participants=n,
            hazards_found=n % 7,
            hazards_rectified=n % 5 if n % 5 <= n % 7 else 0,
        )
        for n in range(count)
    )
    files = Evidence.objects.bulk_create(
        Evidence(unit=unit, activity=activity, title=f"签到表{activity.pk}")
        for activity in activities[::5]
    )
    EvidenceVersion.objects.bulk_create(
        EvidenceVersion(
            evidence=document,
            number=number,
            file=f"evidence/{unit.code}/{document.pk}-{number}.pdf",
            original_name=f"{document.title}-v{number}.pdf",
            content_type="application/pdf",
            size=1024,
            sha256=f"{number:064d}",
            effective_date=today,
            uploaded_by=clerk,
        )
        for document in files
        for number in (1, 2)
    )
    PromotionProject.objects.bulk_create(
        PromotionProject(
            unit=unit,
            group=groups[n % len(groups)],
            name=f"项目{n}",
            safety_area=SafetyArea.values[n % len(SafetyArea.values)],
            target_groups=["elderly", "children"],
            interventions=["education"],
            objective="目标",
            start=today - timedelta(days=n),
            status=PromotionProject.Status.ACTIVE,
        )
        for n in range(count // 10)
    )
    return unit


@pytest.mark.parametrize("activity_count", [20, 400])
def test_activity_log_queries_do_not_grow_with_activities(
    client, district_user, django_assert_max_num_queries, activity_count
):
    unit = build_activity_log(activity_count)
    client.force_login(district_user)

    with django_assert_max_num_queries(ACTIVITY_LIST_MAX_QUERIES):
        response = client.get(reverse("workgroups:activity-list", args=[unit.code]))

    assert response.status_code == 200
    assert response.context["total"] == activity_count
    rows = list(response.context["activities"])
    assert len(rows) == min(activity_count, 50)
    assert len(response.context["meeting_record"]) in (9, 10)  # two years: 9 quarters or 10
    html = response.content.decode()
    assert html.count("/download/") == sum(1 for row in rows if row.attachments.all())


@pytest.mark.parametrize("activity_count", [20, 400])
def test_unit_page_queries_do_not_grow_with_activities(
    client, district_user, django_assert_max_num_queries, activity_count
):
    unit = build_activity_log(activity_count)
    client.force_login(district_user)

    with django_assert_max_num_queries(UNIT_DETAIL_MAX_QUERIES):
        response = client.get(reverse("programs:unit-detail", args=[unit.code]))

    assert response.status_code == 200
    assert response.context["activity_summary"].projects_active == activity_count // 10


@pytest.mark.parametrize("activity_count", [20, 400])
def test_project_list_queries_do_not_grow_with_projects(
    client, district_user, django_assert_max_num_queries, activity_count
):
    unit = build_activity_log(activity_count)
    client.force_login(district_user)

    with django_assert_max_num_queries(PROJECT_LIST_MAX_QUERIES):
        response = client.get(reverse("workgroups:project-list", args=[unit.code]))

    assert response.status_code == 200
    assert len(response.context["projects"]) == activity_count // 10
