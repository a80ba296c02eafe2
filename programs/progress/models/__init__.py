"""A unit's progress: its milestones and their evidence, and its moves between phases."""

from . import phases  # noqa: F401 - registers the unit's move to its next phase
from .evidence import Evidence, EvidenceVersion
from .milestones import DueBand, UnitMilestone

__all__ = [
    "DueBand",
    "Evidence",
    "EvidenceVersion",
    "UnitMilestone",
]
