"""An expenditure's page (its fields, the promotion project or activity it paid for, who recorded
it, its history and documents), the ledger's rows linking to each record's page, and both pages'
query counts at two sizes."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.core.transitions import transition
from programs.funds.services import expenditure_record, funds_document_upload
from programs.progress.demo import demo_pdf
from tests.factories import ActivityFactory, PromotionProjectFactory, WorkGroupFactory
from tests.funds.builders import YEAR, budget, paid, requested

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }


def voucher(name: str = "凭证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf("voucher"), "application/pdf")


@pytest.fixture
def spending(unit_a, funds, clerk_a):
    group = WorkGroupFactory(unit=unit_a, name="宣传教育组")
    project = PromotionProjectFactory(unit=unit_a, group=group, name="老年人防跌倒项目")
    activity = ActivityFactory(
        unit=unit_a, group=group, title="消防安全培训", date=date(YEAR, 4, 2)
    )
    return expenditure_record(
        by=clerk_a,
        unit=unit_a,
        spent_on=date(YEAR, 4, 3),
        category=funds.promotion,
        source=funds.district_budget,
        amount_fen=123_456,
        description="防跌倒宣传册印刷",
        voucher_number="ZC-2025-17",
        project=project,
        activity=activity,
    )


def test_the_expenditure_page_shows_its_fields_links_and_recorder(client, spending, finance_user):
    client.force_login(finance_user)

    response = client.get(spending.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    for text in ("1,234.56", "防跌倒宣传册印刷", "ZC-2025-17", f"{YEAR}-04-03", "老年人防跌倒项目"):
        assert text in page
    project_list = reverse("workgroups:project-list", args=["A01"])
    assert f'href="{project_list}#project-{spending.project_id}"' in page
    activity_list = reverse("workgroups:activity-list", args=["A01"])
    assert f"{activity_list}?month={YEAR}-04#activity-{spending.activity_id}" in page
    assert spending.recorded_by.display_name in page
    assert response.context["changes"], "its creation is in the change history"
    assert client.get(response.context["project_url"]).status_code == 200  # finance reads it


@pytest.mark.parametrize("persona", ["clerk_b", "provider", "evaluator", "other_district_user"])
def test_outsiders_find_no_expenditure_page(client, request, spending, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(spending.get_absolute_url()).status_code == 404


def test_the_ledgers_rows_link_to_each_records_page(client, unit_a, funds, finance_user, spending):
    budget(unit_a, 500_000, funds)
    asked = requested(unit_a, 10_000, funds)
    client.force_login(finance_user)

    page = client.get(reverse("programs:funds-ledger", args=["A01", YEAR])).content.decode()

    assert f'href="{asked.get_absolute_url()}"' in page
    assert f'href="{spending.get_absolute_url()}"' in page


# --- query counts at two sizes ------------------------------------------------------------------
def disbursement_world(unit_a, funds, finance_user, clerk_a, size: int):
    """A paid disbursement with `size` documents, beside `size` other paid ones of its line."""
    budget(unit_a, 10_000_000, funds)
    for n in range(size):
        paid(unit_a, 1_000, funds, voucher=f"BF-O{n}", finance=finance_user)
    record = requested(unit_a, 5_000, funds, by=clerk_a)
    transition(record, "approve", by=finance_user)
    for n in range(size):
        funds_document_upload(by=clerk_a, record=record, kind="voucher", upload=voucher(f"{n}.pdf"))
    return record


@pytest.mark.parametrize("size", [1, 12])
def test_the_disbursement_page_asks_a_fixed_number_of_queries(
    client, unit_a, funds, finance_user, clerk_a, size, django_assert_max_num_queries
):
    record = disbursement_world(unit_a, funds, finance_user, clerk_a, size)
    client.force_login(finance_user)

    # The change history names the record once per historical row (its unit, category and
    # source: `change_log`), and a disbursement has at most one row per move of its table.
    with django_assert_max_num_queries(19):
        response = client.get(record.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["documents"]) == size


@pytest.mark.parametrize("size", [1, 12])
def test_the_expenditure_page_asks_a_fixed_number_of_queries(
    client, spending, clerk_a, size, django_assert_max_num_queries
):
    for n in range(size):
        funds_document_upload(
            by=clerk_a, record=spending, kind="contract", upload=voucher(f"{n}.pdf")
        )
    client.force_login(clerk_a)

    with django_assert_max_num_queries(12):
        response = client.get(spending.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["documents"]) == size
