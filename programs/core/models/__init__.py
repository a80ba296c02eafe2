"""The programme and its units: programme, phases, milestones, departments, units and users."""

from .events import Event, EventKind
from .program import Department, Milestone, Phase, Program, ReferenceQuerySet
from .units import CreatingUnit
from .users import User

__all__ = [
    "CreatingUnit",
    "Department",
    "Event",
    "EventKind",
    "Milestone",
    "Phase",
    "Program",
    "ReferenceQuerySet",
    "User",
]
