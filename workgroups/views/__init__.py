"""The app's pages, one module per area: the unit's organisation, and what the unit does."""

from .activities import (
    ActivityAttachView,
    ActivityCreateView,
    ActivityDeleteView,
    ActivityListView,
    ActivityUpdateView,
    ProjectCreateView,
    ProjectListView,
    ProjectTransitionView,
    ProjectUpdateView,
)
from .organisation import (
    MemberCreateView,
    MemberDeleteView,
    MemberUpdateView,
    WorkGroupAddView,
    WorkGroupCreateCustomView,
    WorkGroupDropView,
    WorkGroupRestoreView,
    WorkGroupUpdateView,
)

__all__ = [
    "ActivityAttachView",
    "ActivityCreateView",
    "ActivityDeleteView",
    "ActivityListView",
    "ActivityUpdateView",
    "MemberCreateView",
    "MemberDeleteView",
    "MemberUpdateView",
    "ProjectCreateView",
    "ProjectListView",
    "ProjectTransitionView",
    "ProjectUpdateView",
    "WorkGroupAddView",
    "WorkGroupCreateCustomView",
    "WorkGroupDropView",
    "WorkGroupRestoreView",
    "WorkGroupUpdateView",
]
