"""The rule table: which event of the log tells whom, what, and how it reaches them by e-mail.

A row per (record kind, action) — the record's model label and the event's action: a move's
name (`submit`, `return` …), an occurrence (`created`, `assigned`, `job_finished` …) or a
reminder the daily job writes (`report_due` …). The keys are strings, so a move added to a
table of moves elsewhere (an evaluation's `reopen`) is covered by a row here without this
module importing its code. Each row names the notification's kind, its recipients (only the
active people who may see the record are told, and not the one who acted unless the row says
so), its text and,
through the kind, the default delivery by e-mail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit, Event, User

from .models import Delivery, NotificationKind

Kind = NotificationKind
Role = User.Role

# The actions of the reminders the daily job writes to the event log (kind "deadline").
REPORT_DUE = "report_due"
REPORT_OVERDUE = "report_overdue"
MILESTONE_DUE = "milestone_due"
MILESTONE_OVERDUE = "milestone_overdue"
QUARTER_MEETING = "quarter_meeting"
TITLE_EXPIRING = "title_expiring"
ROUND_CLOSING = "round_closing"
FUNDS_BEHIND = "funds_behind"

IMPORT_JOBS = "injuries.jobs.imports."  # the kinds (dotted paths) of the injury import jobs


# --- who is told ---------------------------------------------------------------------------------

Recipients = Callable[[Event, Any], QuerySet[User] | Iterable[User]]


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def unit_clerks(event: Event, record: Any) -> QuerySet[User]:
    """Every active clerk of the event's unit."""
    if event.unit_id is None:
        return User.objects.none()
    return _active().filter(role=Role.CLERK, unit_id=event.unit_id)


def district_staff(event: Event, record: Any) -> QuerySet[User]:
    """Every active user who edits all units: district staff and administrators."""
    return _active().filter(Q(role__in=[Role.DISTRICT, Role.ADMIN]) | Q(is_superuser=True))


def _district_of(event: Event, record: Any) -> int | None:
    """The district of the record (a disbursement's, a unit's), else of the event's unit."""
    district_id = getattr(record, "district_id", None)
    if district_id is None and event.unit_id is not None:
        district_id = (
            CreatingUnit.objects.filter(pk=event.unit_id).values_list("district", flat=True).first()
        )
    return district_id


def district_finance(event: Event, record: Any) -> QuerySet[User]:
    """Every active finance staff member of the district of the record (its unit's)."""
    district_id = _district_of(event, record)
    if district_id is None:
        return User.objects.none()
    return _active().filter(role=Role.FINANCE, district=district_id)


def requester(event: Event, record: Any) -> QuerySet[User]:
    """Who asked for the disbursement (a clerk, or district staff who asked for the unit)."""
    if record.requested_by_id is None:
        return User.objects.none()
    return _active().filter(pk=record.requested_by_id)


def named_evaluator(event: Event, record: Any) -> QuerySet[User]:
    """The evaluator an `assigned` event names."""
    return _active().filter(pk=event.data.get("evaluator"), evaluation_rounds=record)


def round_evaluators(event: Event, record: Any) -> QuerySet[User]:
    """The evaluators named in the round (of the evaluation)."""
    round_id = getattr(record, "round_id", None) or record.pk
    return _active().filter(evaluation_rounds=round_id)


def round_clerks(event: Event, record: Any) -> QuerySet[User]:
    """The active clerks of the units a round evaluates — chosen by the very rule of the
    round's `visible_to` for clerks, so their access is not asked again one unit at a time."""
    return _active().filter(role=Role.CLERK, unit__evaluations__round=record).distinct()


round_clerks.chosen_by_scope = True  # type: ignore[attr-defined]


def job_owner(event: Event, record: Any) -> QuerySet[User]:
    return _active().filter(pk=record.user_id) if record.user_id else User.objects.none()


def both(*parts: Recipients) -> Recipients:
    def recipients(event: Event, record: Any) -> list[User]:
        found: dict[int, User] = {}
        for part in parts:
            found.update((user.pk, user) for user in part(event, record))
        return list(found.values())

    return recipients


