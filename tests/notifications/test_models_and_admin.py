"""In the admin, notifications are read-only (they come from the event log) and administrators
may correct a person's e-mail settings; the models' constraints, by the model and the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.notifications.models import Delivery, Notification, NotificationPreference
from programs.notifications.services import notify_events
from tests.database import refused_by_database
from tests.factories import MonthlyReportFactory

from .conftest import event_of


def test_notifications_are_listed_and_never_changed_in_the_admin(client, admin_user, clerk_a):
    notify_events([event_of(MonthlyReportFactory(unit=clerk_a.unit), "return")])
    notification = Notification.objects.get()
    client.force_login(admin_user)

    assert client.get(reverse("admin:programs_notification_changelist")).status_code == 200
    assert client.get(reverse("admin:programs_notification_add")).status_code == 403
    change = reverse("admin:programs_notification_change", args=[notification.pk])
    response = client.post(change, {"subject": "改写", "kind": notification.kind})
    assert response.status_code == 403
    notification.refresh_from_db()
    assert notification.subject != "改写"


def test_an_administrator_sets_a_persons_e_mail_choice(client, admin_user, clerk_a):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:programs_notificationpreference_add"),
        {"user": clerk_a.pk, "kind": Notification.Kind.REPORT_APPROVED, "delivery": Delivery.OFF},
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get()
    assert (preference.user, preference.delivery) == (clerk_a, Delivery.OFF)


def test_an_event_tells_a_person_once_by_the_model_and_by_the_database(world, clerk_a):
    event = event_of(world.report, "return")
    notify_events([event])
    again = Notification(user=clerk_a, event=event, kind=Notification.Kind.REPORT_RETURNED)
    again.subject = "x"
    with pytest.raises(ValidationError):
        again.full_clean()
    refused_by_database(again.save, "notification_once_per_event")


def test_a_person_has_one_choice_per_kind(clerk_a):
    kind = Notification.Kind.REPORT_APPROVED
    NotificationPreference.objects.create(user=clerk_a, kind=kind, delivery=Delivery.OFF)
    refused_by_database(
        lambda: NotificationPreference.objects.create(
            user=clerk_a, kind=kind, delivery=Delivery.DIGEST
        ),
        "preference_once_per_kind",
    )
    refused_by_database(
        lambda: NotificationPreference.objects.create(
            user=clerk_a, kind=Notification.Kind.REPORT_DUE, delivery="hourly"
        ),
        "preference_delivery_valid",
    )
