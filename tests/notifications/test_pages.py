"""The bell, the list with its filters, opening a notification, marking read, the e-mail
settings — and that nobody sees or opens a notification that is not theirs or whose record left
their scope."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.core.models import User
from programs.notifications.models import Delivery, Notification, NotificationPreference
from programs.notifications.services import notify_events
from tests.factories import MonthlyReportFactory

from .conftest import event_of

Kind = Notification.Kind
LIST = reverse("programs:notification-list")
SETTINGS = reverse("programs:notification-settings")

# The list page: session, user, the count, the page (with events and who acted), the bell.
# District staff's filter form lists the units: one more.
LIST_MAX_QUERIES = 5


def returned(report, count: int = 1) -> list[Notification]:
    """`count` notifications of the report's return for its unit's clerks."""
    events = [event_of(report, "return") for _ in range(count)]
    notify_events(events)
    return list(Notification.objects.filter(event__in=events))


@pytest.fixture
def reports(unit_a, clerk_a):
    return MonthlyReportFactory(unit=unit_a)


def page_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_bell_adds_one_query_to_a_page_whatever_the_unread_count(client, clerk_a, reports):
    client.force_login(clerk_a)
    page = reverse("programs:job-list")
    sizes = {}
    for count in (1, 40):
        returned(reports, count - Notification.objects.filter(user=clerk_a).count())
        sql = page_queries(client, page)
        assert len([q for q in sql if "programs_notification" in q]) == 1
        sizes[count] = len(sql)
        shown = client.get(page).content.decode()
        assert f'id="bell-count">{count}<' in shown
    assert sizes[1] == sizes[40]


def test_the_bell_shows_nothing_without_unread(client, clerk_a, reports):
    Notification.objects.filter(user=clerk_a).delete()
    client.force_login(clerk_a)
    page = client.get(reverse("programs:job-list")).content.decode()
    assert 'id="bell"' in page and "bell-count" not in page


@pytest.mark.parametrize("count", [3, 45])
def test_the_list_keeps_its_queries_at_two_sizes(
    client, district_user, unit_a, unit_b, count, django_assert_max_num_queries
):
    report = MonthlyReportFactory(unit=unit_a)
    notify_events([event_of(report, "submit") for _ in range(count)])
    client.force_login(district_user)
    # + the filter's units and the navigation's counts
    with django_assert_max_num_queries(LIST_MAX_QUERIES + 2):
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["notifications"]) == min(count, 30)


def test_the_list_filters_by_state_kind_and_unit(client, district_user, unit_a, unit_b):
    on_a = MonthlyReportFactory(unit=unit_a)
    on_b = MonthlyReportFactory(unit=unit_b)
    notify_events([event_of(on_a, "submit"), event_of(on_b, "submit")])
    notify_events([event_of(on_a, "approve")])  # tells the clerks only: none here
    read = Notification.objects.get(user=district_user, unit=unit_b)
    read.read_at = timezone.now()
    read.save()
    client.force_login(district_user)

    def shown(**query) -> set[str]:
        response = client.get(LIST, query)
        return {n.unit.code for n in response.context["notifications"]}

    assert shown() == {"A01", "B01"}
    assert shown(state="unread") == {"A01"}
    assert shown(state="read") == {"B01"}
    assert shown(unit=unit_b.pk) == {"B01"}
    assert shown(kind=Kind.REPORT_SUBMITTED) == {"A01", "B01"}
    assert shown(kind=Kind.TITLE_EXPIRING) == set()


def test_a_filter_that_is_no_choice_is_an_error_at_its_field(client, district_user):
    client.force_login(district_user)
    response = client.get(LIST, {"kind": "nonsense", "unit": "99999999999999999999999"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"kind", "unit"}


def test_opening_marks_read_and_leads_to_the_record(client, clerk_a, reports):
    (notification,) = returned(reports)
    client.force_login(clerk_a)
    response = client.get(reverse("programs:notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == reports.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_persons_notification_is_404_to_open_and_to_mark(client, clerk_a, reports):
    (notification,) = returned(reports)
    other = User.objects.create_user("clerk_a2", role=User.Role.CLERK, unit=clerk_a.unit)
    client.force_login(other)
    assert (
        client.get(reverse("programs:notification-open", args=[notification.pk])).status_code == 404
    )
    assert (
        client.post(reverse("programs:notification-read", args=[notification.pk])).status_code
        == 404
    )
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_notification_whose_record_left_the_users_scope_is_neither_shown_nor_opened(
    client, clerk_a, reports, unit_b
):
    (notification,) = returned(reports)
    clerk_a.unit = unit_b  # the clerk now works for unit B
    clerk_a.save()
    client.force_login(clerk_a)
    assert (
        client.get(reverse("programs:notification-open", args=[notification.pk])).status_code == 404
    )
    assert list(client.get(LIST).context["notifications"]) == []
    assert client.get(reverse("programs:job-list")).context["bell"].unread == 0


def test_a_record_out_of_scope_is_404_even_if_the_notification_is_listed(client, evaluator, world):
    """An evaluator's notifications are not narrowed by unit: the record decides on opening."""
    notify_events([event_of(world.evaluation, "reopen")])
    notification = Notification.objects.get(user=evaluator)
    world.round.evaluators.remove(evaluator)
    client.force_login(evaluator)
    assert (
        client.get(reverse("programs:notification-open", args=[notification.pk])).status_code == 404
    )


