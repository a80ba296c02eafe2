"""Signals keep derived data in step, and nothing else: each unit has a row per milestone."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from programs.core.models import CreatingUnit, Milestone
from programs.progress.services import unit_milestones_sync

# Saving only these fields cannot change which milestones a unit has or when they are due.
UNIT_FIELDS_WITHOUT_MILESTONES = frozenset({"current_phase", "updated_at"})


@receiver(post_save, sender=CreatingUnit, dispatch_uid="unit_milestones_for_unit")
def unit_saved(
    sender, instance: CreatingUnit, raw: bool = False, update_fields=None, **kwargs
) -> None:
    if raw or (update_fields and set(update_fields) <= UNIT_FIELDS_WITHOUT_MILESTONES):
        return
    unit_milestones_sync(units=[instance])


@receiver(post_save, sender=Milestone, dispatch_uid="unit_milestones_for_milestone")
def milestone_saved(sender, instance: Milestone, raw: bool = False, **kwargs) -> None:
    if not raw:
        unit_milestones_sync(milestones=[instance])
