"""Who reaches which page: every URL name of the portal's pages × every persona.

Each row of `MATRIX` is one URL name with the answer each persona gets. A URL added to
`programs` or `workgroups` without a row here fails `test_every_url_name_is_in_the_matrix`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone

from programs.core.choices import TitleLevel
from programs.core.services import token_create
from programs.funds.models import BudgetLine, FundCategory, FundsDocument, FundSource
from programs.funds.services import (
    disbursement_request,
    expenditure_record,
    funds_document_upload,
    funds_reference_load,
)
from programs.jobs.models import Job
from programs.jobs.runner import start
from programs.models import (
    ApiToken,
    Certification,
    CreatingUnit,
    Disbursement,
    Evaluation,
    EvaluationRound,
    Event,
    Evidence,
    EvidenceVersion,
    Expenditure,
    ItemScore,
    MonthlyReport,
    UnitMilestone,
)
from programs.notifications.models import Notification
from programs.notifications.services import notify_events
from programs.progress.demo import demo_pdf
from programs.progress.services import evidence_upload
from tests.factories import (
    ActivityFactory,
    EvaluationFactory,
    EventFactory,
    MemberFactory,
    MilestoneFactory,
    PhaseFactory,
    PromotionProjectFactory,
    SchemeItemFactory,
    UnitFactory,
    WorkGroupFactory,
)
from tests.jobs.kinds import a_file
from workgroups.models import Activity, Member, PromotionProject, WorkGroup

LOGIN = "login"  # anonymous: 302 to the login page, with ?next= pointing back
PERSONAS = (
    "anonymous",
    "district_user",
    "clerk_a",
    "clerk_b",
    "provider",
    "finance_user",
    "evaluator",
    "city_user",
    "other_district_user",
)

# Which object of unit A the URL names: None, "unit" (its code), "group", "dropped" (a dropped
# group), "member", "milestone" (code and pk of a unit milestone), "start" (the same with the
# "start" action), "version" (an evidence file), "title" (a title application), "activity",
# "project", "project-start" (the project with its "start" move), "district" (its district's
# code), "ledger" (its code and this year: its funds ledger), "year-close" (its district's
# fiscal year of this year with the "close" move), "disbursement" (a disbursement asked for it,
# within its budget), "approve" (the same with the "approve" move), "expenditure", and
# "funds-document" (the disbursement's voucher).
# fmt: off
MATRIX: list[tuple[str, str, str | None, tuple[int | str, ...]]] = [
    # url name                          method  object       anon   dist clk_a clk_b prov  fin  eval city other
    ("home",                            "get",  None,        (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("login",                           "get",  None,        (200, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("logout",                          "post", None,        (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("set_language",                    "post", None,        (302, 302, 302, 302, 302, 302, 302, 302, 302)),
    # public, and failing here: the test world runs no worker
    ("healthz",                         "get",  None,        (503, 503, 503, 503, 503, 503, 503, 503, 503)),
    ("favicon",                         "get",  None,        (301, 301, 301, 301, 301, 301, 301, 301, 301)),
    ("programs:job-list",               "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:job-detail",             "get",  "job",       (LOGIN, 404, 200, 404, 404, 404, 404, 404, 404)),
    ("programs:job-progress",           "get",  "job",       (LOGIN, 404, 200, 404, 404, 404, 404, 404, 404)),
    ("programs:job-download",           "get",  "job",       (LOGIN, 404, 200, 404, 404, 404, 404, 404, 404)),
    ("programs:unit-list",              "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:program-overview",       "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:unit-detail",            "get",  "unit",      (LOGIN, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("programs:unit-history",           "get",  "unit",      (LOGIN, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("programs:unit-summary",           "get",  "unit",      (LOGIN, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("programs:unit-edit",              "get",  "unit",      (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:group-add",            "get",  "unit",      (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:group-add-custom",     "get",  "unit",      (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:group-edit",           "get",  "group",     (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:group-drop",           "get",  "group",     (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:group-restore",        "post", "dropped",   (LOGIN, 302, 302, 404, 404, 404, 404, 404, 404)),
    ("workgroups:member-add",           "get",  "unit",      (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:member-edit",          "get",  "member",    (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:member-delete",        "get",  "member",    (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("programs:unit-advance",           "get",  "unit",      (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("programs:milestone-detail",       "get",  "milestone", (LOGIN, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("programs:evidence-upload",        "post", "milestone", (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("programs:milestone-transition",   "post", "start",     (LOGIN, 302, 302, 404, 404, 404, 404, 404, 404)),
    ("programs:evidence-download",      "get",  "version",   (LOGIN, 200, 200, 404, 200, 200, 404, 404, 404)),
    ("programs:title-add",              "get",  "unit",      (LOGIN, 200, 404, 404, 404, 404, 404, 404, 404)),
    ("programs:title-move",             "post", "title",     (LOGIN, 302, 404, 404, 404, 404, 404, 404, 404)),
    ("programs:district-detail",        "get",  "district",  (LOGIN, 200, 200, 200, 200, 200, 200, 200, 404)),
    ("programs:district-export",        "get",  "district",  (LOGIN, 302, 302, 302, 302, 302, 302, 302, 404)),
    ("programs:map",                    "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    # the city office's and administrators' pages: no such page for anybody else
    ("programs:city-dashboard",         "get",  None,        (LOGIN, 404, 404, 404, 404, 404, 404, 200, 404)),
    ("programs:city-export",            "get",  None,        (LOGIN, 404, 404, 404, 404, 404, 404, 200, 404)),
    ("programs:dashboard",              "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:dashboard-export",       "get",  None,        (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("programs:progress",               "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:progress-export",        "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:report-grid",            "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:report-queue",           "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    # each selected report is decided by its move's rule; nothing selected: back to the queue
    ("programs:report-bulk-approve",    "post", None,        (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("programs:milestone-queue",        "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:report-export",          "get",  None,        (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("programs:report-export-csv",      "get",  None,        (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302)),
    ("programs:report-list",            "get",  "unit",      (LOGIN, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("programs:report-detail",          "get",  "report",    (LOGIN, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("programs:report-print",           "get",  "report",    (LOGIN, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("programs:report-transition",      "post", "submit",    (LOGIN, 302, 302, 404, 404, 404, 404, 404, 404)),
    ("workgroups:activity-list",        "get",  "unit",      (LOGIN, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("workgroups:activity-add",         "get",  "unit",      (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:activity-edit",        "get",  "activity",  (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:activity-delete",      "get",  "activity",  (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:activity-attach",      "post", "activity",  (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:project-list",         "get",  "unit",      (LOGIN, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("workgroups:project-add",          "get",  "unit",      (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:project-edit",         "get",  "project",   (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("workgroups:project-transition",   "post", "project-start", (LOGIN, 302, 302, 404, 404, 404, 404, 404, 404)),
    ("programs:round-list",             "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:round-create",           "get",  None,        (LOGIN, 200, 404, 404, 404, 404, 404, 404, 200)),
    ("programs:round-detail",           "get",  "round",     (LOGIN, 200, 200, 404, 404, 404, 404, 200, 404)),
    ("programs:evaluation-detail",      "get",  "evaluation", (LOGIN, 200, 200, 404, 404, 404, 404, 200, 404)),
    ("programs:round-export",           "get",  "round",     (LOGIN, 200, 200, 404, 404, 404, 404, 200, 404)),
    # district staff get the confirmation page; clerk A and the city office may not finalise a
    # district review (they see it: refused with a message)
    ("programs:evaluation-finalise",    "post", "evaluation", (LOGIN, 200, 302, 404, 404, 404, 404, 302, 404)),
    # a draft: district staff are told it is not final (and need a reason); others may not
    ("programs:evaluation-reopen",      "post", "evaluation", (LOGIN, 302, 404, 404, 404, 404, 404, 404, 404)),
    # creation funds: everyone but providers and evaluators, each in their scope
    ("programs:funds",                  "get",  None,        (LOGIN, 200, 200, 200, 404, 200, 404, 200, 200)),
    ("programs:funds-ledger",           "get",  "ledger",    (LOGIN, 200, 200, 404, 404, 200, 404, 200, 404)),
    ("programs:funds-accounts",         "get",  None,        (LOGIN, 200, 200, 200, 404, 200, 404, 200, 200)),
    # the exports are jobs: 302 to the job's page
    ("programs:funds-accounts-export",  "get",  None,        (LOGIN, 302, 302, 302, 404, 302, 404, 302, 302)),
    ("programs:funds-ledger-export",    "get",  "ledger",    (LOGIN, 302, 302, 404, 404, 302, 404, 302, 404)),
    # the treasury's file of payments: finance staff only (a confirmation without rows goes back)
    ("programs:funds-treasury",         "get",  None,        (LOGIN, 404, 404, 404, 404, 200, 404, 404, 404)),
    ("programs:funds-treasury-confirm", "post", None,        (LOGIN, 404, 404, 404, 404, 302, 404, 404, 404)),
    # the forms on a ledger: budgets by finance and district staff, requests and spending by the
    # unit's clerk and district staff; the fiscal year's moves by the district's finance staff
    ("programs:funds-budget",           "get",  "ledger",    (LOGIN, 200, 404, 404, 404, 200, 404, 404, 404)),
    ("programs:funds-disbursement-new", "get",  "ledger",    (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("programs:funds-expenditure-new",  "get",  "ledger",    (LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)),
    ("programs:funds-year-move",        "post", "year-close", (LOGIN, 404, 404, 404, 404, 302, 404, 404, 404)),
    # a disbursement of unit A, its expenditure and voucher: finance staff decide and add vouchers,
    # the city office reads (its moves refused with a message) and opens no file
    ("programs:funds-disbursement",     "get",  "disbursement", (LOGIN, 200, 200, 404, 404, 200, 404, 200, 404)),
    ("programs:funds-disbursement-move", "post", "approve",  (LOGIN, 302, 302, 404, 404, 302, 404, 302, 404)),
    ("programs:funds-disbursement-upload", "post", "disbursement", (LOGIN, 200, 200, 404, 404, 200, 404, 404, 404)),
    ("programs:funds-expenditure",      "get",  "expenditure", (LOGIN, 200, 200, 404, 404, 200, 404, 200, 404)),
    ("programs:funds-expenditure-upload", "post", "expenditure", (LOGIN, 200, 200, 404, 404, 200, 404, 404, 404)),
    ("programs:funds-document-download", "get", "funds-document", (LOGIN, 200, 200, 404, 404, 200, 404, 404, 404)),
    ("programs:notification-list",      "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:notification-settings",  "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:notification-read-all",  "post", None,        (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302)),
    # clerk A's notification of unit A's report: its recipient only
    ("programs:notification-open",      "get",  "notification", (LOGIN, 404, 302, 404, 404, 404, 404, 404, 404)),
    ("programs:notification-read",      "post", "notification", (LOGIN, 404, 302, 404, 404, 404, 404, 404, 404)),
    # API tokens: each user's own (an empty form is 400); clerk A's token is revoked by clerk A only
    ("programs:token-list",             "get",  None,        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    ("programs:token-create",           "post", None,        (LOGIN, 400, 400, 400, 400, 400, 400, 400, 400)),
    ("programs:token-revoke",           "post", "token",     (LOGIN, 404, 302, 404, 404, 404, 404, 404, 404)),
]
# fmt: on


def pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("入侵.pdf", demo_pdf("intruder"), "application/pdf")


PROJECT_POST = {
    "name": "入侵项目",
    "safety_area": "fire",
    "target_groups": ["workers"],
    "objective": "入侵",
    "interventions": ["management"],
    "start": "2025-01-01",
    "status": "completed",
}

# A disbursement or expenditure of unit A's funds, in the first category and source of the
# reference load (which `unit_a_world` writes).
FUNDS_POST = {
    "category": lambda: str(FundCategory.objects.first().pk),
    "source": lambda: str(FundSource.objects.first().pk),
    "amount": "100",
    "voucher_number": "入侵-1",
}

# The edit URLs again, with the POST that would change something if it got through (a callable
# value is called for a fresh file each time).
EDIT_POSTS: list[tuple[str, str, dict[str, Any]]] = [
    ("programs:unit-edit", "unit", {"head_name": "入侵者", "population": "1"}),
    ("workgroups:group-add", "unit", {"templates": "1"}),
    ("workgroups:group-add-custom", "unit", {"name": "入侵组", "sort_order": "1"}),
    ("workgroups:group-edit", "group", {"name": "入侵组", "sort_order": "1"}),
    ("workgroups:group-drop", "group", {}),
    ("workgroups:group-restore", "dropped", {}),
    ("workgroups:member-add", "unit", {"body": "committee", "name": "入侵者", "role": "member"}),
    ("workgroups:member-edit", "member", {"body": "committee", "name": "入侵者", "role": "member"}),
    ("workgroups:member-delete", "member", {}),
    ("programs:unit-advance", "unit", {"reason": "入侵者推进"}),
    (
        "programs:evidence-upload",
        "milestone",
        {"title": "入侵材料", "effective_date": "2025-01-01", "file": pdf_upload},
    ),
    ("programs:milestone-transition", "start", {}),
    ("programs:title-add", "unit", {"level": "national", "applied_on": "2025-01-01"}),
    ("programs:title-move", "title", {"status": "review", "on": "2025-01-01"}),
    (
        "workgroups:activity-add",
        "unit",
        {"kind": "training", "date": "2025-01-01", "title": "入侵培训", "participants": "1"},
    ),
    (
        "workgroups:activity-edit",
        "activity",
        {"kind": "training", "date": "2025-01-01", "title": "入侵培训", "participants": "1"},
    ),
    ("workgroups:activity-delete", "activity", {}),
    ("workgroups:activity-attach", "activity", {"title": "入侵照片", "file": pdf_upload}),
    ("workgroups:project-add", "unit", PROJECT_POST),
    ("workgroups:project-edit", "project", PROJECT_POST),
    ("workgroups:project-transition", "project-start", {}),
    ("programs:report-detail", "report", {"version": "0", "work_done": "入侵者"}),
    ("programs:report-transition", "submit", {}),
    ("programs:funds-disbursement-new", "ledger", FUNDS_POST | {"purpose": "入侵"}),
    (
        "programs:funds-expenditure-new",
        "ledger",
        FUNDS_POST | {"spent_on": f"{timezone.localdate()}", "description": "入侵"},
    ),
]


@dataclass
class UnitA:
    unit: CreatingUnit
    group: WorkGroup
    dropped: WorkGroup
    member: Member
    milestone: UnitMilestone
    version: EvidenceVersion
    title: Certification
    activity: Activity
    project: PromotionProject
    report: MonthlyReport
    evaluation: Evaluation
    job: Job
    notification: Notification
    token: ApiToken
    disbursement: Disbursement
    expenditure: Expenditure
    funds_document: FundsDocument

    def args_for(self, target: str | None) -> list:
        return {
            None: [],
            "unit": [self.unit.code],
            "group": [self.group.pk],
            "dropped": [self.dropped.pk],
            "member": [self.member.pk],
            "milestone": [self.unit.code, self.milestone.pk],
            "start": [self.unit.code, self.milestone.pk, "start"],
            "version": [self.version.pk],
            "title": [self.title.pk],
            "activity": [self.activity.pk],
            "project": [self.project.pk],
            "project-start": [self.project.pk, "start"],
            "report": [self.unit.code, f"{self.report.period:%Y-%m}"],
            "submit": [self.unit.code, f"{self.report.period:%Y-%m}", "submit"],
            "round": [self.evaluation.round_id],
            "evaluation": [self.evaluation.pk],
            "job": [self.job.pk],
            "notification": [self.notification.pk],
            "token": [self.token.pk],
            "district": [self.unit.district.code],
            "ledger": [self.unit.code, timezone.localdate().year],
            "year-close": [self.unit.district.code, timezone.localdate().year, "close"],
            "disbursement": [self.disbursement.pk],
            "approve": [self.disbursement.pk, "approve"],
            "expenditure": [self.expenditure.pk],
            "funds-document": [self.funds_document.pk],
        }[target]

    def snapshot(self) -> tuple:
        """Everything a stray POST could change in unit A."""
        return (
            tuple(
                CreatingUnit.objects.filter(pk=self.unit.pk).values_list("head_name", "population")
            ),
            tuple(
                WorkGroup.objects.filter(unit=self.unit)
                .order_by("pk")
                .values_list("name", "status")
            ),
            tuple(Member.objects.filter(unit=self.unit).order_by("pk").values_list("name", "body")),
            tuple(
                CreatingUnit.objects.filter(pk=self.unit.pk).values_list("current_phase", flat=True)
            ),
            Event.objects.filter(unit=self.unit).count(),
            tuple(
                UnitMilestone.objects.filter(unit=self.unit)
                .order_by("pk")
                .values_list("status", "status_changed_by")
            ),
            tuple(
                EvidenceVersion.objects.filter(evidence__unit=self.unit)
                .order_by("pk")
                .values_list("pk", "sha256")
            ),
            tuple(
                Certification.objects.filter(unit=self.unit)
                .order_by("pk")
                .values_list("level", "status")
            ),
            tuple(
                Activity.objects.filter(unit=self.unit)
                .order_by("pk")
                .values_list("pk", "title", "kind", "participants")
            ),
            tuple(
                Evidence.objects.filter(unit=self.unit).order_by("pk").values_list("pk", "title")
            ),
            tuple(
                PromotionProject.objects.filter(unit=self.unit)
                .order_by("pk")
                .values_list("pk", "name", "status", "target_groups")
            ),
            tuple(
                MonthlyReport.objects.filter(unit=self.unit)
                .order_by("pk")
                .values_list("pk", "status", "version", "work_done")
            ),
            Disbursement.objects.filter(unit=self.unit).count(),
            Expenditure.objects.filter(unit=self.unit).count(),
        )


@pytest.fixture
def unit_a_world(unit_a, unit_b, district_user, clerk_a) -> UnitA:
    group = WorkGroupFactory(unit=unit_a, name="宣传教育组")
    dropped = WorkGroupFactory(
        unit=unit_a, name="已撤销组", status=WorkGroup.Status.DROPPED, dropped_at=timezone.now()
    )
    member = MemberFactory(unit=unit_a, body=Member.Body.GROUP, group=group, name="张三")
    # Two phases with one required milestone each: unit A stands in the first, its gate closed.
    first = PhaseFactory(program=unit_a.program, order=1, name="启动")
    PhaseFactory(program=unit_a.program, order=2, name="实施")
    MilestoneFactory(phase=first, order=1, name="制定工作方案", evidence_required=True)
    CreatingUnit.objects.filter(pk__in=[unit_a.pk, unit_b.pk]).update(current_phase=first)
    milestone = UnitMilestone.objects.get(unit=unit_a)
    version = evidence_upload(
        unit_milestone=milestone,
        by=district_user,
        upload=SimpleUploadedFile("方案.pdf", demo_pdf("plan"), "application/pdf"),
        effective_date=timezone.localdate(),
        title="工作方案",
    )
    # The upload started the milestone; set it back, so a "start" that got through would show.
    milestone.refresh_from_db()
    milestone.status = UnitMilestone.Status.NOT_STARTED
    milestone.save(update_fields=["status"])
    title = Certification.objects.create(
        unit=unit_a, level=TitleLevel.MUNICIPAL, applied_on=timezone.localdate()
    )
    activity = ActivityFactory(unit=unit_a, group=group, title="消防安全培训")
    project = PromotionProjectFactory(unit=unit_a, group=group, name="老年人防跌倒项目")
    report = MonthlyReport.objects.create(unit=unit_a, period=timezone.localdate().replace(day=1))
    # A district review of unit A with no evaluator named: its clerk sees it but may not score it.
    evaluation = EvaluationFactory(
        unit=unit_a, round__kind=EvaluationRound.Kind.DISTRICT, round__created_by=district_user
    )
    # Clerk A's export: a job with its file, which only clerk A may follow and download.
    job, _created = start(a_file, user=clerk_a, title="导出", params={"text": "x"})
    # Clerk A is told of the report's return; only clerk A may open it.
    notify_events([EventFactory(record=report, action="return")])
    notification = Notification.objects.get(user=clerk_a)
    token, _key = token_create(user=clerk_a, name="公安分局")
    # Unit A's money: a budget line, a disbursement asked within it with its voucher, spending.
    funds_reference_load(created=Counter())
    money = funds_key(unit_a)
    BudgetLine.objects.create(**money, amount_fen=100_000)
    disbursement = disbursement_request(by=clerk_a, **money, amount_fen=1_000, purpose="防跌倒")
    voucher = SimpleUploadedFile("凭证.pdf", demo_pdf("voucher"), "application/pdf")
    funds_document = funds_document_upload(
        by=clerk_a, record=disbursement, kind="voucher", upload=voucher
    )
    expenditure = expenditure_record(
        by=clerk_a,
        unit=unit_a,
        spent_on=timezone.localdate(),
        category=money["category"],
        source=money["source"],
        amount_fen=500,
        description="宣传册",
        voucher_number="ZC-1",
    )
    return UnitA(
        disbursement=disbursement,
        expenditure=expenditure,
        funds_document=funds_document,
        token=token,
        notification=notification,
        job=job,
        evaluation=evaluation,
        report=report,
        activity=activity,
        project=project,
        unit=unit_a,
        group=group,
        dropped=dropped,
        member=member,
        milestone=milestone,
        version=version,
        title=title,
    )


def funds_key(unit: CreatingUnit) -> dict[str, Any]:
    """Unit A's budget line of this year: promotion projects from the district budget."""
    return {
        "unit": unit,
        "year": timezone.localdate().year,
        "category": FundCategory.objects.get(code="promotion"),
        "source": FundSource.objects.get(code="district_budget"),
    }