def test_mark_one_and_mark_all_read(client, clerk_a, reports):
    first, *_others = returned(reports, 3)
    client.force_login(clerk_a)
    response = client.post(
        reverse("programs:notification-read", args=[first.pk]), {"next": LIST + "?state=unread"}
    )
    assert response.url == LIST + "?state=unread"
    assert Notification.objects.filter(user=clerk_a, read_at=None).count() == 2
    response = client.post(
        reverse("programs:notification-read-all"), {"next": "https://evil.example/"}
    )
    assert response.url == LIST
    assert Notification.objects.filter(user=clerk_a, read_at=None).count() == 0


def test_marking_read_is_post_only(client, clerk_a, reports):
    (notification,) = returned(reports)
    client.force_login(clerk_a)
    assert (
        client.get(reverse("programs:notification-read", args=[notification.pk])).status_code == 405
    )
    assert client.get(reverse("programs:notification-read-all")).status_code == 405


def test_the_settings_page_offers_the_roles_kinds_with_their_defaults(client, clerk_a):
    client.force_login(clerk_a)
    form = client.get(SETTINGS).context["form"]
    assert form.fields[Kind.REPORT_RETURNED].initial == Delivery.IMMEDIATE
    assert form.fields[Kind.REPORT_APPROVED].initial == Delivery.DIGEST
    assert Kind.REPORT_SUBMITTED not in form.fields  # district staff's


def test_settings_are_saved_and_a_default_keeps_no_row(client, clerk_a):
    client.force_login(clerk_a)
    form = client.get(SETTINGS).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}  # the defaults
    data[Kind.REPORT_APPROVED] = Delivery.OFF
    data[Kind.REPORT_RETURNED] = Delivery.DIGEST
    response = client.post(SETTINGS, data)
    assert response.status_code == 302
    assert dict(
        NotificationPreference.objects.filter(user=clerk_a).values_list("kind", "delivery")
    ) == {
        Kind.REPORT_APPROVED: Delivery.OFF,
        Kind.REPORT_RETURNED: Delivery.DIGEST,
    }


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "请选择立即发送、每日汇总或不发送邮件。"),
        ("en", "Choose at once, daily digest or no e-mail."),
    ],
)
def test_a_bad_setting_is_an_error_at_its_field_in_the_users_language(
    client, clerk_a, language, message
):
    client.force_login(clerk_a)
    data = {kind: Delivery.DIGEST for kind in client.get(SETTINGS).context["form"].fields}
    data[Kind.REPORT_APPROVED] = "hourly"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(SETTINGS, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {Kind.REPORT_APPROVED: [message]}
    assert not NotificationPreference.objects.exists()


def test_the_list_speaks_english(english, clerk_a, reports):
    returned(reports)
    english.force_login(clerk_a)
    page = english.get(LIST).content.decode()
    assert "Monthly report 甲镇 · 2026-05 was returned." in page


def test_the_list_speaks_chinese(client, clerk_a, reports):
    returned(reports)
    client.force_login(clerk_a)
    page = client.get(LIST).content.decode()
    assert "月报 甲镇 · 2026-05 已被退回。" in page


def test_a_unit_of_another_clerk_never_reaches_the_list(client, clerk_a, clerk_b, unit_b):
    notify_events([event_of(MonthlyReportFactory(unit=unit_b), "return")])
    client.force_login(clerk_a)
    assert list(client.get(LIST).context["notifications"]) == []
    assert Notification.objects.get().user == clerk_b
