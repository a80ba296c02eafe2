"""Pages of the programme: the home redirect, the unit list, a unit's page and the programme."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.query import EmptyQuerySet
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView, RedirectView, TemplateView

from programs.core.access import permissions_for
from programs.core.filters import UnitFilter
from programs.core.models import CreatingUnit, Department, Program, User
from programs.core.selectors import history_of
from programs.core.transitions import allowed_moves
from programs.core.views import UnitScopeMixin
from programs.evaluations.models import EvaluationRound
from programs.evaluations.selectors import (
    evaluated_unit_view,
    evaluations_visible_to,
    unit_readiness,
)
from programs.funds.selectors import execution_total
from programs.overview.selectors.todo import clerk_todo
from programs.progress.models import DueBand, UnitMilestone
from programs.progress.selectors import unit_gate
from programs.reports.selectors.completeness import report_url, unit_report_cells
from safecommunity.calendar import Month
from safecommunity.history import change_log
from workgroups.models import Member, WorkGroup, WorkGroupTemplate
from workgroups.selectors import unit_activity_summary, unit_missing_templates


class HomeView(RedirectView):
    """Clerks land on their unit's page, district staff on the dashboard, the city office on
    the city dashboard, evaluators on their evaluation rounds; everybody else on the unit
    list."""

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        user: User = self.request.user
        if user.is_city:
            return reverse("programs:city-dashboard")
        if user.edits_own_unit and user.unit_id:
            return reverse("programs:unit-detail", args=[user.unit.code])
        if user.edits_all_units:
            return reverse("programs:dashboard")
        if not user.works_with_units:
            return reverse("programs:round-list")
        return reverse("programs:unit-list")


#: Orders by a unit's organisation, which only those who see its records may use.
ORGANISATION_SORTS = {"groups", "-groups", "members", "-members"}


class UnitListView(ListView):
    """Every unit the user may see, filtered, searched and sorted, with its organisation counts."""

    template_name = "programs/unit_list.html"
    context_object_name = "units"
    paginate_by = 100

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        # An evaluator sees the units of their rounds, not their organisation or contacts:
        # no counts, and no order by them (which would tell their size).
        records = CreatingUnit.objects.records_visible_to(self.request.user)
        self.shows_records = not isinstance(records, EmptyQuerySet)
        units = CreatingUnit.objects.visible_to(self.request.user).select_related("current_phase")
        query = self.request.GET
        if self.shows_records:
            units = units.with_counts()
        elif ORGANISATION_SORTS.intersection(query.getlist("sort")):
            query = query.copy()
            query.setlist("sort", [s for s in query.getlist("sort") if s not in ORGANISATION_SORTS])
        self.filterset = UnitFilter(query, queryset=units.in_plan_order(), user=self.request.user)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["total"] = context["paginator"].count
        context["querystring_without_page"] = _without(self.request.GET, "page")
        context["phase_summary"] = self.filterset.qs.phase_counts()
        context["shows_records"] = self.shows_records
        return context


class UnitDetailView(UnitScopeMixin, DetailView):
    """A unit's profile, its committee and office, its work groups with their members, and the
    figures of its activity log and projects."""

    template_name = "programs/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        return super().get_queryset().select_related("program", "current_phase")

    def shows_records(self) -> bool:
        """Whether the user reads the unit's records, or — an evaluator of its rounds — only
        its profile, their evaluations of it and the documents linked in them."""
        return CreatingUnit.objects.allows_records(self.request.user, self.object)

    def get_template_names(self) -> list[str]:
        if not self.shows_records():
            return ["programs/unit_evaluated.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unit: CreatingUnit = self.object
        if not self.shows_records():
            evaluations, documents = evaluated_unit_view(unit, self.request.user)
            context.update(evaluations=evaluations, documents=documents)
            return context
        members = list(
            Member.objects.filter(unit=unit, group__isnull=True).order_by("sort_order", "pk")
        )
        groups = list(
            WorkGroup.objects.filter(unit=unit)
            .select_related("template")
            .prefetch_related(
                Prefetch("members", queryset=Member.objects.order_by("sort_order", "pk"))
            )
            .order_by("status", "sort_order", "name")
        )
        user = self.request.user
        can_edit = permissions_for(user, unit).can_edit
        context.update(progress_context(unit, user, can_edit=can_edit))
        if can_edit and user.unit_id == unit.pk:  # the unit's own clerk: the whole to-do
            context["clerk_todo"] = clerk_todo(unit, user, milestones=context["todo"])
        context.update(
            can_edit=can_edit,
            bodies=[
                (label, body, [m for m in members if m.body == body])
                for body, label in Member.Body.choices
                if body != Member.Body.GROUP
            ],
            active_groups=[g for g in groups if g.is_active],
            dropped_groups=[g for g in groups if not g.is_active],
            missing_templates=unit_missing_templates(unit).count(),
            activity_summary=unit_activity_summary(unit),
            report_cells=self.report_cells(unit),
            **self.readiness_context(unit),
            **self.funds_context(unit),
        )
        return context

    def funds_context(self, unit: CreatingUnit) -> dict[str, Any]:
        """The creation funds' panel, for those who see funds: this year's budget, disbursed,
        spent and the rates; one query, none for others."""
        if not self.request.user.sees_funds:
            return {}
        year = timezone.localdate().year
        return {"funds": execution_total([unit.pk], year), "funds_year": year}

    def readiness_context(self, unit: CreatingUnit) -> dict[str, Any]:
        """The readiness card: shown to those who may see the unit's evaluations; two queries
        with a final evaluation, one without."""
        user = self.request.user
        shown = evaluations_visible_to(user)
        return {
            "readiness_shown": shown,
            "readiness": unit_readiness(unit, user=user) if shown else None,
            "may_open_round": EvaluationRound.objects.may_create(user, EvaluationRound()),
        }

    def report_cells(self, unit: CreatingUnit) -> list:
        """The last 12 months' monthly reports, as coloured squares; one query."""
        cells = unit_report_cells(unit, Month.last_months(12))
        for cell in cells:
            cell.url = report_url(unit.code, cell.month)
        return cells