# --- when, and where the notification leads ---------------------------------------------------


def always(event: Event, record: Any) -> bool:
    return True


def self_assessment(event: Event, record: Any) -> bool:
    return record.kind == record.Kind.SELF


def import_job(event: Event, record: Any) -> bool:
    return record.kind.startswith(IMPORT_JOBS)


def record_page(record: Any, user: Any) -> str:
    return record.get_absolute_url()


def round_page(record: Any, user: Any) -> str:
    """A clerk goes to the unit's own evaluation in the round; everyone else to the round."""
    if user.unit_id:
        evaluation = record.evaluations.filter(unit=user.unit_id).first()
        if evaluation is not None:
            return reverse("programs:evaluation-detail", args=[evaluation.pk])
    return reverse("programs:round-detail", args=[record.pk])


def evaluation_page(record: Any, user: Any) -> str:
    return reverse("programs:evaluation-detail", args=[record.pk])


def unit_reports(record: Any, user: Any) -> str:
    return reverse("programs:report-list", args=[record.code])


def unit_activities(record: Any, user: Any) -> str:
    return reverse("workgroups:activity-list", args=[record.code])


def disbursement_ledger(record: Any, user: Any) -> str:
    """The unit's ledger of the disbursement's year, where the disbursement is listed."""
    return reverse("programs:funds-ledger", args=[record.unit.code, record.year])


def unit_ledger(record: Any, user: Any) -> str:
    """The unit's ledger of this year (the reminder is about this year's spending)."""
    return reverse("programs:funds-ledger", args=[record.code, timezone.localdate().year])


def record_name(event: Event, record: Any) -> str:
    return str(record)


def unit_and(key: str) -> Callable[[Event, Any], str]:
    """The unit's name and the reminder's month or quarter (`event.data[key]`)."""
    return lambda event, record: f"{record} {event.data.get(key, '')}".strip()


@dataclass(frozen=True)
class Rule:
    """One row: the kind of notification an event makes, who is told, the text (with
    `%(subject)s`, the record's name, and the event's data: `%(due)s` …), where it leads."""

    kind: NotificationKind
    recipients: Recipients
    text: Promise
    link: Callable[[Any, Any], str] = record_page
    when: Callable[[Event, Any], bool] = always
    subject: Callable[[Event, Any], str] = record_name
    #: Whether the one who acted is told too: a job's end is written as its owner's act, and
    #: telling them is the point.
    tells_actor: bool = False


REPORT = "programs.monthlyreport"
MILESTONE = "programs.unitmilestone"
ROUND = "programs.evaluationround"
EVALUATION = "programs.evaluation"
TITLE = "programs.certification"
JOB = "programs.job"
UNIT = "programs.creatingunit"
DISBURSEMENT = "programs.disbursement"

