"""The programme and its units: programme, phases, milestones, departments, units and users."""

from .program import Department, Milestone, Phase, Program, ReferenceQuerySet
from .units import CreatingUnit
from .users import User

__all__ = [
    "CreatingUnit",
    "Department",
    "Milestone",
    "Phase",
    "Program",
    "ReferenceQuerySet",
    "User",
]