class UnitHistoryView(UnitScopeMixin, DetailView):
    """Who changed what, and when, in a unit's profile, groups and members."""

    template_name = "programs/unit_history.html"
    context_object_name = "unit"

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        return CreatingUnit.objects.records_visible_to(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unit = self.object
        context["changes"] = change_log(
            [
                CreatingUnit.history.filter(id=unit.pk),
                WorkGroup.history.filter(unit_id=unit.pk),
                Member.history.filter(unit_id=unit.pk),
            ]
        )
        return context


class ProgramOverviewView(TemplateView):
    """The programme as the plan sets it out: phases, milestones, targets, departments, groups."""

    template_name = "programs/program_overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        program = (
            Program.objects.visible_to(user)
            .prefetch_related("phases__milestones", "targets")
            .order_by("-start_date")
            .first()
        )
        context.update(
            program=program,
            departments=Department.objects.visible_to(user),
            templates=WorkGroupTemplate.objects.visible_to(user),
        )
        return context


def progress_context(unit: CreatingUnit, user: User, *, can_edit: bool) -> dict[str, Any]:
    """The unit's phase timeline, the clerk's to-do list, the gate, phase moves and titles."""
    today = timezone.localdate()
    items = list(
        UnitMilestone.objects.filter(unit=unit)
        .select_related("milestone__phase")
        .with_band(today)
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("milestone__phase__order", "milestone__order")
    )
    for item in items:
        item.unit = unit  # the links need the unit's code: no query per row
    phases = list(unit.program.phases.order_by("order"))
    gate = unit_gate(unit, phases=phases, items=items)
    attention = {DueBand.OVERDUE, DueBand.DUE_SOON}
    todo = [i for i in items if i.band in attention or i.status == UnitMilestone.Status.RETURNED]
    todo.sort(key=lambda i: (i.status != UnitMilestone.Status.RETURNED, i.due_date or today))
    titles = list(unit.certifications.order_by("-applied_on"))
    for title in titles:
        title.moves = allowed_moves(title, user) if can_edit else []
    return {
        "timeline": [
            (phase, [i for i in items if i.milestone.phase_id == phase.pk]) for phase in phases
        ],
        "todo": todo,
        "gate": gate,
        "phase_moves": history_of(unit),
        "certifications": titles,
        "can_review": permissions_for(user, unit).can_review,
        "today": today,
    }


def _without(params, key: str) -> str:
    query = params.copy()
    query.pop(key, None)
    return query.urlencode()
