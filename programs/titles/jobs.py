"""Titles' background work: expiry, run daily by the schedule."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.jobs.models import Job
from programs.jobs.runner import Outcome, job

from .services import certifications_expire


@job(label=_("Expiry of titles"))
def expire_titles(record: Job, *, day: str = "") -> Outcome:
    """Mark titles past their validity as expired. Each title moves under its row lock and only
    from 命名, so a run delivered twice expires nothing twice."""
    lapsed = certifications_expire(date.fromisoformat(day) if day else None)
    return Outcome(
        message=ngettext("%(n)s title marked expired.", "%(n)s titles marked expired.", len(lapsed))
        % {"n": len(lapsed)},
        data={"expired": [title.pk for title in lapsed]},
    )
