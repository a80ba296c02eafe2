"""The programme's errors, gathered from its domains while callers move to `<domain>.errors`."""

from programs.evaluations.errors import *  # noqa: F403
from programs.progress.errors import *  # noqa: F403
from programs.reports.errors import *  # noqa: F403
from programs.titles.errors import *  # noqa: F403
from safecommunity.errors import DomainError
from safecommunity.files import FILE_EMPTY, FILE_TOO_LARGE, FILE_TYPE_MISMATCH, FILE_TYPE_REFUSED

ProgrammeError = DomainError

__all__ = [
    "FILE_EMPTY",
    "FILE_TOO_LARGE",
    "FILE_TYPE_MISMATCH",
    "FILE_TYPE_REFUSED",
    "DomainError",
    "ProgrammeError",
]
