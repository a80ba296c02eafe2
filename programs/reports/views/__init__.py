"""The monthly-report pages: a unit's list of months, the report form and its transitions; the
completeness grid (units × months, with each month's reporting and on-time rates: `grid.py`),
the review queue, and the start of the export of every reported value (a job, `jobs.py`).

Every page goes through `CreatingUnit.objects.visible_to` / `MonthlyReport.objects.visible_to`:
a clerk sees only their own unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView, TemplateView

from programs.core.access import move_actions, permissions_for
from programs.core.models import CreatingUnit
from programs.core.selectors import history_of
from programs.core.transitions import Move, transition, workflow_of
from programs.core.views import TransitionView
from programs.jobs.exports import export_query, start_export
from programs.reports.errors import ReportConflict, ReportError
from programs.reports.forms import MonthlyReportForm
from programs.reports.jobs import export_report_values
from programs.reports.models import MonthlyReport, ReportValue
from programs.reports.models.indicators import IndicatorSection
from programs.reports.selectors.completeness import expected_from, report_url
from programs.reports.selectors.queue import report_queue, report_queue_ids, report_queue_pages
from programs.reports.selectors.rules import ReportProblem, report_problems
from programs.reports.selectors.values import completeness_units
from programs.reports.services import report_open, report_save, reports_approve
from safecommunity.calendar import Month, due_date
from safecommunity.forms import ReasonForm, keys_in_range
from safecommunity.queues import QueuePlace, next_in_queue, place_in_queue, queue_of, with_queue
from safecommunity.scoping import scoped_object

from .grid import ReportGridView as ReportGridView  # the grid page, in a module of its own


def period_from_url(text: str) -> date:
    """The first day of the month written `YYYY-MM` in the URL; 404 when malformed, outside the
    portal's years or in the future."""
    period = Month.parse(text)
    if period is None or f"{period:%Y-%m}" != text or period > timezone.localdate():
        raise Http404
    return period


def unit_in_scope(request: HttpRequest, code: str, *, editable: bool = False) -> CreatingUnit:
    """The unit named in the URL, if the user may see (or change) it; else 404."""
    units = CreatingUnit.objects.records_visible_to(request.user).select_related("program")
    return scoped_object(request, units, editable=editable, code=code)


def report_in_scope(
    request: HttpRequest, code: str, period: date, *, editable: bool = False
) -> MonthlyReport:
    """The unit's existing report of the month, if the user may see (or change) it; else 404."""
    rows = MonthlyReport.objects.select_related("unit__program", "submitted_by", "reviewed_by")
    return scoped_object(request, rows, editable=editable, unit__code=code, period=period)


def report_move_url(report: MonthlyReport, move: Move) -> str:
    return reverse(
        "programs:report-transition", args=[report.unit.code, f"{report.period:%Y-%m}", move.name]
    )


@dataclass
class MonthRow:
    """One month of a unit's report history."""

    period: date
    due_date: date
    report: MonthlyReport | None

    @property
    def current(self) -> bool:
        """The month under way: its report is a draft until the month is over."""
        return self.period == Month.first_day(timezone.localdate())

    @property
    def overdue(self) -> bool:
        submitted = self.report is not None and self.report.first_submitted_at is not None
        return not submitted and timezone.localdate() > self.due_date


class MonthlyReportListView(TemplateView):
    """The unit's months since it joined, newest first, with each report's state."""

    template_name = "programs/report_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        unit = unit_in_scope(self.request, self.kwargs["code"])
        today = timezone.localdate()
        reports = {report.period: report for report in unit.monthly_reports.all()}
        months = []
        for period in Month.between(unit.joined_on or unit.program.start_date or today, today):
            report = reports.get(period)
            if report is not None:
                report.unit = unit  # due_date reads the programme: no query per row
            due = due_date(period, unit.program.report_due_day)
            months.append(MonthRow(period=period, due_date=due, report=report))
        months.reverse()
        can_edit = permissions_for(self.request.user, unit).can_edit
        return {
            **super().get_context_data(**kwargs),
            "unit": unit,
            "months": months,
            "can_edit": can_edit,
        }


