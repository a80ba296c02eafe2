"""Refusals of a unit's progress: milestone moves, evidence, the phase gate."""

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError


class MilestoneError(DomainError):
    pass


class PhaseGateError(DomainError):
    pass


class EvidenceError(DomainError):
    pass


ILLEGAL_MILESTONE_MOVE = _("A milestone that is “%(current)s” cannot be %(action)s.")
ONLY_DISTRICT_REVIEWS = _("Only district staff accept or return milestones.")
RETURN_NEEDS_REASON = _("Say why the milestone is returned, so the unit knows what to fix.")
EVIDENCE_MISSING = _("This milestone needs evidence: upload at least one file before submitting.")

GATE_CLOSED = _(
    "The unit cannot leave “%(phase)s” yet: %(count)d required milestone(s) are not accepted."
)
OVERRIDE_NEEDS_REASON = _("Moving a unit past an unmet gate needs a reason on record.")
LAST_PHASE = _("The unit is already in the last phase.")

EVIDENCE_OF_ANOTHER_MILESTONE = _("That evidence belongs to another milestone.")
EVIDENCE_OF_ANOTHER_ACTIVITY = _("That file belongs to another activity.")
EVIDENCE_CLOSED = _(
    "The milestone is “%(status)s”: its evidence can change only while it is being worked on."
)
EVIDENCE_TITLE_TAKEN = _(
    "This milestone already has evidence with this title; upload a new version of it instead."
)
