"""Domain errors of the programme, with the messages users see (tests import them)."""

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError
from safecommunity.files import (  # noqa: F401 - re-exported while callers move
    FILE_EMPTY,
    FILE_TOO_LARGE,
    FILE_TYPE_MISMATCH,
    FILE_TYPE_REFUSED,
)

ProgrammeError = DomainError  # the programme's errors share the portal's one base


class MilestoneError(ProgrammeError):
    pass


class PhaseGateError(ProgrammeError):
    pass


class CertificationError(ProgrammeError):
    pass


class EvidenceError(ProgrammeError):
    pass


class ReportError(ProgrammeError):
    pass


class ReportConflict(ReportError):
    """Someone saved the report since the editor loaded it; nothing of this save was stored.

    `conflicts` maps each indicator id whose value differs to (your value, the value now saved).
    """

    def __init__(self, conflicts: dict[int, tuple[int | None, int | None]]) -> None:
        super().__init__(REPORT_EDIT_CONFLICT)
        self.conflicts = conflicts


ILLEGAL_MILESTONE_MOVE = _("A milestone that is “%(current)s” cannot be %(action)s.")
ONLY_DISTRICT_REVIEWS = _("Only district staff accept or return milestones.")
RETURN_NEEDS_REASON = _("Say why the milestone is returned, so the unit knows what to fix.")
EVIDENCE_MISSING = _("This milestone needs evidence: upload at least one file before submitting.")

GATE_CLOSED = _(
    "The unit cannot leave “%(phase)s” yet: %(count)d required milestone(s) are not accepted."
)
OVERRIDE_NEEDS_REASON = _("Moving a unit past an unmet gate needs a reason on record.")
LAST_PHASE = _("The unit is already in the last phase.")

ILLEGAL_TITLE_MOVE = _("A title application that is “%(current)s” cannot move to “%(target)s”.")
NAMING_NEEDS_DATE = _("Give the date on which the title was conferred.")
ONLY_DISTRICT_TITLES = _("Only district staff record titles.")

EVIDENCE_OF_ANOTHER_MILESTONE = _("That evidence belongs to another milestone.")
EVIDENCE_CLOSED = _(
    "The milestone is “%(status)s”: its evidence can change only while it is being worked on."
)
EVIDENCE_TITLE_TAKEN = _(
    "This milestone already has evidence with this title; upload a new version of it instead."
)

ILLEGAL_REPORT_MOVE = _("A report that is “%(current)s” cannot be %(action)s.")
ONLY_DISTRICT_REVIEWS_REPORTS = _("Only district staff approve, return or reopen reports.")
REPORT_RETURN_NEEDS_REASON = _("Say why the report is returned, so the unit knows what to fix.")
REPORT_REOPEN_NEEDS_REASON = _("Say why the approved report is opened again.")
REPORT_NOT_EDITABLE = _("The report is “%(status)s” and cannot be changed.")
REPORT_EDIT_CONFLICT = _(
    "Someone else saved this report while you were editing it. Their values are shown beside "
    "yours; check them and save again."
)
REPORT_HAS_ERRORS = _("The report breaks %(count)d rule(s) that must be fixed before submitting.")
WARNING_NEEDS_COMMENT = _("Explain this in a comment: %(message)s")
CHANGED_VALUE_NEEDS_COMMENT = _(
    "The activity log or the injury records give %(prefilled)s; say why the report differs."
)


class EvaluationError(ProgrammeError):
    pass


EVALUATION_ROUND_NOT_ALLOWED = _("Only district staff open evaluation rounds.")
EVALUATION_NOT_ALLOWED = _("You may not score this evaluation.")
EVALUATION_LOCKED = _("The evaluation is finalised and can no longer change.")
EVALUATION_UNGRADED = _(
    "%(count)d item(s) are not fully graded yet; grade every part of every item before finalising."
)
EVALUATION_GRADE_INVALID = _("“%(grade)s” is not a grade; use a, b, c or d.")
EVALUATION_ITEM_UNKNOWN = _("Item %(item)s is not part of this evaluation's scheme.")

# Why an evaluation has its result (stored with the evaluation).
SCORE_PASSES = _("total %(total)s reaches the pass mark %(pass_mark)s")
SCORE_ITEM_ZERO = _("item %(items)s scored zero")
SCORE_ITEMS_ZERO = _("items %(items)s scored zero")
SCORE_ITEMS_ZERO_AND_MORE = _("items %(items)s and %(more)d more scored zero")
SCORE_MAY_RECTIFY = _("total %(total)s below the pass mark %(pass_mark)s; may rectify")
SCORE_FAILS = _("total %(total)s below %(mark)s")
EVALUATION_EVIDENCE_NOT_THE_UNITS = _(
    "Only documents of the evaluated unit can be linked to its items; nothing was saved."
)

# The scoring lock of an evaluation scheme a final evaluation was scored against.
SCHEME_IN_USE_SCORING_LOCKED = _(
    "“%(scheme)s” has finalised evaluations: the %(field)s can no longer change, or their "
    "totals would no longer add up."
)
SCHEME_IN_USE_NO_ADD = _(
    "“%(scheme)s” has finalised evaluations: no element or item can be added to it."
)