def matrix_cases(matrix: list[tuple]) -> list:
    """One test case per URL name × persona of `matrix`."""
    return [
        pytest.param(name, method, target, persona_name, status, id=f"{name}-{persona_name}")
        for name, method, target, expected in matrix
        for persona_name, status in zip(PERSONAS, expected, strict=True)
    ]


@pytest.mark.parametrize(
    ("name", "method", "target", "persona", "expected"), matrix_cases(MATRIX), indirect=["persona"]
)
def test_access_matrix(client, unit_a_world, name, method, target, persona, expected):
    url = reverse(name, args=unit_a_world.args_for(target))
    response = getattr(client, method)(url)
    response.close()  # a download holds the file open until closed

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{persona} {method.upper()} {url}"


@pytest.mark.parametrize(
    "persona",
    ["clerk_b", "provider", "finance_user", "evaluator", "city_user", "other_district_user"],
    indirect=True,
)
@pytest.mark.parametrize(("name", "target", "data"), EDIT_POSTS, ids=[row[0] for row in EDIT_POSTS])
def test_outsiders_cannot_change_unit_a_by_posting(
    client, unit_a_world, persona, name, target, data
):
    before = unit_a_world.snapshot()

    payload = {key: value() if callable(value) else value for key, value in data.items()}

    response = client.post(reverse(name, args=unit_a_world.args_for(target)), payload)

    assert response.status_code == 404
    assert unit_a_world.snapshot() == before


