"""Titles: the application's moves, naming and validity, titles in force, expiry warnings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from programs.core.choices import TitleLevel
from programs.core.transitions import transition
from programs.models import Certification
from programs.titles import errors
from tests.database import refused_by_database
from tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db

Status = Certification.Status
NOW = datetime(2026, 5, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # 30 April in UTC
TODAY = date(2026, 5, 1)
NAMED_ON = date(2026, 4, 20)


def application(unit, *, status=Status.APPLIED, level=TitleLevel.MUNICIPAL) -> Certification:
    """A title at `status`; named and expired ones carry their dates."""
    if status in (Status.NAMED, Status.EXPIRED):
        return CertificationFactory(unit=unit, level=level, status=status)
    return CertificationFactory(
        unit=unit, level=level, status=status, applied_on=date(2026, 1, 10), named_on=None
    )


# --- moves ------------------------------------------------------------------------------------


def test_application_goes_through_rectification_to_naming(unit_a, district_user):
    title = application(unit_a)

    for step in (Status.REVIEW, Status.ONSITE, Status.RECTIFY, Status.ONSITE):
        transition(title, step, by=district_user)
        title.refresh_from_db()
        assert title.status == step
    transition(
        title, Status.NAMED, by=district_user, on=NAMED_ON, certificate_number="京安社2026-017"
    )

    title.refresh_from_db()
    assert title.status == Status.NAMED
    assert title.named_on == NAMED_ON
    assert title.valid_until == date(2029, 4, 20)
    assert title.certificate_number == "京安社2026-017"


def test_every_move_is_kept_in_the_history_with_its_user(unit_a, district_user):
    title = application(unit_a)

    transition(title, Status.REVIEW, by=district_user)
    transition(title, Status.ONSITE, by=district_user)
    transition(title, Status.NAMED, by=district_user, on=NAMED_ON)

    moves = list(title.history.order_by("history_id"))
    assert [h.status for h in moves] == [Status.APPLIED, Status.REVIEW, Status.ONSITE, Status.NAMED]
    assert [h.history_user for h in moves[1:]] == [district_user] * 3
    assert moves[-1].named_on == NAMED_ON


@pytest.mark.parametrize(
    ("before", "to"),
    [
        (Status.APPLIED, Status.NAMED),
        (Status.APPLIED, Status.ONSITE),
        (Status.APPLIED, Status.APPLIED),
        (Status.REVIEW, Status.NAMED),
        (Status.REVIEW, Status.RECTIFY),
        (Status.ONSITE, Status.APPLIED),
        (Status.RECTIFY, Status.REVIEW),
        (Status.NAMED, Status.APPLIED),
        (Status.NAMED, Status.ONSITE),
        (Status.EXPIRED, Status.NAMED),
        (Status.EXPIRED, Status.REVOKED),
        (Status.REVOKED, Status.APPLIED),
    ],
)
def test_illegal_move_is_refused_and_changes_nothing(unit_a, district_user, before, to):
    title = application(unit_a, status=before)
    history = title.history.count()

    with pytest.raises(errors.CertificationError) as refused:
        transition(title, to, by=district_user, on=NAMED_ON)

    assert refused.value.message == errors.ILLEGAL_TITLE_MOVE
    title.refresh_from_db()
    assert title.status == before
    assert title.history.count() == history


@pytest.mark.parametrize("before", [Status.APPLIED, Status.ONSITE, Status.NAMED])
def test_any_live_title_can_be_revoked(unit_a, district_user, before):
    title = application(unit_a, status=before)

    transition(title, Status.REVOKED, by=district_user)

    title.refresh_from_db()
    assert title.status == Status.REVOKED


@pytest.mark.parametrize("before", [Status.ONSITE, Status.RECTIFY])
def test_naming_without_a_date_is_refused(unit_a, district_user, before):
    title = application(unit_a, status=before)

    with pytest.raises(errors.CertificationError) as refused:
        transition(title, Status.NAMED, by=district_user)

    assert refused.value.message == errors.NAMING_NEEDS_DATE
    title.refresh_from_db()
    assert title.status == before
    assert title.named_on is None
    assert title.valid_until is None


@pytest.mark.parametrize("persona", ["clerk_a", "provider", "evaluator"])
def test_only_district_staff_move_a_title(request, unit_a, persona):
    title = application(unit_a, status=Status.ONSITE)

    with pytest.raises(errors.CertificationError) as refused:
        transition(title, Status.NAMED, by=request.getfixturevalue(persona), on=NAMED_ON)

    assert refused.value.message == errors.ONLY_DISTRICT_TITLES
    title.refresh_from_db()
    assert title.status == Status.ONSITE
    assert title.named_on is None


# --- validity ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "valid_until"),
    [
        (TitleLevel.MUNICIPAL, date(2029, 4, 20)),
        (TitleLevel.NATIONAL, date(2031, 4, 20)),
        (TitleLevel.INTERNATIONAL, date(2031, 4, 20)),
    ],
)
def test_default_validity_by_level(unit_a, district_user, level, valid_until):
    title = application(unit_a, status=Status.ONSITE, level=level)

    transition(title, Status.NAMED, by=district_user, on=NAMED_ON)

    title.refresh_from_db()
    assert title.valid_until == valid_until


@pytest.mark.parametrize(
    ("level", "years"),
    [(TitleLevel.MUNICIPAL, 4), (TitleLevel.NATIONAL, 6), (TitleLevel.INTERNATIONAL, 2)],
)
def test_validity_is_configured_per_level_on_the_programme(unit_a, district_user, level, years):
    program = unit_a.program
    setattr(program, f"{level}_title_years", years)
    program.save()
    title = application(unit_a, status=Status.ONSITE, level=level)

    transition(title, Status.NAMED, by=district_user, on=NAMED_ON)

    title.refresh_from_db()
    assert title.valid_until == date(2026 + years, 4, 20)


def test_validity_given_on_naming_wins_over_the_default(unit_a, district_user):
    title = application(unit_a, status=Status.RECTIFY)

    transition(title, Status.NAMED, by=district_user, on=NAMED_ON, valid_until=date(2028, 12, 31))

    title.refresh_from_db()
    assert title.valid_until == date(2028, 12, 31)


def test_title_named_on_29_february_ends_on_28_february(unit_a, district_user):
    title = CertificationFactory(
        unit=unit_a, status=Status.ONSITE, applied_on=date(2027, 6, 1), named_on=None
    )

    transition(title, Status.NAMED, by=district_user, on=date(2028, 2, 29))

    title.refresh_from_db()
    assert title.valid_until == date(2031, 2, 28)


# --- titles in force and expiry warnings ------------------------------------------------------


def test_held_counts_from_the_naming_day_to_the_last_valid_day(unit_a):
    title = CertificationFactory(
        unit=unit_a, named_on=date(2026, 1, 10), valid_until=date(2029, 1, 10)
    )

    for day, held in [
        (date(2026, 1, 9), False),
        (date(2026, 1, 10), True),
        (date(2029, 1, 10), True),
        (date(2029, 1, 11), False),
    ]:
        assert Certification.objects.held(day).filter(pk=title.pk).exists() == held, day
        assert title.is_held(day) == held, day


@pytest.mark.parametrize("status", [Status.EXPIRED, Status.REVOKED, Status.ONSITE])
def test_only_a_named_title_is_held(unit_a, status):
    CertificationFactory(
        unit=unit_a, status=status, named_on=date(2026, 1, 10), valid_until=date(2029, 1, 10)
    )

    assert not Certification.objects.held(date(2026, 6, 1)).exists()


def test_held_today_follows_the_shanghai_calendar(unit_a):
    title = CertificationFactory(
        unit=unit_a, named_on=date(2023, 4, 30), valid_until=date(2026, 4, 30)
    )

    with time_machine.travel(NOW, tick=False):
        assert not Certification.objects.held().filter(pk=title.pk).exists()
        assert not title.is_held()
        assert title.is_past_validity()


@pytest.mark.parametrize(
    ("days_left", "warning"),
    [(120, None), (91, None), (90, 90), (31, 90), (30, 30), (1, 30), (0, 30), (-1, None)],
)
def test_expiry_warning(unit_a, days_left, warning):
    valid_until = TODAY + timedelta(days=days_left)
    title = CertificationFactory(
        unit=unit_a,
        named_on=valid_until.replace(year=valid_until.year - 3),
        valid_until=valid_until,
    )

    with time_machine.travel(NOW, tick=False):
        title.refresh_from_db()
        assert title.expiry_warning() == warning
        assert title.days_to_expiry() == days_left


def test_application_under_way_has_no_expiry_warning(unit_a):
    title = application(unit_a, status=Status.ONSITE)

    with time_machine.travel(NOW, tick=False):
        assert title.expiry_warning() is None


# --- one open application per level -----------------------------------------------------------


def test_second_open_application_at_the_same_level_is_refused(unit_a):
    application(unit_a)
    second = Certification(unit=unit_a, level=TitleLevel.MUNICIPAL, applied_on=date(2026, 2, 1))

    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "level" in refused.value.message_dict

    refused_by_database(
        lambda: Certification.objects.create(
            unit=unit_a, level=TitleLevel.MUNICIPAL, applied_on=date(2026, 2, 1)
        ),
        "certification_one_open_per_level",
    )
    assert Certification.objects.filter(unit=unit_a).count() == 1


def test_named_title_blocks_a_new_application_at_its_level(unit_a):
    application(unit_a, status=Status.NAMED)

    refused_by_database(
        lambda: Certification.objects.create(
            unit=unit_a, level=TitleLevel.MUNICIPAL, applied_on=date(2026, 2, 1)
        ),
        "certification_one_open_per_level",
    )


@pytest.mark.parametrize("ended", [Status.EXPIRED, Status.REVOKED])
def test_new_application_after_an_ended_title_is_allowed(unit_a, district_user, ended):
    old = application(unit_a, status=Status.NAMED)
    transition(old, ended, by=district_user)

    again = Certification(unit=unit_a, level=TitleLevel.MUNICIPAL, applied_on=date(2029, 1, 5))
    again.full_clean()
    again.save()

    assert Certification.objects.filter(unit=unit_a, level=TitleLevel.MUNICIPAL).count() == 2


def test_other_levels_and_other_units_may_apply_alongside(unit_a, unit_b):
    application(unit_a)

    for unit, level in [(unit_a, TitleLevel.NATIONAL), (unit_b, TitleLevel.MUNICIPAL)]:
        other = Certification(unit=unit, level=level, applied_on=date(2026, 2, 1))
        other.full_clean()
        other.save()

    assert Certification.objects.count() == 3


def test_expire_titles_marks_only_named_titles_past_their_validity(unit_a, unit_b):
    lapsed = CertificationFactory(
        unit=unit_a,
        status=Certification.Status.NAMED,
        applied_on=date(2022, 9, 1),
        named_on=date(2022, 12, 1),
        valid_until=date(2025, 12, 1),
    )
    in_force = CertificationFactory(
        unit=unit_b,
        status=Certification.Status.NAMED,
        applied_on=date(2025, 9, 1),
        named_on=date(2025, 12, 1),
        valid_until=date(2028, 12, 1),
    )
    out = StringIO()

    with time_machine.travel(
        datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        call_command("expire_titles", stdout=out)

    lapsed.refresh_from_db()
    in_force.refresh_from_db()
    assert lapsed.status == Certification.Status.EXPIRED
    assert in_force.status == Certification.Status.NAMED
    assert lapsed.history.order_by("-history_id").first().status == Certification.Status.EXPIRED
    assert "1 title(s) marked expired." in out.getvalue()


# --- expiring one title, and dates the constraints refuse -------------------------------------


def lapsed_title(unit) -> Certification:
    """A Beijing title named on 1 December 2022 and valid until 1 December 2025."""
    return CertificationFactory(unit=unit, applied_on=date(2022, 9, 1), named_on=date(2022, 12, 1))


def test_the_system_expires_a_lapsed_named_title(unit_a):
    title = lapsed_title(unit_a)

    transition(title, Status.EXPIRED, by=None, on=date(2025, 12, 2))

    title.refresh_from_db()
    assert title.status == Status.EXPIRED
    latest = title.history.latest()
    assert (latest.status, latest.history_change_reason) == (Status.EXPIRED, "validity ended")


@pytest.mark.parametrize(
    ("meanwhile", "on", "after"),
    [
        ({"status": Status.REVOKED}, date(2025, 12, 2), Status.REVOKED),  # since it was read
        ({"status": Status.EXPIRED}, date(2025, 12, 2), Status.EXPIRED),  # by another run
        ({"valid_until": date(2028, 12, 1)}, date(2025, 12, 2), Status.NAMED),  # renewed
        ({}, date(2025, 12, 1), Status.NAMED),  # its last valid day
        ({}, date(2024, 6, 1), Status.NAMED),
    ],
    ids=["revoked", "already-expired", "renewed", "last-valid-day", "still-valid"],
)
def test_the_system_leaves_a_title_that_is_not_lapsed(unit_a, meanwhile, on, after):
    title = lapsed_title(unit_a)
    Certification.objects.filter(pk=title.pk).update(**meanwhile)
    history = title.history.count()

    with pytest.raises(errors.CertificationError):
        transition(title, Status.EXPIRED, by=None, on=on)

    title.refresh_from_db()
    assert title.status == after
    assert title.history.count() == history


@pytest.mark.parametrize(
    ("dates", "constraint"),
    [
        ({"on": date(2026, 1, 9)}, "certification_named_after_applied"),
        ({"on": NAMED_ON, "valid_until": NAMED_ON}, "certification_valid_after_named"),
    ],
    ids=["named-before-applied", "valid-only-on-the-naming-day"],
)
def test_naming_with_dates_the_constraints_refuse_is_a_certification_error(
    unit_a, district_user, dates, constraint
):
    title = application(unit_a, status=Status.ONSITE)  # applied on 10 January 2026
    history = title.history.count()
    (rule,) = [c for c in Certification._meta.constraints if c.name == constraint]

    with pytest.raises(errors.CertificationError) as refused:
        transition(
            title, Status.NAMED, by=district_user, certificate_number="京安社2026-001", **dates
        )

    assert str(refused.value) == str(rule.violation_error_message)
    assert (title.status, title.named_on, title.valid_until) == (Status.ONSITE, None, None)
    title.refresh_from_db()
    assert (title.status, title.named_on, title.valid_until) == (Status.ONSITE, None, None)
    assert title.certificate_number == ""
    assert title.history.count() == history
