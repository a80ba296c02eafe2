"""What a job's user reads when it could not be done."""

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError


class JobError(DomainError):
    """A job refused its work; the message is shown on the job's page."""


WORKER_LOST = _(
    "The worker running this job stopped (restarted or killed). It was tried {attempts} "
    "times; start it again."
)
DATABASE_LOST = _(
    "The connection to the database was lost while the job ran. It was tried {attempts} "
    "times; start it again, and tell the administrator if it keeps failing."
)
UNEXPECTED = _(
    "The job failed unexpectedly; the administrator can find reference {reference} in the "
    "server log."
)
ALREADY_RUNNING = _("This work is already under way: {title}, started {started}.")
RESULT_GONE = _("This job's file was removed after {days} days; start the job again.")
EXPORT_NOT_ALLOWED = _(
    "You may no longer export these rows: your account is inactive or no longer has the right."
)
