"""Use cases of titles and targets: the district's targets loaded, titles expired daily."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import transaction
from django.utils import timezone

from programs.core.models import Program
from programs.core.transitions import transition
from programs.titles import reference_data as ref
from programs.titles.errors import CertificationError
from programs.titles.models import Certification, Target
from safecommunity.models import ensure_row


@transaction.atomic
def targets_load(*, program: Program, created: Counter) -> Counter:
    """The district's targets from its plan; idempotent like the rest of the reference data."""
    for code, name, measure, level, threshold, deadline in ref.TARGETS:
        ensure_row(
            Target,
            created,
            {"program": program, "code": code},
            name=name,
            measure=measure,
            level=level,
            threshold=threshold,
            deadline=deadline,
        )
    return created


def certifications_expire(today: date | None = None) -> list[Certification]:
    """Mark 到期 every named title whose validity ended before `today`, as the system; run
    daily. A title renewed or revoked in the meantime is left alone."""
    today = today or timezone.localdate()
    lapsed = Certification.objects.filter(
        status=Certification.Status.NAMED, valid_until__lt=today
    ).select_related("unit")
    expired = []
    for title in lapsed:
        try:
            transition(title, Certification.Status.EXPIRED, by=None, on=today)
        except CertificationError:
            continue  # no longer past its validity, or no longer named: nothing to expire
        expired.append(title)
    return expired
