"""The programme and its units: programme, phases, milestones, departments, units and users."""

from .boundaries import UnitBoundary
from .districts import District
from .events import Event, EventKind
from .program import Department, Milestone, Phase, Program, ReferenceQuerySet
from .tokens import ApiToken
from .units import CreatingUnit
from .users import User

__all__ = [
    "ApiToken",
    "CreatingUnit",
    "Department",
    "District",
    "Event",
    "EventKind",
    "Milestone",
    "Phase",
    "Program",
    "ReferenceQuerySet",
    "UnitBoundary",
    "User",
]