RULES: dict[tuple[str, str], Rule] = {
    # clerks: the decisions on their unit's records
    (REPORT, "return"): Rule(
        Kind.REPORT_RETURNED, unit_clerks, _("Monthly report %(subject)s was returned.")
    ),
    (REPORT, "approve"): Rule(
        Kind.REPORT_APPROVED, unit_clerks, _("Monthly report %(subject)s was approved.")
    ),
    (REPORT, "reopen"): Rule(
        Kind.REPORT_REOPENED,
        unit_clerks,
        _("Monthly report %(subject)s was reopened for correction."),
    ),
    (MILESTONE, "return"): Rule(
        Kind.MILESTONE_RETURNED, unit_clerks, _("Milestone %(subject)s was returned.")
    ),
    (MILESTONE, "accept"): Rule(
        Kind.MILESTONE_ACCEPTED, unit_clerks, _("Milestone %(subject)s was accepted.")
    ),
    (ROUND, "created"): Rule(
        Kind.ROUND_OPENED,
        round_clerks,
        _("Self-assessment %(subject)s is open for your unit."),
        link=round_page,
        when=self_assessment,
    ),
    (EVALUATION, "finalise"): Rule(
        Kind.EVALUATION_FINALISED,
        unit_clerks,
        _("Evaluation %(subject)s was finalised."),
        link=evaluation_page,
    ),
    (EVALUATION, "reopen"): Rule(
        Kind.EVALUATION_REOPENED,
        both(round_evaluators, unit_clerks),
        _("Evaluation %(subject)s was reopened."),
        link=evaluation_page,
    ),
    # clerks: reminders
    (UNIT, REPORT_DUE): Rule(
        Kind.REPORT_DUE,
        unit_clerks,
        _("Monthly report %(subject)s is due on %(due)s."),
        link=unit_reports,
        subject=unit_and("month"),
    ),
    (UNIT, REPORT_OVERDUE): Rule(
        Kind.REPORT_OVERDUE,
        unit_clerks,
        _("Monthly report %(subject)s is overdue: it was due on %(due)s."),
        link=unit_reports,
        subject=unit_and("month"),
    ),
    (MILESTONE, MILESTONE_DUE): Rule(
        Kind.MILESTONE_DUE, unit_clerks, _("Milestone %(subject)s is due on %(due)s.")
    ),
    (MILESTONE, MILESTONE_OVERDUE): Rule(
        Kind.MILESTONE_OVERDUE,
        unit_clerks,
        _("Milestone %(subject)s is overdue: it was due on %(due)s."),
    ),
    (UNIT, QUARTER_MEETING): Rule(
        Kind.QUARTER_MEETING,
        unit_clerks,
        _("%(subject)s: no creation work meeting recorded yet; the quarter ends on %(due)s."),
        link=unit_activities,
        subject=unit_and("quarter"),
    ),
    # district staff
    (REPORT, "submit"): Rule(
        Kind.REPORT_SUBMITTED,
        district_staff,
        _("Monthly report %(subject)s was submitted for review."),
    ),
    (MILESTONE, "submit"): Rule(
        Kind.MILESTONE_SUBMITTED,
        district_staff,
        _("Milestone %(subject)s was submitted for acceptance."),
    ),
    (TITLE, TITLE_EXPIRING): Rule(
        Kind.TITLE_EXPIRING,
        district_staff,
        _("Title %(subject)s expires on %(due)s, within %(within)s days."),
    ),
    (JOB, "job_finished"): Rule(
        Kind.IMPORT_FINISHED,
        job_owner,
        _("%(subject)s finished."),
        when=import_job,
        tells_actor=True,
    ),
    (JOB, "job_failed"): Rule(
        Kind.IMPORT_FAILED,
        job_owner,
        _("%(subject)s failed."),
        when=import_job,
        tells_actor=True,
    ),
    # creation funds: finance staff decide a request; the unit's clerks and whoever asked are
    # told of the decision and the payment; the district of spending behind its budget's
    # straight line
    (DISBURSEMENT, "created"): Rule(
        Kind.DISBURSEMENT_REQUESTED,
        district_finance,
        _("Disbursement %(subject)s was requested."),
        link=disbursement_ledger,
    ),
    (DISBURSEMENT, "approve"): Rule(
        Kind.DISBURSEMENT_APPROVED,
        both(unit_clerks, requester),
        _("Disbursement %(subject)s was approved."),
        link=disbursement_ledger,
    ),
    (DISBURSEMENT, "return"): Rule(
        Kind.DISBURSEMENT_RETURNED,
        both(unit_clerks, requester),
        _("Disbursement %(subject)s was returned."),
        link=disbursement_ledger,
    ),
    (DISBURSEMENT, "pay"): Rule(
        Kind.DISBURSEMENT_PAID,
        both(unit_clerks, requester),
        _("Disbursement %(subject)s was paid."),
        link=disbursement_ledger,
    ),
    (UNIT, FUNDS_BEHIND): Rule(
        Kind.FUNDS_BEHIND,
        both(district_staff, district_finance),
        _(
            "Creation funds of %(subject)s: %(rate)s%% of the year's budget spent by the end of "
            "%(month)s, more than %(margin)s points below the straight line of %(line)s%%."
        ),
        link=unit_ledger,
    ),
    # evaluators
    (ROUND, "assigned"): Rule(
        Kind.EVALUATOR_NAMED,
        named_evaluator,
        _("You were named an evaluator of %(subject)s."),
        link=round_page,
    ),
    (ROUND, ROUND_CLOSING): Rule(
        Kind.ROUND_CLOSING,
        round_evaluators,
        _("Round %(subject)s closes on %(due)s with items still to grade."),
        link=round_page,
    ),
}