def test_clerk_a_cannot_reach_unit_b(client, clerk_a, unit_b):
    client.force_login(clerk_a)

    for name in (
        "programs:unit-detail",
        "programs:unit-history",
        "programs:unit-edit",
        "programs:unit-advance",
        "programs:title-add",
        "workgroups:activity-list",
        "workgroups:activity-add",
        "workgroups:project-list",
        "workgroups:project-add",
        "programs:report-list",
    ):
        assert client.get(reverse(name, args=[unit_b.code])).status_code == 404


def test_clerk_b_cannot_download_unit_a_evidence_even_by_its_number(client, unit_a_world, clerk_b):
    client.force_login(clerk_b)

    response = client.get(unit_a_world.version.get_absolute_url())

    assert response.status_code == 404
    assert not getattr(response, "streaming", False)


def test_every_url_name_is_in_the_matrix():
    covered = {name for name, *_rest in MATRIX}
    resolver = get_resolver()
    in_urlconf = set()
    for namespace in ("programs", "workgroups"):
        _prefix, app_resolver = resolver.namespace_dict[namespace]
        in_urlconf |= {f"{namespace}:{p.name}" for p in app_resolver.url_patterns if p.name}

    assert in_urlconf - covered == set(), "add these URL names to MATRIX"
    assert {"home", "login", "logout", "set_language", "healthz"} <= covered


