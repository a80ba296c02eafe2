"""Refusals of evaluations and the reasons stored with a result."""

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError


class EvaluationError(DomainError):
    pass


EVALUATION_ROUND_ONE_DISTRICT = _("A round evaluates the units of one district.")
EVALUATION_ROUND_EVALUATORS_OF_DISTRICT = _(
    "A round's evaluators are evaluators of the district its units lie in."
)
EVALUATION_ROUND_NOT_ALLOWED = _("Only district staff open evaluation rounds.")
EVALUATION_NOT_ALLOWED = _("You may not score this evaluation.")
EVALUATION_LOCKED = _("The evaluation is finalised and can no longer change.")
EVALUATION_UNGRADED = _(
    "%(count)d item(s) are not fully graded yet; grade every part of every item before finalising."
)
EVALUATION_REOPEN_NOT_ALLOWED = _("Only district staff reopen a finalised evaluation.")
EVALUATION_REOPEN_REASON_MISSING = _("Say why the evaluation is reopened.")
EVALUATION_OUTSIDE_WINDOW = _(
    "Grading is open from %(opens)s to %(closes)s only; nothing was saved."
)
EVALUATION_REOPEN_OUTSIDE_WINDOW = _(
    "A final evaluation is reopened only while its round is open (%(opens)s to %(closes)s), so "
    "that it can be graded again: extend the round's dates first."
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
