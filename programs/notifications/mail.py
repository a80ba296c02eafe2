"""Notifications by e-mail, in the recipient's language, each at most once: a notification sent
at once (its key, per person and notification) and the daily digest (its key, per person and
day)."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from programs.core.models import User
from programs.jobs.runner import once

from .models import Delivery, Notification
from .rules import message
from .selectors import deliveries, digest_pending

logger = logging.getLogger(__name__)


def link(notification: Notification) -> str:
    return settings.SITE_URL.rstrip("/") + notification.get_absolute_url()


def entry(notification: Notification) -> dict[str, str]:
    """What a mail says of one notification, in the active language."""
    return {
        "text": message(notification.kind, notification.subject, notification.event.data),
        "reason": notification.event.reason,
        "at": f"{timezone.localtime(notification.created_at):%Y-%m-%d %H:%M}",
        "link": link(notification),
    }


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def mail_one(notification: Notification) -> bool:
    """E-mail one notification to its recipient, unless they have no address, chose otherwise
    since, or it went out before; whether it was sent."""
    user = notification.user
    if not user.email or not user.is_active or notification.mailed_at is not None:
        return False
    if deliveries([user.pk], notification.kind)[user.pk] != Delivery.IMMEDIATE:
        return False
    with transaction.atomic(), translation.override(_language(user)):
        if not once(f"notification-mail:{user.pk}:{notification.pk}"):
            return False
        context = {"entry": entry(notification), "user": user}
        subject = render_to_string("programs/notifications/mail_subject.txt", context).strip()
        body = render_to_string("programs/notifications/mail_body.txt", context)
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk=notification.pk).update(mailed_at=timezone.now())
    return True


def mail_digest(user: User, day: date) -> bool:
    """Send `user` the day's digest of what they have not read nor been sent; at most one a
    day, none when there is nothing; whether it was sent."""
    with transaction.atomic(), translation.override(_language(user)):
        pending = digest_pending(user)
        if not pending or not once(f"notification-digest:{user.pk}:{day:%Y-%m-%d}"):
            return False
        context = {
            "entries": [entry(notification) for notification in pending],
            "user": user,
            "day": f"{day:%Y-%m-%d}",
            "list_link": settings.SITE_URL.rstrip("/") + reverse("programs:notification-list"),
        }
        subject = render_to_string("programs/notifications/digest_subject.txt", context).strip()
        body = render_to_string("programs/notifications/digest_body.txt", context)
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(mailed_at=timezone.now())
    logger.info("digest of %s sent to user %s (%s entries)", day, user.pk, len(pending))
    return True
