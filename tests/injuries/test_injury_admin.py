"""The admin of injury surveillance: records scoped by unit in the list, the change pages and
the export; no import-export import but a link to the portal's import; batches read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape

from injuries.models import ImportBatch, InjuryRecord
from programs.jobs.admin_exports import export_from_admin
from programs.jobs.models import Job
from programs.models import User
from safecommunity.errors import BAD_LIST_FILTER
from tests.downloads import downloaded, export_record, run_export
from tests.factories import InjuryRecordFactory, UserFactory

CSV_FORMAT = "1"  # the position of CSV in `SPREADSHEET_FORMATS`
ADMIN_EXPORT_MAX_QUERIES = 5


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def with_injury_permissions(user: User) -> User:
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="injuries"))
    return user


@pytest.fixture
def staff_clerk(unit_a):
    """A clerk of unit A with admin access and every permission on injury data."""
    return with_injury_permissions(
        UserFactory(username="staff_clerk", role=User.Role.CLERK, unit=unit_a)
    )


@pytest.fixture
def staff_district(district_user):
    return with_injury_permissions(district_user)


@pytest.fixture
def records(unit_a, unit_b):
    return {
        "a": InjuryRecordFactory(unit=unit_a, record_number="A-1"),
        "b": InjuryRecordFactory(unit=unit_b, record_number="B-1"),
    }


def exported_numbers(client, query: str = "") -> set[str]:
    """Export the records the changelist's `query` shows as CSV through the admin (a job); the
    card numbers in its file."""
    response = client.post(
        admin_url(InjuryRecord, "export") + query,
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "injuryrecordresource_unit": "on",
            "injuryrecordresource_record_number": "on",
        },
    )
    rows = downloaded(client, response).csv_rows()
    column = rows[0].index(str(InjuryRecord._meta.get_field("record_number").verbose_name))
    return {row[column] for row in rows[1:]}


def test_a_clerk_lists_and_exports_only_their_units_records(client, staff_clerk, records):
    client.force_login(staff_clerk)

    listing = client.get(admin_url(InjuryRecord, "changelist"))

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [records["a"]]
    assert exported_numbers(client) == {"A-1"}
    assert client.get(admin_url(InjuryRecord, "change", records["b"].pk)).status_code == 302


def test_district_staff_list_and_export_every_units_records(client, staff_district, records):
    client.force_login(staff_district)

    listing = client.get(admin_url(InjuryRecord, "changelist"))

    assert set(listing.context["cl"].result_list) == {records["a"], records["b"]}
    assert exported_numbers(client) == {"A-1", "B-1"}
    assert client.get(admin_url(InjuryRecord, "change", records["b"].pk)).status_code == 200


def test_the_admin_export_is_a_job_that_keeps_the_changelists_search(
    client, staff_district, records
):
    client.force_login(staff_district)

    form = client.get(admin_url(InjuryRecord, "export") + "?q=B-1")

    assert 'id="export-in-background"' in form.text
    assert exported_numbers(client, "?q=B-1") == {"B-1"}
    job = Job.objects.get(user=staff_district)
    assert job.params["query"] == {"q": ["B-1"]}
    assert (job.state, job.done, job.total) == ("done", 1, 1)
    assert job.result_name.startswith("InjuryRecord-") and job.result_name.endswith(".csv")


@pytest.mark.parametrize("query", ["?unit__id__exact=abc", "?injury_date__gte=notadate"])
def test_an_admin_export_with_filters_the_list_cannot_read_is_a_bad_request(
    english, staff_district, records, query
):
    client = english
    client.force_login(staff_district)
    url = admin_url(InjuryRecord, "export") + query

    form = client.get(url)
    submitted = client.post(url, {"resource": "0", "format": CSV_FORMAT})

    assert form.status_code == submitted.status_code == 400
    assert escape(str(BAD_LIST_FILTER)) in submitted.content.decode()
    assert not Job.objects.exists()


def test_a_clerk_cannot_change_another_units_record_in_the_admin(client, staff_clerk, records):
    client.force_login(staff_clerk)

    response = client.post(admin_url(InjuryRecord, "delete", records["b"].pk), {"post": "yes"})

    assert response.status_code in (302, 403, 404)
    assert InjuryRecord.objects.filter(pk=records["b"].pk).exists()


def test_the_changelist_links_to_the_portals_import_instead_of_import_export(
    client, staff_district, records
):
    client.force_login(staff_district)

    html = client.get(admin_url(InjuryRecord, "changelist")).text

    assert f'href="{reverse("injuries:import")}"' in html
    assert admin_url(InjuryRecord, "export") in html
    assert not hasattr(admin.site._registry[InjuryRecord], "import_action")


def test_the_changelist_query_count_does_not_grow_with_records(
    client, staff_district, unit_a, django_assert_max_num_queries
):
    client.force_login(staff_district)
    for size in (5, 40):
        InjuryRecordFactory.create_batch(size - InjuryRecord.objects.count(), unit=unit_a)

        with django_assert_max_num_queries(11):  # with the district's unit ids, the scope
            response = client.get(admin_url(InjuryRecord, "changelist"))

        assert response.context["cl"].result_count == size


def test_an_admin_record_change_keeps_the_derived_fields_and_the_history(
    client, staff_district, records
):
    client.force_login(staff_district)
    record = records["a"]
    page = client.get(admin_url(InjuryRecord, "change", record.pk))
    data = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if value is not None
    }

    client.post(admin_url(InjuryRecord, "change", record.pk), {**data, "age": 70})

    record.refresh_from_db()
    assert record.age == 70
    assert record.age_band == "60+"
    assert record.history.latest().history_user == staff_district


@pytest.fixture
def batches(district_user, staff_clerk):
    return {
        "district": ImportBatch.objects.create(
            file_name="district.xlsx", sha256="0" * 64, size=1, uploaded_by=district_user
        ),
        "clerk": ImportBatch.objects.create(
            file_name="clerk.xlsx", sha256="1" * 64, size=1, uploaded_by=staff_clerk
        ),
    }


def test_import_batches_are_read_only_and_scoped_to_their_uploader(
    client, staff_clerk, staff_district, batches
):
    client.force_login(staff_clerk)
    as_clerk = client.get(admin_url(ImportBatch, "changelist"))
    client.force_login(staff_district)
    as_district = client.get(admin_url(ImportBatch, "changelist"))

    assert list(as_clerk.context["cl"].result_list) == [batches["clerk"]]
    assert set(as_district.context["cl"].result_list) == set(batches.values())
    assert not as_district.context["has_add_permission"]
    response = client.post(
        admin_url(ImportBatch, "change", batches["clerk"].pk), {"file_name": "renamed.xlsx"}
    )
    assert response.status_code == 403
    batches["clerk"].refresh_from_db()
    assert batches["clerk"].file_name == "clerk.xlsx"


@pytest.mark.parametrize("count", [2, 60])
def test_the_admin_export_jobs_queries_do_not_grow_with_records(
    staff_district, unit_a, django_assert_max_num_queries, count
):
    InjuryRecordFactory.create_batch(count, unit=unit_a)
    record = export_record(
        export_from_admin,
        staff_district,
        model="injuries.injuryrecord",
        query={},
        file_format=int(CSV_FORMAT),
        resource=0,
        fields=[],
    )

    # The user's permissions (two), the ids of the district's units (the records' scope), the
    # count, the records with their units.
    with django_assert_max_num_queries(ADMIN_EXPORT_MAX_QUERIES):
        _outcome, content = run_export(record)

    assert len(content.decode("utf-8-sig").splitlines()) == 1 + count
    assert record.done == record.total == count
