"""The treasury's file of paid disbursements: real xlsx and CSV files (UTF-8, GB18030) pay each
approved disbursement once, with its voucher, date and payee, on the event log; the same file
twice pays nothing twice; every bad row is named at its row and column and nothing changes;
only finance staff (their district) and administrators import."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from programs.core.models import Event
from programs.core.transitions import transition
from programs.funds import errors
from programs.funds.models import Disbursement, FiscalYear
from programs.funds.treasury import (
    AMOUNT,
    DATE,
    PAYEE,
    UNIT,
    VOUCHER,
    TreasuryRefused,
    payment_rows_read,
    treasury_check,
    treasury_import,
)
from programs.jobs.models import Job
from safecommunity import money
from safecommunity.spreadsheets import NOT_A_DATE
from tests.factories import ProgramFactory, UnitFactory
from tests.funds.builders import YEAR, budget, paid, requested

pytestmark = pytest.mark.django_db

PAGE = reverse("programs:funds-treasury")
CONFIRM = reverse("programs:funds-treasury-confirm")
HEADERS = ["凭证号", "单位代码", "金额", "日期", "收款人"]
ENGLISH_HEADERS = ["Voucher number", "Unit code", "Amount", "Date", "Payee"]


# --- files, as a treasury system or Excel writes them ---------------------------------------------
def xlsx(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _text(cell) -> str:
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    return "" if cell is None else str(cell)


def csv_bytes(rows, encoding="utf-8-sig", headers=HEADERS) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows([[_text(cell) for cell in row] for row in rows])
    return text.getvalue().encode(encoding)


def approve(disbursement, finance):
    transition(disbursement, "approve", by=finance)
    disbursement.refresh_from_db()
    return disbursement


@pytest.fixture
def huairou_unit(other_district):
    return UnitFactory(
        code="H01", name="怀柔镇", program=ProgramFactory(code="hr", district=other_district)
    )


@pytest.fixture
def waiting(unit_a, unit_b, huairou_unit, finance_user, other_district_finance, funds):
    """Approved disbursements waiting for payment: unit A 1,000.00 and 2,500.50, unit B 500.00,
    怀柔镇 (another district) 1,000.00."""
    budget(unit_a, 10_000_000, funds)
    budget(unit_b, 10_000_000, funds)
    budget(huairou_unit, 10_000_000, funds)
    return {
        "a1": approve(requested(unit_a, 100_000, funds), finance_user),
        "a2": approve(requested(unit_a, 250_050, funds), finance_user),
        "b1": approve(requested(unit_b, 50_000, funds), finance_user),
        "h1": approve(requested(huairou_unit, 100_000, funds), other_district_finance),
    }


GOOD_ROWS = [
    ("GK-001", "A01", 1000, datetime(YEAR, 3, 5), "甲镇财政所"),  # number and date cells
    ("GK-002", "a01", "2,500.50", "2025-03-06", "甲镇财政所"),  # text cells, a lower-case code
    ("GK-003", "B01", "￥500.00", "2025/3/7", "乙街道办事处"),
]


def state() -> list[tuple]:
    """Everything an import could change."""
    flows = Disbursement.objects.order_by("pk").values_list(
        "pk", "status", "voucher_number", "paid_on", "payee", "updated_at"
    )
    return [*flows, Event.objects.filter(action="pay").count(), Disbursement.history.count()]


def imported(content: bytes, user, name="国库支付.xlsx"):
    rows, problems = payment_rows_read(content, name=name)
    assert problems == []
    return treasury_import(by=user, rows=rows)


# --- success --------------------------------------------------------------------------------------
def test_an_xlsx_file_pays_each_disbursement_with_its_voucher_date_and_payee(waiting, finance_user):
    check = imported(xlsx(GOOD_ROWS), finance_user)

    assert len(check.to_pay) == 3 and check.already == []
    a1, a2, b1 = (Disbursement.objects.get(pk=waiting[key].pk) for key in ("a1", "a2", "b1"))
    assert [(d.status, d.voucher_number, d.paid_on, d.payee) for d in (a1, a2, b1)] == [
        (Disbursement.Status.PAID, "GK-001", date(YEAR, 3, 5), "甲镇财政所"),
        (Disbursement.Status.PAID, "GK-002", date(YEAR, 3, 6), "甲镇财政所"),
        (Disbursement.Status.PAID, "GK-003", date(YEAR, 3, 7), "乙街道办事处"),
    ]
    for flow in (a1, a2, b1):
        event = Event.objects.of(flow).first()
        assert (event.action, event.actor, event.to_state) == ("pay", finance_user, "paid")
        assert flow.history.first().history_user == finance_user
    assert Disbursement.objects.get(pk=waiting["h1"].pk).status == Disbursement.Status.APPROVED


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_a_csv_file_in_utf8_with_or_without_bom_or_gb18030_pays(waiting, finance_user, encoding):
    check = imported(csv_bytes(GOOD_ROWS, encoding), finance_user, name="国库支付.csv")

    assert len(check.to_pay) == 3
    assert Disbursement.objects.filter(status=Disbursement.Status.PAID).count() == 3
    assert Disbursement.objects.get(voucher_number="GK-003").payee == "乙街道办事处"


def test_english_headers_are_read_too(waiting, finance_user):
    check = imported(xlsx(GOOD_ROWS[:1], headers=ENGLISH_HEADERS), finance_user)

    assert [flow.pk for _row, flow in check.to_pay] == [waiting["a1"].pk]


def test_the_same_file_twice_pays_nothing_the_second_time(waiting, finance_user):
    content = xlsx(GOOD_ROWS)
    imported(content, finance_user)
    before = state()

    again = imported(content, finance_user)

    assert again.to_pay == [] and len(again.already) == 3
    assert state() == before


def test_the_oldest_approved_disbursement_is_paid_first_and_each_once(unit_a, finance_user, funds):
    budget(unit_a, 1_000_000, funds)
    first, second, third = (
        approve(requested(unit_a, 30_000, funds), finance_user) for _ in range(3)
    )
    rows = [
        ("GK-2", "A01", 300, date(YEAR, 5, 2), "甲镇"),
        ("GK-1", "A01", 300, date(YEAR, 5, 1), "甲镇"),
    ]

    imported(xlsx(rows), finance_user)

    assert Disbursement.objects.get(pk=first.pk).voucher_number == "GK-2"
    assert Disbursement.objects.get(pk=second.pk).voucher_number == "GK-1"
    assert Disbursement.objects.get(pk=third.pk).status == Disbursement.Status.APPROVED


def test_an_administrator_imports_every_districts_payments(waiting, admin_user):
    rows = [*GOOD_ROWS, ("HR-1", "H01", 1000, date(YEAR, 4, 1), "怀柔镇")]

    check = imported(xlsx(rows), admin_user)

    assert len(check.to_pay) == 4


# --- bad input: each problem at its row and column, nothing changed -------------------------------
def _paid_elsewhere(unit_a, finance_user, funds):
    paid(unit_a, 70_000, funds, voucher="USED-1", finance=finance_user)


BAD_ROWS = [
    # (the bad row, its column, its message, what the world needs first)
    (("GK-9", "Z99", 1000, "2025-03-01", "某"), UNIT, errors.TREASURY_UNIT_UNKNOWN, None),
    (("GK-9", "H01", 1000, "2025-03-01", "某"), UNIT, errors.TREASURY_UNIT_UNKNOWN, None),
    (("GK-9", "", 1000, "2025-03-01", "某"), UNIT, errors.TREASURY_UNIT_MISSING, None),
    (("GK-9", "A01", "12.345", "2025-03-01", "某"), AMOUNT, money.TOO_MANY_DECIMALS, None),
    (("GK-9", "A01", 10.005, "2025-03-01", "某"), AMOUNT, money.NOT_WHOLE_FEN, None),
    (("GK-9", "A01", "-5", "2025-03-01", "某"), AMOUNT, money.NEGATIVE, None),
    (("GK-9", "A01", "1,23.00", "2025-03-01", "某"), AMOUNT, money.NOT_AN_AMOUNT, None),
    (("GK-9", "A01", "一千", "2025-03-01", "某"), AMOUNT, money.NOT_AN_AMOUNT, None),
    (("GK-9", "A01", 0, "2025-03-01", "某"), AMOUNT, errors.AMOUNT_POSITIVE, None),
    (("GK-9", "A01", None, "2025-03-01", "某"), AMOUNT, errors.TREASURY_AMOUNT_MISSING, None),
    (("GK-9", "A01", 1000, "2025-13-01", "某"), DATE, NOT_A_DATE, None),
    (("GK-9", "A01", 1000, "next week", "某"), DATE, NOT_A_DATE, None),
    (("GK-9", "A01", 1000, None, "某"), DATE, errors.PAID_ON_REQUIRED, None),
    (("GK-9", "A01", 1000, "2025-03-01", "  "), PAYEE, errors.PAYEE_REQUIRED, None),
    ((None, "A01", 1000, "2025-03-01", "某"), VOUCHER, errors.VOUCHER_REQUIRED, None),
    (("GK-001", "A01", 1000, "2025-03-01", "某"), VOUCHER, errors.TREASURY_VOUCHER_REPEATED, None),
    (("USED-1", "A01", 1000, "2025-03-01", "某"), VOUCHER, errors.VOUCHER_USED, _paid_elsewhere),
    (("GK-9", "A01", "999.99", "2025-03-01", "某"), AMOUNT, errors.TREASURY_NO_MATCH, None),
    (("GK-9", "B01", 500, "2026-01-05", "某"), AMOUNT, errors.TREASURY_NO_MATCH, None),
    (("GK-9", "A01", 1000, "2024-03-01", "某"), DATE, errors.YEAR_CLOSED, "close"),
]


@pytest.mark.parametrize(
    ("bad", "column", "message", "prepare"),
    BAD_ROWS,
    ids=[f"{column.name}-{i}" for i, (_b, column, _m, _p) in enumerate(BAD_ROWS)],
)
def test_each_bad_row_is_named_at_its_row_and_column_and_nothing_changes(
    waiting, unit_a, finance_user, funds, bad, column, message, prepare
):
    if prepare == "close":
        transition(
            FiscalYear.objects.get_or_create(district=unit_a.district, year=YEAR - 1)[0],
            "close",
            by=finance_user,
        )
    elif prepare is not None:
        prepare(unit_a, finance_user, funds)
    before = state()
    content = xlsx([GOOD_ROWS[0], GOOD_ROWS[2], bad])  # the bad row is row 4

    rows, problems = payment_rows_read(content, name="国库支付.xlsx")
    problems += treasury_check(by=finance_user, rows=rows).problems

    assert [(p.row, p.column) for p in problems] == [(4, column.label)]
    template = str(message).split("%")[0]
    assert problems[0].message.startswith(template), problems[0].message
    if len(rows) == 3:  # read, but refused by the data
        with pytest.raises(TreasuryRefused) as refusal:
            treasury_import(by=finance_user, rows=rows)
        assert refusal.value.problems[0].row == 4
    assert state() == before


def test_a_file_without_a_column_is_refused_at_the_header(waiting, finance_user):
    content = xlsx([row[:4] for row in GOOD_ROWS], headers=HEADERS[:4])

    rows, problems = payment_rows_read(content, name="f.xlsx")

    assert rows == []
    assert [(p.row, p.column) for p in problems] == [(1, PAYEE.label)]


def test_a_file_that_is_not_a_spreadsheet_is_refused(finance_user):
    with pytest.raises(errors.FundsError):
        payment_rows_read(b"%PDF-1.4 nothing", name="f.pdf")
    with pytest.raises(errors.FundsError):
        payment_rows_read(b"PK\x03\x04broken", name="f.xlsx")


def test_a_unit_of_another_district_is_refused_to_its_finance_staff(
    waiting, other_district_finance
):
    rows, _problems = payment_rows_read(xlsx(GOOD_ROWS[:1]), name="f.xlsx")

    check = treasury_check(by=other_district_finance, rows=rows)

    assert [(p.row, p.column) for p in check.problems] == [(2, UNIT.label)]


@pytest.mark.parametrize("persona", ["district_user", "clerk_a", "city_user", "provider"])
def test_only_finance_staff_and_administrators_may_import(waiting, request, persona):
    user = request.getfixturevalue(persona)
    rows, _problems = payment_rows_read(xlsx(GOOD_ROWS), name="f.xlsx")

    with pytest.raises(errors.FundsError):
        treasury_import(by=user, rows=rows)


# --- the pages ------------------------------------------------------------------------------------
def upload(content: bytes, name="国库支付.xlsx") -> dict:
    return {"file": SimpleUploadedFile(name, content)}


def test_finance_checks_a_file_then_confirms_and_the_job_pays(client, waiting, finance_user):
    client.force_login(finance_user)
    assert "funds-treasury-link" in client.get(reverse("programs:funds")).content.decode()

    response = client.post(PAGE, upload(xlsx(GOOD_ROWS)))

    assert response.status_code == 200
    check = response.context["check"]
    assert (len(check.to_pay), len(check.already), check.problems) == (3, 0, [])
    assert Disbursement.objects.filter(status=Disbursement.Status.PAID).count() == 0
    signed = response.context["confirm"].initial["rows"]

    done = client.post(CONFIRM, {"rows": signed})

    record = Job.objects.get()
    assert done.status_code == 302 and done.url == record.get_absolute_url()
    assert record.state == Job.State.DONE, record.error
    assert Disbursement.objects.filter(status=Disbursement.Status.PAID).count() == 3


def test_the_page_lists_every_problem_and_offers_no_confirmation(client, waiting, finance_user):
    client.force_login(finance_user)
    rows = [*GOOD_ROWS, ("GK-9", "Z99", "1.001", "2025-02-30", "")]

    response = client.post(PAGE, upload(csv_bytes(rows, "gb18030"), "国库支付.csv"))

    problems = [(p.row, str(p.column)) for p in response.context["check"].problems]
    assert problems == [(5, str(AMOUNT.label)), (5, str(DATE.label)), (5, str(PAYEE.label))]
    assert response.context["confirm"] is None
    assert 'id="treasury-problems"' in response.content.decode()


def test_a_file_already_imported_says_so_and_offers_nothing(client, waiting, finance_user):
    imported(xlsx(GOOD_ROWS), finance_user)
    client.force_login(finance_user)

    response = client.post(PAGE, upload(xlsx(GOOD_ROWS)))

    assert len(response.context["check"].already) == 3
    assert response.context["confirm"] is None
    assert 'id="treasury-nothing"' in response.content.decode()


def test_a_changed_or_foreign_confirmation_is_refused(client, waiting, finance_user, admin_user):
    client.force_login(admin_user)
    signed = client.post(PAGE, upload(xlsx(GOOD_ROWS))).context["confirm"].initial["rows"]
    client.force_login(finance_user)
    before = state()

    for rows in (signed, signed[:-2] + "xx"):
        response = client.post(CONFIRM, {"rows": rows})
        assert response.status_code == 302 and response.url == PAGE

    assert state() == before and not Job.objects.exists()


def test_a_disbursement_returned_after_the_check_refuses_the_whole_import(
    client, waiting, finance_user
):
    client.force_login(finance_user)
    signed = client.post(PAGE, upload(xlsx(GOOD_ROWS))).context["confirm"].initial["rows"]
    transition(waiting["a2"], "return", by=finance_user, reason="金额有误")
    before = state()

    client.post(CONFIRM, {"rows": signed})

    record = Job.objects.get()
    assert record.state == Job.State.FAILED
    assert "3" in record.error  # row 3, the returned one
    assert state() == before


def test_a_file_too_large_or_of_another_kind_is_refused_at_the_field(
    client, finance_user, settings
):
    client.force_login(finance_user)
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "treasury": 10}

    response = client.post(PAGE, upload(b"x" * 11, "f.csv"))
    assert response.context["form"].errors["file"]
    response = client.post(PAGE, upload(b"abc", "f.pdf"))
    assert response.context["form"].errors["file"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("finance_user", 200),
        ("admin_user", 200),
        ("district_user", 404),
        ("clerk_a", 404),
        ("city_user", 404),
        ("provider", 404),
        ("evaluator", 404),
        ("other_district_user", 404),
    ],
)
def test_who_reaches_the_import(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(PAGE).status_code == status
    assert client.post(CONFIRM, {"rows": "x"}).status_code == (302 if status == 200 else 404)
    link = "funds-treasury-link" in client.get(reverse("programs:funds")).content.decode()
    assert link == (status == 200)


# --- queries --------------------------------------------------------------------------------------
def _many(unit, finance, funds, n: int) -> bytes:
    budget(unit, 10**9, funds)
    for i in range(n):
        approve(requested(unit, 10_000 + i, funds), finance)
    return xlsx(
        [(f"GK-{i}", unit.code, (10_000 + i) / 100, date(YEAR, 6, 1), "某") for i in range(n)]
    )


@pytest.mark.parametrize("n", [10, 100])
def test_the_check_page_costs_the_same_for_10_and_100_rows(
    client, unit_a, finance_user, funds, django_assert_max_num_queries, n
):
    content = _many(unit_a, finance_user, funds, n)
    client.force_login(finance_user)

    # the session, the user, the four of the check, the bell: none per row
    with django_assert_max_num_queries(7):
        response = client.post(PAGE, upload(content))

    assert len(response.context["check"].to_pay) == n


@pytest.mark.parametrize("n", [10, 100])
def test_the_import_costs_a_fixed_number_of_queries_per_row(
    unit_a, finance_user, funds, django_assert_max_num_queries, n
):
    rows, _problems = payment_rows_read(_many(unit_a, finance_user, funds, n), name="f.xlsx")

    # the check's four queries in a savepoint, then one `pay` move per row: its savepoint and
    # release, the row lock, the year open, the voucher free, the update, history, the event,
    # and the notification of the unit's clerks (measured: 96 and 906)
    with django_assert_max_num_queries(6 + 9 * n):
        treasury_import(by=finance_user, rows=rows)

    assert Disbursement.objects.filter(status=Disbursement.Status.PAID).count() == n


# --- the command --------------------------------------------------------------------------------
def test_the_command_checks_then_imports_the_same_way(waiting, finance_user, tmp_path):
    path = tmp_path / "国库支付.xlsx"
    path.write_bytes(xlsx(GOOD_ROWS))
    before = state()

    call_command("import_treasury", str(path), "--user", "finance", "--dry-run")
    assert state() == before
    call_command("import_treasury", str(path), "--user", "finance")
    assert Disbursement.objects.filter(status=Disbursement.Status.PAID).count() == 3

    path.write_bytes(xlsx([("GK-9", "Z99", 1, "2025-03-01", "某")]))
    with pytest.raises(CommandError):
        call_command("import_treasury", str(path), "--user", "finance")
