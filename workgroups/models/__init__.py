"""The app's models, one module per area: the unit's organisation (templates, work groups,
members) and what the unit does (activities, promotion projects).

The code lists the models use are re-exported here for callers that import them with the
models (other apps, `tests/factories.py`)."""

from workgroups.choices import ActivityKind, Intervention, SafetyArea, TargetGroup

from .activities import (
    Activity,
    ProjectStatus,
    PromotionProject,
)
from .organisation import (
    GroupStatus,
    Member,
    MemberBody,
    WorkGroup,
    WorkGroupTemplate,
)

__all__ = [
    "Activity",
    "ActivityKind",
    "GroupStatus",
    "Intervention",
    "Member",
    "MemberBody",
    "ProjectStatus",
    "PromotionProject",
    "SafetyArea",
    "TargetGroup",
    "WorkGroup",
    "WorkGroupTemplate",
]
