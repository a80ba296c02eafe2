"""Pages of the programme: the home redirect, the unit list, a unit's page and the programme."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, UpdateView

from programs.filters import UnitFilter
from programs.forms import unit_form_class
from programs.history import change_log
from programs.models import CreatingUnit, Department, Program, User
from workgroups.models import Member, WorkGroup, WorkGroupTemplate
from workgroups.services import unit_missing_templates


class HomeView(TemplateView):
    """Clerks land on their unit's page; everybody else on the unit list."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: User = request.user
        if user.role == User.Role.CLERK and user.unit_id:
            return redirect("programs:unit-detail", code=user.unit.code)
        return redirect("programs:unit-list")


class UnitListView(ListView):
    """Every unit the user may see, filtered, searched and sorted, with its organisation counts."""

    template_name = "programs/unit_list.html"
    context_object_name = "units"
    paginate_by = 100

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        units = (
            CreatingUnit.objects.visible_to(self.request.user)
            .select_related("current_phase")
            .with_counts()
            .in_plan_order()
        )
        self.filterset = UnitFilter(self.request.GET, queryset=units, user=self.request.user)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["total"] = (
            context["paginator"].count if context["paginator"] else len(context["units"])
        )
        context["querystring_without_page"] = _without(self.request.GET, "page")
        context["phase_summary"] = phase_summary(self.filterset.qs, context["total"])
        return context


class UnitScopeMixin:
    """Find the unit named in the URL among those the user may see (else 404)."""

    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        return CreatingUnit.objects.visible_to(self.request.user)


class UnitDetailView(UnitScopeMixin, DetailView):
    """A unit's profile, its committee and office, and its work groups with their members."""

    template_name = "programs/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        return super().get_queryset().select_related("program", "current_phase")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unit: CreatingUnit = self.object
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
        context.update(
            can_edit=CreatingUnit.objects.editable_by(self.request.user)
            .filter(pk=unit.pk)
            .exists(),
            bodies=[
                (label, body, [m for m in members if m.body == body])
                for body, label in Member.Body.choices
                if body != Member.Body.GROUP
            ],
            active_groups=[g for g in groups if g.is_active],
            dropped_groups=[g for g in groups if not g.is_active],
            phases=unit.program.phases.all(),
            missing_templates=unit_missing_templates(unit).count(),
        )
        return context


class UnitUpdateView(UnitScopeMixin, UpdateView):
    """Edit a unit's profile: clerks their own unit, district staff every unit."""

    template_name = "programs/unit_form.html"
    context_object_name = "unit"

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        return CreatingUnit.objects.editable_by(self.request.user)

    def get_form_class(self):
        return unit_form_class(self.request.user)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("The unit's profile was saved."))
        return response


class UnitHistoryView(UnitScopeMixin, DetailView):
    """Who changed what, and when, in a unit's profile, groups and members."""

    template_name = "programs/unit_history.html"
    context_object_name = "unit"

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


def phase_summary(units: QuerySet[CreatingUnit], total: int) -> list[dict[str, Any]]:
    """How many of these units stand in each phase, in one grouped query."""
    rows = (
        units.order_by()
        .values("current_phase__order", "current_phase__name")
        .annotate(count=Count("pk"))
        .order_by("current_phase__order")
    )
    return [
        {
            "order": row["current_phase__order"],
            "name": row["current_phase__name"],
            "count": row["count"],
            "percent": round(100 * row["count"] / total, 1) if total else 0,
        }
        for row in rows
    ]


def _without(params, key: str) -> str:
    query = params.copy()
    query.pop(key, None)
    return query.urlencode()


__all__ = [
    "HomeView",
    "ProgramOverviewView",
    "UnitDetailView",
    "UnitHistoryView",
    "UnitListView",
    "UnitUpdateView",
]
