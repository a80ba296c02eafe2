from .program import Department, Milestone, Phase, Program, Target
from .units import CreatingUnit
from .users import User

__all__ = ["CreatingUnit", "Department", "Milestone", "Phase", "Program", "Target", "User"]