def test_anonymous_is_sent_to_login_and_back(client, unit_a):
    url = reverse("programs:unit-detail", args=[unit_a.code])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_an_evaluator_sees_the_units_of_their_rounds_read_only_and_nothing_else_of_them(
    client, unit_a_world, unit_b, evaluator, district_user
):
    evaluation = unit_a_world.evaluation
    evaluation.round.evaluators.add(evaluator)
    # A second round names the evaluator too, over unit B: both units are theirs to see.
    EvaluationFactory(unit=unit_b, round__evaluators=[evaluator], round__created_by=district_user)
    # The milestone's document is linked in the evaluation of unit A.
    item = SchemeItemFactory(element__scheme=evaluation.round.scheme)
    score = ItemScore.objects.create(evaluation=evaluation, item=item)
    score.evidence_links.add(unit_a_world.version.evidence)
    CreatingUnit.objects.filter(pk=unit_a_world.unit.pk).update(
        head_name="李镇长", contact_name="赵联络", contact_phone="010-69440000"
    )
    client.force_login(evaluator)

    listing = client.get(reverse("programs:unit-list"))
    page = client.get(reverse("programs:unit-detail", args=[unit_a_world.unit.code]))

    assert {unit.code for unit in listing.context["units"]} == {
        unit_a_world.unit.code,
        unit_b.code,
    }
    for private in ("李镇长", "赵联络", "010-69440000"):  # the unit's people stay unlisted
        assert private not in listing.content.decode()
        assert private not in page.content.decode()
    assert page.status_code == 200
    html = page.content.decode()
    assert "工作方案" in html  # the linked document, with its download
    assert unit_a_world.version.get_absolute_url() in html
    assert reverse("programs:evaluation-detail", args=[evaluation.pk]) in html
    for private in ("张三", "消防安全培训", "老年人防跌倒项目", "宣传教育组"):
        assert private not in html
    assert client.get(unit_a_world.version.get_absolute_url()).status_code == 200
    for name, target in (
        ("programs:unit-history", "unit"),
        ("programs:unit-summary", "unit"),
        ("programs:unit-edit", "unit"),
        ("programs:report-list", "unit"),
        ("programs:report-detail", "report"),
        ("programs:milestone-detail", "milestone"),
        ("workgroups:activity-list", "unit"),
        ("workgroups:project-list", "unit"),
        ("workgroups:member-edit", "member"),
    ):
        url = reverse(name, args=unit_a_world.args_for(target))
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("sort", ["members", "-members", "groups", "-groups"])
def test_an_evaluator_cannot_order_the_units_by_their_organisation(client, evaluator, sort):
    # The order would tell the sizes the page does not show: it stays the plan's.
    small = UnitFactory(code="T01")
    large = UnitFactory(code="T02")
    for _n in range(3):
        MemberFactory(unit=large)
    for unit in (small, large):
        EvaluationFactory(unit=unit, round__evaluators=[evaluator])
    client.force_login(evaluator)

    response = client.get(reverse("programs:unit-list"), {"sort": sort})

    assert response.status_code == 200
    assert [unit.code for unit in response.context["units"]] == ["T01", "T02"]
    assert not hasattr(response.context["units"][0], "member_count")