RULE_OF_KIND: dict[str, Rule] = {rule.kind: rule for rule in RULES.values()}


# --- the kinds: who gets them (for the settings page) and their default delivery ----------------

CLERK_KINDS = [
    Kind.REPORT_RETURNED, Kind.REPORT_APPROVED, Kind.REPORT_REOPENED, Kind.MILESTONE_RETURNED,
    Kind.MILESTONE_ACCEPTED, Kind.ROUND_OPENED, Kind.EVALUATION_FINALISED,
    Kind.EVALUATION_REOPENED, Kind.REPORT_DUE, Kind.REPORT_OVERDUE, Kind.MILESTONE_DUE,
    Kind.MILESTONE_OVERDUE, Kind.QUARTER_MEETING, Kind.DISBURSEMENT_APPROVED,
    Kind.DISBURSEMENT_RETURNED, Kind.DISBURSEMENT_PAID,
]  # fmt: skip
DISTRICT_KINDS = [
    Kind.REPORT_SUBMITTED, Kind.MILESTONE_SUBMITTED, Kind.TITLE_EXPIRING, Kind.IMPORT_FINISHED,
    Kind.IMPORT_FAILED, Kind.DISBURSEMENT_APPROVED, Kind.DISBURSEMENT_RETURNED,
    Kind.DISBURSEMENT_PAID, Kind.FUNDS_BEHIND,
]  # fmt: skip
FINANCE_KINDS = [Kind.DISBURSEMENT_REQUESTED, Kind.FUNDS_BEHIND]
EVALUATOR_KINDS = [Kind.EVALUATOR_NAMED, Kind.ROUND_CLOSING, Kind.EVALUATION_REOPENED]
PROVIDER_KINDS = [Kind.IMPORT_FINISHED, Kind.IMPORT_FAILED]

# Returns and failures at once (they ask the reader to act); the rest in the daily digest.
IMMEDIATE_BY_DEFAULT = {
    Kind.REPORT_RETURNED,
    Kind.MILESTONE_RETURNED,
    Kind.IMPORT_FAILED,
    Kind.DISBURSEMENT_RETURNED,
}


def default_delivery(kind: str) -> str:
    return Delivery.IMMEDIATE if kind in IMMEDIATE_BY_DEFAULT else Delivery.DIGEST


def kinds_for(user: Any) -> list[NotificationKind]:
    """The kinds of notification `user`'s role can receive, for the settings page."""
    if user.edits_all_units:
        return DISTRICT_KINDS
    return {
        Role.CLERK: CLERK_KINDS,
        Role.EVALUATOR: EVALUATOR_KINDS,
        Role.PROVIDER: PROVIDER_KINDS,
        Role.FINANCE: FINANCE_KINDS,
    }.get(user.role, [])


def rule_for(event: Event) -> Rule | None:
    """The row for `event` (its content type is cached by Django: no query), or None."""
    model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    if model is None:
        return None
    return RULES.get((model._meta.label_lower, event.action))


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def message(kind: str, subject: str, data: dict[str, Any] | None = None) -> str:
    """The notification's sentence in the active language."""
    rule = RULE_OF_KIND.get(kind)
    if rule is None:
        return subject
    return str(rule.text) % _Params({**(data or {}), "subject": subject})
