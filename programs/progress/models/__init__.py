"""A unit's progress: its milestones and their evidence, and its moves between phases."""

from .evidence import Evidence, EvidenceVersion
from .milestones import DueBand, MilestoneEvent, PhaseTransition, UnitMilestone

__all__ = [
    "DueBand",
    "Evidence",
    "EvidenceVersion",
    "MilestoneEvent",
    "PhaseTransition",
    "UnitMilestone",
]
