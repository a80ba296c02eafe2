"""E-mail a job's user when a long job is done, in the user's language, once."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import Job

logger = logging.getLogger(__name__)


def tell_finished(record: Job) -> bool:
    """Send the "your job is done / failed" e-mail; at most once per job, even when a job's
    end is delivered twice. Returns whether a message went out."""
    from .runner import once

    user = record.user
    if user is None or not user.email:
        return False
    with transaction.atomic(), translation.override(record.language):
        if not once(f"job-mail:{record.pk}"):
            return False
        context = {"job": record, "link": settings.SITE_URL.rstrip("/") + record.get_absolute_url()}
        subject = render_to_string("programs/jobs/mail_subject.txt", context).strip()
        body = render_to_string("programs/jobs/mail_body.txt", context)
        send_mail(subject, body, None, [user.email])
    logger.info("job %s: told %s by e-mail", record.pk, user.pk)
    return True