@dataclass
class IndicatorRow:
    """One line of the report form: the value row, its form fields, and what to say about it."""

    value: ReportValue
    input: Any = None
    comment: Any = None
    problems: list[ReportProblem] = field(default_factory=list)
    theirs: int | None = None
    conflict: bool = False

    @property
    def has_error(self) -> bool:
        """An error among its problems: the row is marked red, else yellow for warnings."""
        return any(problem.is_error for problem in self.problems)


class MonthlyReportDetailView(TemplateView):
    """The report of one month: opened (created) for editors, shown read-only otherwise; a POST
    saves the values through `report_save`."""

    template_name = "programs/report_detail.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.period = period_from_url(kwargs["period"])
        return super().dispatch(request, *args, **kwargs)

    def load(self, *, editable: bool) -> None:
        code = self.kwargs["code"]
        unit = (
            CreatingUnit.objects.editable_by(self.request.user)
            .select_related("program")
            .filter(code=code)
            .first()
        )
        self.can_edit = unit is not None
        if unit is None and editable:
            raise Http404
        # A month's report comes into being when the unit's own clerk opens it (or anyone who
        # may edit saves it), and only for months the unit is expected to report: a reviewer
        # looking at a month must not leave drafts behind.
        user = self.request.user
        creates = self.request.method == "POST" or user.unit_id == getattr(unit, "pk", None)
        if unit is not None and creates and self.period >= expected_from(unit):
            report_open(unit=unit, period=self.period, by=user)
        self.report = report_in_scope(self.request, code, self.period)
        self.rows = list(self.report.values.select_related("indicator"))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load(editable=False)
        problems: tuple[list, list] = ([], [])
        if request.GET.get("check") and self.report.is_editable:
            problems = report_problems(self.report)
        return self.render_to_response(self.get_context_data(problems=problems))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load(editable=True)
        form = MonthlyReportForm(request.POST, report=self.report, rows=self.rows)
        if not self.report.is_editable:
            messages.error(request, _("The report can no longer be changed."))
            return redirect(self.report.get_absolute_url())
        if not form.is_valid():
            messages.error(request, _("Nothing was saved: correct the values marked below."))
            return self.render_to_response(self.get_context_data(form=form), status=200)
        try:
            report_save(
                report=self.report,
                by=request.user,
                version=form.cleaned_data["version"],
                values=form.report_values(),
                narrative=form.narrative(),
            )
        except ReportConflict as conflict:
            # Show the editor's values with the saved ones beside them; saving again now
            # (against the current version) is their decision.
            self.report.refresh_from_db(fields=["version"])
            data = request.POST.copy()
            data["version"] = str(self.report.version)
            form = MonthlyReportForm(data, report=self.report, rows=self.rows)
            form.is_valid()
            messages.error(request, str(conflict))
            return self.render_to_response(
                self.get_context_data(form=form, conflicts=conflict.conflicts), status=409
            )
        except ReportError as error:
            messages.error(request, str(error))
            return redirect(self.report.get_absolute_url())
        if request.POST.get("then") == "submit":
            # "Submit" sits in the same form: what is on the screen is saved first, so the
            # clerk never submits figures other than the ones just seen.
            return submit_and_redirect(request, self.report)
        # The draft is kept whatever the checks say; they are run and shown at once, so the
        # clerk sees what to fix or explain without trying to submit first.
        found_errors, warnings = report_problems(self.report)
        if not (found_errors or warnings):
            messages.success(request, _("The report is saved; it passes every check."))
            return redirect(self.report.get_absolute_url())
        messages.warning(request, saved_with_problems(len(found_errors), len(warnings)))
        return redirect(self.report.get_absolute_url() + "?check=1#indicators")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.report
        editing = self.can_edit and report.is_editable
        form = kwargs.get("form")
        if editing and form is None:
            form = MonthlyReportForm(report=report, rows=self.rows)
        found_errors, warnings = kwargs.get("problems", ([], []))
        conflicts = kwargs.get("conflicts", {})
        by_indicator: dict[int, list[ReportProblem]] = {}
        for problem in [*found_errors, *warnings]:
            by_indicator.setdefault(problem.indicator_id, []).append(problem)
        sections = []
        for section in IndicatorSection:
            rows = []
            for value in self.rows:
                if value.indicator.section != section:
                    continue
                pk = value.indicator_id
                rows.append(
                    IndicatorRow(
                        value=value,
                        input=form[f"value_{pk}"] if form else None,
                        comment=form[f"comment_{pk}"] if form else None,
                        problems=by_indicator.get(pk, []),
                        conflict=pk in conflicts,
                        theirs=conflicts.get(pk, (None, None))[1],
                    )
                )
            if rows:
                sections.append((section.label, rows))
        user = self.request.user
        context.update(
            unit=report.unit,
            report=report,
            moves=move_actions(user, report, partial(report_move_url, report)),
            history=history_of(report),
            sections=sections,
            form=form,
            editing=editing,
            can_edit=self.can_edit,
            problem_count=len(found_errors) + len(warnings),
            error_count=len(found_errors),
            warning_count=len(warnings),
            review_queue=(queue_of(self.request) or QueryDict()).urlencode(),
            queue_place=self.queue_place(),
            changed_after_approval=sum(v.changed_after_approval for v in self.rows),
            reason_form=ReasonForm(),
            submit_open=report.submittable_on(timezone.localdate()),
        )
        return context

    def queue_place(self) -> QueuePlace | None:
        """Opened from the review queue: the report's place in it and the next one (one
        query); None otherwise."""
        query = queue_of(self.request)
        if query is None:
            return None
        rows = report_queue_pages(self.request.user, query)
        return place_in_queue(rows, self.report.pk, query)


