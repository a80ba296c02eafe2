"""Badges and labels for the activity log and promotion projects."""

from __future__ import annotations

from django import template

from workgroups.choices import ActivityKind, Intervention, TargetGroup
from workgroups.models import ProjectStatus

register = template.Library()

KIND_COLOURS = {
    ActivityKind.CREATION_MEETING: "primary",
    ActivityKind.COMMITTEE_MEETING: "info",
    ActivityKind.PUBLICITY: "success",
    ActivityKind.TRAINING: "secondary",
    ActivityKind.DRILL: "warning",
    ActivityKind.HAZARD_INSPECTION: "danger",
    ActivityKind.OTHER: "light text-body-secondary border",
}
PROJECT_COLOURS = {
    ProjectStatus.PLANNED: "light text-body-secondary border",
    ProjectStatus.ACTIVE: "primary",
    ProjectStatus.COMPLETED: "success",
    ProjectStatus.SUSPENDED: "secondary",
}
CODE_LISTS = {"target_groups": TargetGroup, "interventions": Intervention}


@register.inclusion_tag("includes/status_badge.html")
def activity_kind(activity) -> dict:
    return {"label": activity.get_kind_display(), "colour": KIND_COLOURS.get(activity.kind)}


@register.inclusion_tag("includes/status_badge.html")
def project_status(project) -> dict:
    return {"label": project.get_status_display(), "colour": PROJECT_COLOURS.get(project.status)}


@register.filter
def code_labels(codes: list[str], field_name: str) -> list[str]:
    """The labels of a project's stored codes (target groups, interventions), in their order;
    a code no longer offered shows as itself."""
    choices = CODE_LISTS[field_name]
    return [choices(code).label if code in choices.values else code for code in codes or ()]
