"""A unit's move to its next phase: the one move of a unit's phase, open when the gate is.

The unit's state is its current phase; `advance` moves it to the next one when every required
milestone of this one is accepted. District staff may move it anyway, with the reason kept on
the event (`data["overridden"]`). The gate is progress's rule, so progress registers this move
for `CreatingUnit`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit
from programs.core.transitions import ANY, Move, Step, Workflow, register
from programs.progress import errors

if TYPE_CHECKING:
    from programs.core.models import User


def _edits_unit(user: User, unit: CreatingUnit) -> bool:
    return user.edits_unit(unit.pk)


def _advance(step: Step) -> list[str]:
    """Refuse past the last phase, and past a closed gate unless district staff give a reason;
    then move the unit to the next phase."""
    from programs.progress.selectors import unit_gate

    gate = unit_gate(step.current)
    if gate.next_phase is None:
        raise errors.PhaseGateError(errors.LAST_PHASE)
    overridden = bool(gate.open_required)
    if overridden:
        if not step.by.reviews_units:
            raise errors.PhaseGateError(
                errors.GATE_CLOSED, phase=gate.phase.label, count=len(gate.open_required)
            )
        if not step.reason:
            raise errors.PhaseGateError(errors.OVERRIDE_NEEDS_REASON)
    step.obj.current_phase = gate.next_phase
    step.data.update(
        overridden=overridden,
        from_phase=gate.phase.name if gate.phase else "",
        to_phase=gate.next_phase.name,
    )
    return ["current_phase"]


register(
    CreatingUnit,
    Workflow(
        field="current_phase",
        error=errors.PhaseGateError,
        illegal=errors.LAST_PHASE,
        unit_of=lambda unit: unit.pk,
        state_of=lambda unit: str(unit.current_phase_id or ""),
        state_label=lambda unit: unit.current_phase.name if unit.current_phase_id else "",
        moves=[
            Move(
                "advance",
                sources=ANY,
                target=None,
                label=_("Move to the next phase"),
                past=_("moved on"),
                allowed=_edits_unit,
                effect=_advance,
                style="success",
            ),
        ],
    ),
)
