"""The activity log: recording activities, bad input at the field, filters, the quarterly
record of creation work meetings, attached files and deletion."""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from programs.models import Evidence, EvidenceVersion, User
from programs.progress.demo import demo_pdf
from programs.progress.services import activity_attachment_upload
from safecommunity import files
from safecommunity.calendar import Quarter
from tests.database import refused_by_database
from tests.factories import (
    ActivityFactory,
    PromotionProjectFactory,
    UserFactory,
    WorkGroupFactory,
)
from workgroups.choices import ActivityKind
from workgroups.demo import activities_demo
from workgroups.errors import ACTIVITY_HAS_ATTACHMENTS, ACTIVITY_IN_FUTURE
from workgroups.models import (
    Activity,
    ProjectStatus,
    PromotionProject,
    WorkGroup,
)
from workgroups.selectors import (
    MeetingState,
    unit_activity_summary,
    unit_meeting_record,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MEETING = ActivityKind.CREATION_MEETING


@pytest.fixture
def clerk(client, clerk_a):
    """Clerk of unit A, signed in, pages in English so the tests can read the messages."""
    client.cookies["django_language"] = "en"
    client.force_login(clerk_a)
    return client


@pytest.fixture
def group(unit_a):
    return WorkGroupFactory(unit=unit_a, name="宣传教育组")


def activity_data(**overrides) -> dict[str, str]:
    data = {
        "kind": "hazard_inspection",
        "date": str(timezone.localdate()),
        "group": "",
        "title": "燃气安全隐患排查",
        "participants": "6",
        "hazards_found": "5",
        "hazards_rectified": "3",
        "notes": "",
    }
    return {**data, **overrides}


def add_url(unit) -> str:
    return reverse("workgroups:activity-add", args=[unit.code])


def list_url(unit) -> str:
    return reverse("workgroups:activity-list", args=[unit.code])


# --- recording --------------------------------------------------------------------------------


def test_clerk_records_an_inspection_and_returns_to_its_month(clerk, unit_a, group):
    response = clerk.post(add_url(unit_a), activity_data(group=str(group.pk)))

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(list_url(unit_a) + f"?month={activity.date:%Y-%m}")
    assert (activity.unit, activity.group, activity.kind) == (unit_a, group, "hazard_inspection")
    assert (activity.participants, activity.hazards_found, activity.hazards_rectified) == (6, 5, 3)
    assert activity.history.get().history_type == "+"


def test_save_then_attach_opens_the_edit_page(clerk, unit_a):
    response = clerk.post(add_url(unit_a), {**activity_data(), "attach": "1"})

    activity = Activity.objects.get()
    assert response["Location"] == reverse("workgroups:activity-edit", args=[activity.pk]) + (
        "#attachments"
    )


def test_more_hazards_rectified_than_found_is_refused_at_the_field(clerk, unit_a):
    response = clerk.post(add_url(unit_a), activity_data(hazards_found="2", hazards_rectified="3"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["hazards_rectified"] == ["More hazards rectified than found."]
    assert not Activity.objects.exists()


def test_rectified_without_found_asks_for_the_found_count(clerk, unit_a):
    response = clerk.post(add_url(unit_a), activity_data(hazards_found="", hazards_rectified="1"))

    assert "hazards_found" in response.context["form"].errors
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("participants", "-5"),
        ("participants", "many"),
        ("participants", "99999999999"),
        ("hazards_found", "-1"),
        ("date", "2025-02-30"),
        ("kind", "party"),
        ("title", "   "),
    ],
)
def test_bad_input_gets_a_field_error_and_saves_nothing(clerk, unit_a, field, value):
    response = clerk.post(add_url(unit_a), activity_data(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Activity.objects.exists()


def test_a_date_in_the_future_is_refused(clerk, unit_a):
    tomorrow = timezone.localdate().toordinal() + 1

    response = clerk.post(add_url(unit_a), activity_data(date=str(date.fromordinal(tomorrow))))

    assert response.context["form"].errors["date"] == [str(ACTIVITY_IN_FUTURE)]


def test_a_group_of_another_unit_is_refused(clerk, unit_a, unit_b):
    foreign = WorkGroupFactory(unit=unit_b, name="乙街道宣传组")

    response = clerk.post(add_url(unit_a), activity_data(group=str(foreign.pk)))

    assert "group" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_model_refuses_a_group_of_another_unit(unit_a, unit_b):
    activity = Activity(
        unit=unit_a,
        kind=MEETING,
        date=timezone.localdate(),
        title="推进会",
        group=WorkGroupFactory(unit=unit_b),
    )

    with pytest.raises(ValidationError) as refused:
        activity.full_clean()

    assert "group" in refused.value.message_dict


def test_group_choices_are_the_units_active_groups_and_the_current_one(clerk, unit_a, unit_b):
    active = WorkGroupFactory(unit=unit_a, name="在用组")
    dropped = WorkGroupFactory(
        unit=unit_a, name="撤销组", status=WorkGroup.Status.DROPPED, dropped_at=timezone.now()
    )
    WorkGroupFactory(unit=unit_b, name="别的单位的组")
    activity = ActivityFactory(unit=unit_a, group=dropped)

    new = clerk.get(add_url(unit_a)).context["form"].fields["group"].queryset
    edit = clerk.get(activity.get_absolute_url()).context["form"].fields["group"].queryset

    assert list(new) == [active]
    assert set(edit) == {active, dropped}


def test_rectified_above_found_breaks_the_named_constraint_in_the_database(unit_a):
    activity = Activity(
        unit=unit_a,
        kind="hazard_inspection",
        date=timezone.localdate(),
        title="隐患排查",
        hazards_found=1,
        hazards_rectified=2,
    )

    with pytest.raises(ValidationError) as refused:
        activity.full_clean()
    assert "hazards_rectified" in refused.value.message_dict
    refused_by_database(activity.save, "activity_rectified_not_above_found")


def test_editing_keeps_the_unit_and_records_the_change(clerk, unit_a):
    activity = ActivityFactory(unit=unit_a, title="旧标题")

    response = clerk.post(
        activity.get_absolute_url(), activity_data(kind="publicity", title="新标题")
    )

    activity.refresh_from_db()
    assert response.status_code == 302
    assert (activity.title, activity.unit) == ("新标题", unit_a)
    assert activity.history.count() == 2


# --- the list and its filters -----------------------------------------------------------------


@pytest.fixture
def log(unit_a, unit_b):
    """Unit A: a meeting and a training in March 2026, a drill in April; unit B: a training."""
    return {
        "meeting": ActivityFactory(unit=unit_a, kind=MEETING, date=date(2026, 3, 5)),
        "training": ActivityFactory(unit=unit_a, kind="training", date=date(2026, 3, 20)),
        "drill": ActivityFactory(unit=unit_a, kind="drill", date=date(2026, 4, 2)),
        "other_unit": ActivityFactory(unit=unit_b, kind="training", date=date(2026, 3, 21)),
    }


def shown(response) -> list[Activity]:
    return list(response.context["activities"])


def test_list_shows_the_units_activities_newest_first(clerk, unit_a, log):
    response = clerk.get(list_url(unit_a))

    assert shown(response) == [log["drill"], log["training"], log["meeting"]]


def test_month_filter(clerk, unit_a, log):
    response = clerk.get(list_url(unit_a), {"month": "2026-03"})

    assert shown(response) == [log["training"], log["meeting"]]


def test_kind_filter(clerk, unit_a, log):
    response = clerk.get(list_url(unit_a), {"kind": "training"})

    assert shown(response) == [log["training"]]


def test_month_and_kind_together(clerk, unit_a, log):
    response = clerk.get(list_url(unit_a), {"month": "2026-04", "kind": "training"})

    assert shown(response) == []
    assert "No activities match the filter." in response.content.decode()


@pytest.mark.parametrize("month", ["2026-13", "March", "2026/03"])
def test_a_bad_month_is_reported_at_the_filter_and_ignored(clerk, unit_a, log, month):
    response = clerk.get(list_url(unit_a), {"month": month})

    assert "month" in response.context["filter"].form.errors
    assert len(shown(response)) == 3


def test_readers_see_the_log_without_edit_links(client, unit_a, provider, log):
    client.force_login(provider)

    html = client.get(list_url(unit_a)).content.decode()

    assert log["meeting"].title in html
    assert reverse("workgroups:activity-add", args=[unit_a.code]) not in html
    assert log["meeting"].get_absolute_url() not in html


def test_the_list_shows_counts_and_the_hazards(clerk, unit_a):
    ActivityFactory(unit=unit_a, kind="hazard_inspection", hazards_found=7, hazards_rectified=4)

    html = clerk.get(list_url(unit_a)).content.decode()

    assert "7 / 4" in html


# --- the quarterly record of creation work meetings ---------------------------------------------


@pytest.fixture
def meetings(unit_a):
    """Unit A joined in February 2025 and met in every quarter but the third of 2025 and the
    first of 2026; it also held a training (not a meeting) in the third quarter of 2025."""
    unit_a.joined_on = date(2025, 2, 10)
    unit_a.save()
    for day in (date(2025, 2, 10), date(2025, 5, 6), date(2025, 6, 30), date(2025, 11, 3)):
        ActivityFactory(unit=unit_a, kind=MEETING, date=day)
    ActivityFactory(unit=unit_a, kind="training", date=date(2025, 8, 1))
    return unit_a


def states(record) -> dict[str, tuple[int, str]]:
    """Each quarter's meetings and state, keyed "2025 Q1" whatever the active language."""
    return {_key(row.quarter): (row.meetings, row.state) for row in record}


def _key(quarter) -> str:
    return f"{quarter.year} Q{quarter.number}"


def test_a_quarter_without_a_meeting_is_missing_and_the_current_one_open(meetings):
    with time_machine.travel(datetime(2026, 5, 20, 10, tzinfo=SHANGHAI), tick=False):
        record = unit_meeting_record(meetings)

    assert states(record) == {
        "2025 Q1": (1, MeetingState.HELD),
        "2025 Q2": (2, MeetingState.HELD),
        "2025 Q3": (0, MeetingState.MISSING),
        "2025 Q4": (1, MeetingState.HELD),
        "2026 Q1": (0, MeetingState.MISSING),
        "2026 Q2": (0, MeetingState.OPEN),
    }


def test_a_quarter_ends_at_midnight_in_shanghai(meetings):
    # 31 March 2026, 17:00 UTC is already 1 April in Shanghai: the first quarter is over.
    with time_machine.travel(datetime(2026, 3, 31, 17, tzinfo=ZoneInfo("UTC")), tick=False):
        after = states(unit_meeting_record(meetings))
    with time_machine.travel(datetime(2026, 3, 31, 15, tzinfo=ZoneInfo("UTC")), tick=False):
        before = states(unit_meeting_record(meetings))

    assert after["2026 Q1"] == (0, MeetingState.MISSING)
    assert before["2026 Q1"] == (0, MeetingState.OPEN)


def test_the_record_starts_at_the_programme_when_the_unit_has_no_joining_date(unit_a):
    unit_a.program.start_date = date(2026, 1, 15)
    unit_a.program.save()

    record = unit_meeting_record(unit_a, today=date(2026, 4, 10))

    assert [_key(row.quarter) for row in record] == ["2026 Q1", "2026 Q2"]


def test_the_list_page_flags_missing_quarters(clerk, meetings):
    with time_machine.travel(datetime(2026, 5, 20, 10, tzinfo=SHANGHAI), tick=False):
        response = clerk.get(list_url(meetings))

    html = response.content.decode()
    assert 'class="quarter quarter-missing" id="quarter-2025-3"' in html
    assert 'class="quarter quarter-open" id="quarter-2026-2"' in html
    assert html.count("quarter quarter-missing") == 2


def test_unit_summary_counts_and_names_the_last_quarter_without_a_meeting(meetings):
    unit = meetings
    ActivityFactory(unit=unit, kind="training", date=date(2026, 5, 2))
    ActivityFactory(unit=unit, kind="drill", date=date(2026, 1, 9))
    PromotionProjectFactory(unit=unit, status=ProjectStatus.ACTIVE, start=date(2026, 1, 1))
    PromotionProjectFactory(unit=unit, status=ProjectStatus.PLANNED, start=date(2026, 7, 1))
    PromotionProjectFactory(
        unit=unit, status=ProjectStatus.ACTIVE, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )

    summary = unit_activity_summary(unit, today=date(2026, 5, 20))

    assert (summary.this_month, summary.this_year) == (1, 2)
    assert summary.projects_active == 1
    assert summary.last_missing == Quarter(2026, 1)


def test_unit_page_shows_the_activity_card(clerk, meetings):
    with time_machine.travel(datetime(2026, 5, 20, 10, tzinfo=SHANGHAI), tick=False):
        response = clerk.get(meetings.get_absolute_url())

    html = response.content.decode()
    assert response.context["activity_summary"].last_missing == Quarter(2026, 1)
    assert "No creation work meeting in 2026 Q1." in html
    assert list_url(meetings) in html


def test_unit_summary_without_a_missing_quarter(meetings):
    ActivityFactory(unit=meetings, kind=MEETING, date=date(2025, 8, 8))
    ActivityFactory(unit=meetings, kind=MEETING, date=date(2026, 2, 8))

    summary = unit_activity_summary(meetings, today=date(2026, 5, 20))

    assert summary.last_missing is None


# --- attached files -----------------------------------------------------------------------------


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def attach_url(activity) -> str:
    return reverse("workgroups:activity-attach", args=[activity.pk])


def test_clerk_attaches_a_real_file(clerk, unit_a, private_storage):
    activity = ActivityFactory(unit=unit_a, kind=MEETING)
    content = demo_pdf("sign-in sheet")

    response = clerk.post(
        attach_url(activity),
        {"file": SimpleUploadedFile("签到表.pdf", content, "application/pdf"), "note": "扫描件"},
    )

    assert response.status_code == 302
    document = Evidence.objects.get()
    version = document.versions.get()
    assert (document.activity, document.unit, document.unit_milestone) == (activity, unit_a, None)
    assert document.title == "签到表"  # no title given: the file's name
    assert (version.effective_date, version.note, version.size) == (
        activity.date,
        "扫描件",
        len(content),
    )
    assert len(stored_files(private_storage)) == 1
    listing = clerk.get(list_url(unit_a)).content.decode()
    assert version.get_absolute_url() in listing


def test_a_disguised_file_is_refused_at_the_field_and_nothing_is_stored(
    clerk, unit_a, private_storage
):
    activity = ActivityFactory(unit=unit_a)
    program = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60

    response = clerk.post(
        attach_url(activity),
        {"file": SimpleUploadedFile("签到表.pdf", program, "application/pdf"), "title": "签到表"},
    )

    assert response.status_code == 200
    errors_at_file = response.context["attach_form"].errors["file"]
    assert errors_at_file == [str(files.FILE_TYPE_REFUSED % {"name": "签到表.pdf"})]
    assert response.context["form"].errors == {}  # the activity's own form is left alone
    assert not Evidence.objects.exists()
    assert not EvidenceVersion.objects.exists()
    assert stored_files(private_storage) == []


def test_a_post_without_a_file_asks_for_one(clerk, unit_a, private_storage):
    activity = ActivityFactory(unit=unit_a)

    response = clerk.post(attach_url(activity), {"title": "照片"})

    assert "file" in response.context["attach_form"].errors
    assert not Evidence.objects.exists()


def test_another_units_clerk_cannot_download_an_activity_file(
    client, unit_a, clerk_a, clerk_b, private_storage
):
    activity = ActivityFactory(unit=unit_a)
    version = activity_attachment_upload(
        activity=activity,
        by=clerk_a,
        upload=SimpleUploadedFile("照片.pdf", demo_pdf("photo"), "application/pdf"),
        title="现场照片",
    )
    client.force_login(clerk_b)

    response = client.get(version.get_absolute_url())

    assert response.status_code == 404
    client.force_login(clerk_a)
    own = client.get(version.get_absolute_url())
    assert own.status_code == 200
    own.close()


# --- deleting -----------------------------------------------------------------------------------


def test_deleting_an_activity_keeps_its_history(clerk, unit_a):
    activity = ActivityFactory(unit=unit_a, title="重复录入的活动")
    pk = activity.pk

    confirm = clerk.get(reverse("workgroups:activity-delete", args=[pk]))
    response = clerk.post(reverse("workgroups:activity-delete", args=[pk]))

    assert confirm.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == list_url(unit_a)
    assert not Activity.objects.filter(pk=pk).exists()
    history = Activity.history.filter(id=pk).order_by("history_date")
    assert [row.history_type for row in history] == ["+", "-"]
    assert history.last().title == "重复录入的活动"


def test_an_activity_with_files_is_not_deleted(clerk, unit_a, clerk_a, private_storage):
    activity = ActivityFactory(unit=unit_a)
    activity_attachment_upload(
        activity=activity,
        by=clerk_a,
        upload=SimpleUploadedFile("纪要.pdf", demo_pdf("minutes"), "application/pdf"),
        title="会议纪要",
    )

    response = clerk.post(reverse("workgroups:activity-delete", args=[activity.pk]), follow=True)

    assert Activity.objects.filter(pk=activity.pk).exists()
    assert str(ACTIVITY_HAS_ATTACHMENTS) in response.content.decode()
    assert len(stored_files(private_storage)) == 1


# --- the admin ----------------------------------------------------------------------------------


def admin_url(view: str, *args) -> str:
    return reverse(f"admin:workgroups_activity_{view}", args=args)


def test_admin_lists_searches_and_opens_activities(client, admin_user, unit_a, unit_b):
    mine = ActivityFactory(unit=unit_a, kind="drill", title="防汛应急演练")
    ActivityFactory(unit=unit_b, kind="training", title="网格员培训")
    client.force_login(admin_user)

    found = client.get(admin_url("changelist"), {"q": "防汛"})
    drills = client.get(admin_url("changelist"), {"kind__exact": "drill"})
    change = client.get(admin_url("change", mine.pk))

    assert [row.pk for row in found.context["cl"].result_list] == [mine.pk]
    assert [row.pk for row in drills.context["cl"].result_list] == [mine.pk]
    assert "unit" in change.context["adminform"].readonly_fields
    assert client.get(admin_url("history", mine.pk)).status_code == 200


def test_a_staff_clerk_sees_and_changes_only_their_units_activities_in_the_admin(
    client, unit_a, unit_b
):
    clerk = UserFactory(username="staff_clerk", role=User.Role.CLERK, unit=unit_a, is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="workgroups", codename__endswith="activity"
        )
    )
    mine = ActivityFactory(unit=unit_a)
    theirs = ActivityFactory(unit=unit_b)
    client.force_login(clerk)

    listed = client.get(admin_url("changelist")).context["cl"].result_list

    assert [row.pk for row in listed] == [mine.pk]
    assert client.get(admin_url("change", theirs.pk)).status_code == 302  # "does not exist"
    assert client.get(admin_url("history", theirs.pk)).status_code == 404


# --- demo data ----------------------------------------------------------------------------------


def test_demo_gives_a_unit_two_years_of_activities_once(unit_a, clerk_a, private_storage):
    unit_a.joined_on = date(2024, 11, 20)
    unit_a.save()
    WorkGroupFactory(unit=unit_a, name="安全宣传教育组")

    with time_machine.travel(datetime(2026, 11, 29, 10, tzinfo=SHANGHAI), tick=False):
        made = activities_demo(unit_a, random.Random("A01"), clerk_a)
        again = activities_demo(unit_a, random.Random("A01"), clerk_a)
        record = unit_meeting_record(unit_a)

    assert again == []
    assert len(made) == Activity.objects.filter(unit=unit_a).count() > 80  # about 4 a month
    assert all(row.date <= date(2026, 11, 29) for row in made)
    assert sum(row.state == MeetingState.MISSING for row in record) <= 1
    inspections = Activity.objects.filter(kind="hazard_inspection")
    assert all(row.hazards_rectified <= row.hazards_found for row in inspections)
    for row in made[:20]:
        row.full_clean()
    assert 2 <= PromotionProject.objects.filter(unit=unit_a).count() <= 4
    meetings = Activity.objects.filter(kind=MEETING).count()
    assert Evidence.objects.filter(activity__isnull=False).count() == meetings
    assert len(stored_files(private_storage)) == meetings