class MonthlyReportPrintView(TemplateView):
    """The report as a formal document for A4: a header (unit, month, who submitted and who
    approved it, and when), its values and narrative, and a block for signatures and the
    unit's stamp. Only a report that exists is printed (404 otherwise); nothing is created."""

    template_name = "programs/report_print.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        period = period_from_url(self.kwargs["period"])
        report = report_in_scope(self.request, self.kwargs["code"], period)
        rows = list(report.values.select_related("indicator"))
        sections = []
        for section in IndicatorSection:
            in_section = [row for row in rows if row.indicator.section == section]
            if in_section:
                sections.append((section.label, in_section))
        approved = report.status == MonthlyReport.Status.APPROVED
        return {
            **super().get_context_data(**kwargs),
            "unit": report.unit,
            "report": report,
            "sections": sections,
            "approved_by": report.reviewed_by if approved else None,
            "approved_at": report.reviewed_at if approved else None,
            "printed_at": timezone.localtime(),
        }


def saved_with_problems(error_count: int, warning_count: int) -> str:
    """The message after saving a draft that does not pass every check yet."""
    return _(
        "The report is saved as a draft. Before it can be submitted: %(errors)s, %(warnings)s; "
        "see the marked rows."
    ) % {
        "errors": ngettext("%(n)d error to fix", "%(n)d errors to fix", error_count)
        % {"n": error_count},
        "warnings": ngettext("%(n)d warning to explain", "%(n)d warnings to explain", warning_count)
        % {"n": warning_count},
    }


def submit_and_redirect(request: HttpRequest, report: MonthlyReport) -> HttpResponse:
    """Submit the report; when rules or comments stand in the way, show them at their rows."""
    try:
        transition(report, "submit", by=request.user)
    except ReportError as error:
        messages.error(request, str(error))
        if hasattr(error, "problems"):
            return redirect(report.get_absolute_url() + "?check=1#indicators")
        return redirect(report.get_absolute_url())
    messages.success(request, report_moved(report))
    return redirect(report.get_absolute_url())


def report_moved(report: MonthlyReport) -> str:
    return _("The report of %(month)s is now “%(status)s”.") % {
        "month": f"{report.period:%Y-%m}",
        "status": report.get_status_display(),
    }


