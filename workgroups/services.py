"""Use cases that touch several rows of a unit's organisation."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from programs.core.access import ensure_edits_unit
from programs.core.models import CreatingUnit, User
from programs.core.transitions import transition
from workgroups.errors import GROUP_NAME_TAKEN, WorkGroupError
from workgroups.models import WorkGroup, WorkGroupTemplate


@transaction.atomic
def unit_add_groups_from_templates(
    *, unit: CreatingUnit, templates: Iterable[WorkGroupTemplate], by: User | None
) -> list[WorkGroup]:
    """Give the unit a group for each template; a dropped group of that template comes back.

    Templates the unit already has an active group for are left alone, so calling this twice
    changes nothing.
    """
    ensure_edits_unit(by, unit.pk, WorkGroupError)
    # Lock the unit: a double-submitted form must not create a group twice.
    CreatingUnit.objects.select_for_update().filter(pk=unit.pk).first()
    groups = list(WorkGroup.objects.filter(unit=unit))
    existing = {g.template_id: g for g in groups if g.template_id}
    names = {g.name for g in groups}
    added: list[WorkGroup] = []
    for template in templates:
        group = existing.get(template.pk)
        if group is None:
            if template.name in names:
                raise WorkGroupError(GROUP_NAME_TAKEN, name=template.name)
            group = WorkGroup(
                unit=unit,
                template=template,
                name=template.name,
                lead=template.lead,
                duties=template.duties,
                sort_order=template.number,
            )
            group.full_clean()
            group.save()
        elif group.is_active:
            continue
        else:
            transition(group, "restore", by=by)
        added.append(group)
    return added
