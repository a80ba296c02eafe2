"""The e-mail of a day: the notifications due at once go out when their event commits, in the
recipient's language; the digest at 08:00 sends each person one message listing what they have
neither read nor been sent; a second run sends nothing; nobody without an address gets mail."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from programs.core.transitions import transition
from programs.jobs.runner import start
from programs.notifications.jobs import send_digests
from programs.notifications.models import Delivery, Notification, NotificationPreference
from programs.notifications.services import notify_events
from tests.factories import MonthlyReportFactory

from .conftest import event_of

Kind = Notification.Kind
DAY = date(2026, 6, 3)


@pytest.fixture
def addressed(world, clerk_a, clerk_b, district_user, admin_user, provider):
    """Everybody has an address but the provider; clerk B reads English."""
    for user, email in (
        (clerk_a, "a@example.com"),
        (clerk_b, "b@example.com"),
        (district_user, "d@example.com"),
    ):
        user.email = email
        user.save()
    clerk_b.language = "en"
    clerk_b.save()
    return world


def run_digest(day: date = DAY) -> None:
    start(send_digests, user=None, title="digest", params={"day": f"{day:%Y-%m-%d}"})


def test_a_day_of_events_then_the_digest(
    addressed, unit_a, unit_b, clerk_a, clerk_b, district_user, django_capture_on_commit_callbacks
):
    Submitted = addressed.report.Status.SUBMITTED
    returned_a = MonthlyReportFactory(unit=unit_a, period=date(2026, 4, 1), status=Submitted)
    approved_b = MonthlyReportFactory(unit=unit_b, period=date(2026, 4, 1), status=Submitted)
    off_b = MonthlyReportFactory(unit=unit_b, period=date(2026, 3, 1), status=Submitted)
    NotificationPreference.objects.create(
        user=clerk_b, kind=Kind.REPORT_RETURNED, delivery=Delivery.OFF
    )

    with django_capture_on_commit_callbacks(execute=True):
        transition(returned_a, "return", by=district_user, reason="请补充火灾数据。")
    with django_capture_on_commit_callbacks(execute=True):
        transition(approved_b, "approve", by=district_user)
    with django_capture_on_commit_callbacks(execute=True):
        transition(off_b, "return", by=district_user, reason="数据有误。")
    with django_capture_on_commit_callbacks(execute=True):
        notify_events([event_of(addressed.report, "submit", actor=clerk_a)])
    with django_capture_on_commit_callbacks(execute=True):  # the provider has no address
        notify_events([event_of(addressed.job, "job_failed")])

    # At once: only clerk A's return (clerk B turned returns off; the rest wait for the digest).
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["a@example.com"], f"安全社区平台：月报 {returned_a} 已被退回。"),
    ]
    assert "请补充火灾数据。" in mail.outbox[0].body
    assert (
        f"/notifications/{Notification.objects.get(user=clerk_a).pk}/open/" in mail.outbox[0].body
    )
    mail.outbox.clear()

    run_digest()

    digests = {tuple(m.to): m for m in mail.outbox}
    assert set(digests) == {("b@example.com",), ("d@example.com",), ("root@example.com",)}
    assert (
        digests[("b@example.com",)].subject == "Safe community portal: 1 notification (2026-06-03)"
    )
    assert f"Monthly report {approved_b} was approved." in digests[("b@example.com",)].body
    assert f"{off_b}" not in digests[("b@example.com",)].body  # off: never mailed
    assert f"月报 {addressed.report} 已提交审核。" in digests[("d@example.com",)].body
    assert (
        Notification.objects.filter(mailed_at__isnull=True, user__email__gt="")
        .exclude(user=clerk_b, kind=Kind.REPORT_RETURNED)
        .count()
        == 0
    )

    mail.outbox.clear()
    run_digest()  # the same day again: nothing
    assert mail.outbox == []


def test_at_most_one_digest_a_day_even_with_news_since(addressed, clerk_b, unit_b):
    notify_events([event_of(MonthlyReportFactory(unit=unit_b, period=date(2026, 1, 1)), "approve")])
    run_digest()
    assert len(mail.outbox) == 1
    notify_events([event_of(MonthlyReportFactory(unit=unit_b, period=date(2026, 2, 1)), "approve")])
    run_digest()
    assert len(mail.outbox) == 1  # the second waits for tomorrow
    run_digest(date(2026, 6, 4))
    assert len(mail.outbox) == 2
    assert "2026-02" in mail.outbox[1].body and "2026-01" not in mail.outbox[1].body


def test_what_was_read_in_the_portal_is_not_in_the_digest(addressed, clerk_b, unit_b):
    notify_events([event_of(MonthlyReportFactory(unit=unit_b, period=date(2026, 1, 1)), "approve")])
    Notification.objects.filter(user=clerk_b).update(read_at="2026-06-02T10:00:00+08:00")
    run_digest()
    assert mail.outbox == []


def test_an_immediate_mail_is_sent_once_however_often_its_job_runs(
    addressed, clerk_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_events([event_of(addressed.report, "return")])
    (notification,) = Notification.objects.filter(user=clerk_a)
    from programs.notifications.jobs import mail_notifications

    start(mail_notifications, user=None, title="again", params={"notifications": [notification.pk]})
    assert len(mail.outbox) == 1


def test_nobody_without_an_address_gets_mail(world, clerk_a, django_capture_on_commit_callbacks):
    clerk_a.email = ""
    clerk_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify_events([event_of(world.report, "return")])
    run_digest()
    assert Notification.objects.filter(user=clerk_a).exists()
    assert mail.outbox == []


def test_a_refused_address_stops_nobody_elses_digest_and_is_tried_again(
    addressed, unit_a, unit_b, clerk_a, clerk_b, monkeypatch
):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    from programs.jobs.models import Job

    send = EmailBackend.send_messages

    def refusing(self, messages):
        if any("a@example.com" in message.to for message in messages):
            raise smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"mailbox unavailable")})
        return send(self, messages)

    for unit in (unit_a, unit_b):
        notify_events([event_of(MonthlyReportFactory(unit=unit, period=DAY), "approve")])
    monkeypatch.setattr(EmailBackend, "send_messages", refusing)

    run_digest()

    assert [message.to for message in mail.outbox] == [["b@example.com"]]
    job = Job.objects.get(title="digest")
    assert (job.state, job.data["sent"], job.data["refused"]) == ("done", 1, 1)
    assert "1 封未能发出" in job.message
    monkeypatch.setattr(EmailBackend, "send_messages", send)
    run_digest()  # the refused one was not marked sent: it goes out once the server takes it
    assert [message.to for message in mail.outbox] == [["b@example.com"], ["a@example.com"]]
