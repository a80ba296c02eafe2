"""Domain errors of work groups and the activity log, with the messages users see (tests
import them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError


class WorkGroupError(DomainError):
    """An illegal change to a work group, with a message for the user."""


GROUP_NAME_TAKEN = _(
    "The unit already has a group of its own named “%(name)s”; rename that group first."
)
ALREADY_DROPPED = _("This group has already been dropped.")
ALREADY_ACTIVE = _("This group is active.")


class ProjectError(DomainError):
    """An illegal move of a promotion project."""


PROJECT_ILLEGAL_MOVE = _("A project that is “%(current)s” cannot be %(action)s.")
PROJECT_REOPEN_NEEDS_REASON = _("Say why the completed project is under way again.")

ACTIVITY_IN_FUTURE = _("Record an activity once it has taken place; this date is in the future.")
RECTIFIED_WITHOUT_FOUND = _("Give the number of hazards found as well (0 if none).")
ACTIVITY_HAS_ATTACHMENTS = _(
    "This activity has attached files, which are kept as evidence: it cannot be deleted. "
    "Correct it instead."
)

MONTH_INVALID = _("Give a month from %(first)s to %(last)s as YYYY-MM, e.g. 2026-03.")