def test_an_evaluator_gets_404_on_units_outside_their_rounds(client, unit_a_world, evaluator):
    client.force_login(evaluator)

    assert not client.get(reverse("programs:unit-list")).context["units"]
    for name in ("programs:unit-detail", "programs:report-list", "workgroups:activity-list"):
        assert client.get(reverse(name, args=[unit_a_world.unit.code])).status_code == 404


@pytest.mark.parametrize(
    "page", ["programs:dashboard", "programs:progress", "programs:report-grid"]
)
def test_an_evaluators_units_add_nothing_to_the_pages_of_the_units_records(
    client, unit_a_world, evaluator, page
):
    unit_a_world.evaluation.round.evaluators.add(evaluator)
    client.force_login(evaluator)

    response = client.get(reverse(page))

    assert response.status_code == 200
    assert unit_a_world.unit.name not in response.content.decode()


def test_the_city_office_sees_a_document_is_there_but_opens_no_file(
    client, unit_a_world, city_user
):
    client.force_login(city_user)
    milestone = unit_a_world.milestone
    page = client.get(
        reverse("programs:milestone-detail", args=[unit_a_world.unit.code, milestone.pk])
    )

    assert unit_a_world.version.original_name in page.content.decode()
    assert unit_a_world.version.get_absolute_url() not in page.content.decode()
    assert client.get(unit_a_world.version.get_absolute_url()).status_code == 404


def test_district_staff_of_another_district_see_none_of_its_units(
    client, unit_a_world, other_district_user
):
    client.force_login(other_district_user)
    for name in ("programs:unit-list", "programs:dashboard", "programs:report-grid"):
        page = client.get(reverse(name))
        assert page.status_code == 200
        assert unit_a_world.unit.name not in page.content.decode(), name