class MonthlyReportTransitionView(TransitionView):
    """POST submit / approve / return / reopen on a unit's monthly report."""

    def get_object(self) -> MonthlyReport:
        period = period_from_url(self.kwargs["period"])
        return report_in_scope(self.request, self.kwargs["code"], period, editable=True)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs["action"] == "submit":  # with its rule check shown at the rows
            return submit_and_redirect(request, self.get_object())
        # Reviewing from the queue: its order is read before the decision, which may take the
        # report out of it; after the decision the next report of the queue opens.
        self.queue = queue_of(request)
        self.queue_ids = report_queue_ids(request.user, self.queue) if self.queue else []
        self.moved = False
        return super().post(request, *args, **kwargs)

    def done_message(self, report: MonthlyReport, move: Move) -> str:
        self.moved = True
        return report_moved(report)

    def success_url(self, report: MonthlyReport) -> str:
        if self.queue is None:
            return report.get_absolute_url()
        if not self.moved:
            return with_queue(report.get_absolute_url(), self.queue)
        following = next_in_queue(self.queue_ids, report.pk)
        if following is None:
            messages.info(self.request, _("No other report waits in this queue."))
            return reverse("programs:report-queue") + "?" + self.queue.urlencode()
        upcoming = MonthlyReport.objects.select_related("unit").get(pk=following)
        return with_queue(upcoming.get_absolute_url(), self.queue)


class ReportQueueView(ListView):
    """Reports to review, filtered (unit, month, state, warnings, changed after approval) and
    sorted — submitted reports, oldest submission first, by default; reviewers approve the
    clean ones of a page at once (`ReportBulkApproveView`)."""

    template_name = "programs/report_queue.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[MonthlyReport]:
        self.filterset = report_queue(self.request.user, self.request.GET)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The queue as filtered, its defaults written out: what the review pages carry along.
        query = self.filterset.data.copy()
        query.pop("page", None)
        for report in context["reports"]:
            report.url = with_queue(report_url(report.unit.code, report.period), query)
        approve = workflow_of(MonthlyReport).by_name["approve"]
        context.update(
            filter=self.filterset,
            total=context["paginator"].count,
            querystring_without_page=query.urlencode(),
            queue=query.urlencode(),
            may_approve=approve.allowed(self.request.user, MonthlyReport()),
        )
        return context


class ReportBulkApproveView(View):
    """POST the reports selected on the queue: each clean one approved by its own move, the
    rest skipped with the reason; back to the same queue with the summary."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        ids = keys_in_range(request.POST.getlist("report"))[:BULK_MAX]
        back = reverse("programs:report-queue")
        query = queue_of(request)
        if query:
            back += "?" + query.urlencode()
        if not ids:
            messages.warning(request, _("Select the reports to approve first."))
            return redirect(back)
        try:
            done = reports_approve(report_ids=ids, by=request.user)
        except ReportError as error:
            messages.error(request, str(error))
            return redirect(back)
        summary = ngettext(
            "%(approved)d report approved, %(skipped)d skipped.",
            "%(approved)d reports approved, %(skipped)d skipped.",
            len(done.approved),
        ) % {"approved": len(done.approved), "skipped": len(done.skipped)}
        (messages.success if done.approved else messages.warning)(request, summary)
        for report, reason in done.skipped:
            name = f"{report.unit.code} {report.unit.name} {report.period:%Y-%m}" if report else "—"
            messages.warning(
                request, _("Skipped %(report)s: %(reason)s") % {"report": name, "reason": reason}
            )
        return redirect(back)


BULK_MAX = 200  # reports in one bulk approval: a page of the queue and more


class ReportExportView(View):
    """Every reported value, as filtered on the grid, in an xlsx (or CSV) file written by a
    job: the filters checked as the grid checks them (a search past its length is the 400 page),
    the months written out (the grid's when asked); the job's page follows it to the download."""

    file_format = "xlsx"  # or "csv" (`urls.py`)

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset, _units, months = completeness_units(request.user, request.GET)
        query = export_query(request.GET, set(filterset.form.fields) - {"year", "start", "end"})
        query.update(start=[f"{months[0]:%Y-%m}"], end=[f"{months[-1]:%Y-%m}"])
        period = {"start": f"{months[0]:%Y-%m}", "end": f"{months[-1]:%Y-%m}"}
        title = _("Monthly report values export %(start)s – %(end)s") % period
        params: dict[str, Any] = {"query": query}
        if self.file_format == "csv":  # an xlsx export's key and title stay as they were
            params["file_format"], title = "csv", f"{title} (CSV)"
        return start_export(request, export_report_values, title=title, params=params)
