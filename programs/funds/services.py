"""Use cases of the creation funds: the reference load, budgets set, disbursements requested,
spending recorded. The moves (approve, return, pay, override; close, reopen) go through
`programs.core.transitions.transition` on the models' tables of moves."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from programs.core.access import ensure_edits_unit
from programs.core.models import CreatingUnit, District, EventKind
from programs.core.transitions import record_event
from programs.funds import errors
from programs.funds import reference_data as ref
from programs.funds.models import (
    BudgetLine,
    Disbursement,
    Expenditure,
    FiscalYear,
    FundCategory,
    FundsDocument,
    FundSource,
    attaches_documents,
)
from programs.funds.models.years import ensure_year_open
from safecommunity.files import CheckedUpload, check_upload
from safecommunity.models import ensure_row

if TYPE_CHECKING:
    from programs.core.models import User
    from workgroups.models import Activity, PromotionProject


def funds_reference_load(*, created: Counter) -> Counter:
    """The city's fund sources and categories; idempotent like the rest of the reference data
    (a row the office changed in the admin is left as it is)."""
    for model, rows in ((FundSource, ref.FUND_SOURCES), (FundCategory, ref.FUND_CATEGORIES)):
        for order, (code, name, name_en) in enumerate(rows, start=1):
            ensure_row(
                model, created, {"code": code}, name=name, order=order, fill={"name_en": name_en}
            )
    return created


def fiscal_year_of(*, district: District, year: int) -> FiscalYear:
    """The district's fiscal `year`, opened the first time it is asked for."""
    fiscal_year, _new = FiscalYear.objects.get_or_create(district=district, year=year)
    return fiscal_year


@transaction.atomic
def budget_line_set(
    *,
    by: User | None,
    unit: CreatingUnit,
    year: int,
    category: FundCategory,
    source: FundSource,
    amount_fen: int,
    city_ratio: int | None = None,
    district_ratio: int | None = None,
    note: str = "",
) -> BudgetLine:
    """Set the unit's budget for a year, category and source (added, or changed when the line
    exists), as finance staff or district staff of the unit's district; refused in a closed
    year."""
    if by is not None and not (
        by.sets_budgets and (by.is_administrator or by.district_id == unit.district_id)
    ):
        raise errors.FundsError(errors.ONLY_BUDGET_KEEPERS)
    ensure_year_open(unit.district_id, year)
    line = BudgetLine.objects.filter(
        unit=unit, year=year, category=category, source=source
    ).first() or BudgetLine(unit=unit, year=year, category=category, source=source)
    line.amount_fen = amount_fen
    line.city_ratio = city_ratio
    line.district_ratio = district_ratio
    line.note = note
    line.full_clean()
    if by is not None:
        line._history_user = by
    line.save_checked()
    return line


@transaction.atomic
def disbursement_request(
    *,
    by: User | None,
    unit: CreatingUnit,
    year: int,
    category: FundCategory,
    source: FundSource,
    amount_fen: int,
    purpose: str,
) -> Disbursement:
    """Ask the finance bureau for money for the unit (its clerk, district staff); the request
    waits for approval. Refused in a closed year."""
    ensure_edits_unit(by, unit.pk, errors.FundsError)
    ensure_year_open(unit.district_id, year)
    disbursement = Disbursement(
        unit=unit,
        district_id=unit.district_id,
        year=year,
        category=category,
        source=source,
        amount_fen=amount_fen,
        purpose=purpose,
        requested_by=by,
    )
    disbursement.full_clean()
    if by is not None:
        disbursement._history_user = by
    disbursement.save_checked()
    record_event(disbursement, EventKind.CREATED, by=by)
    return disbursement


@transaction.atomic
def expenditure_record(
    *,
    by: User | None,
    unit: CreatingUnit,
    spent_on: date,
    category: FundCategory,
    source: FundSource,
    amount_fen: int,
    description: str,
    voucher_number: str,
    project: PromotionProject | None = None,
    activity: Activity | None = None,
) -> Expenditure:
    """Record a payment the unit made (its clerk, district staff), with its voucher; the year
    is the day's. Refused in a closed year; a voucher number used twice in the district's year
    is refused at the field."""
    ensure_edits_unit(by, unit.pk, errors.FundsError)
    if spent_on is not None:
        ensure_year_open(unit.district_id, spent_on.year)
    expenditure = Expenditure(
        unit=unit,
        district_id=unit.district_id,
        spent_on=spent_on,
        category=category,
        source=source,
        amount_fen=amount_fen,
        description=description,
        voucher_number=(voucher_number or "").strip(),
        project=project,
        activity=activity,
        recorded_by=by,
    )
    expenditure.full_clean()
    if by is not None:
        expenditure._history_user = by
    expenditure.save_checked()
    record_event(expenditure, EventKind.CREATED, by=by)
    return expenditure


def funds_document_upload(
    *,
    by: User,
    record: Disbursement | Expenditure,
    kind: str,
    upload: UploadedFile,
    checked: CheckedUpload | None = None,
) -> FundsDocument:
    """Keep a voucher or contract with a disbursement or an expenditure (the unit's clerk,
    district staff, the district's finance staff). The file is checked by its content first
    (pass `checked` when a form already did); refused in a closed year; a refused or failed
    upload leaves no file behind."""
    if not attaches_documents(by, record):
        raise errors.FundsError(errors.ONLY_DOCUMENT_KEEPERS)
    checked = checked or check_upload(upload)
    document = FundsDocument(
        unit=record.unit,
        kind=kind,
        original_name=PurePath(upload.name).name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    if isinstance(record, Disbursement):
        document.disbursement = record
    else:
        document.expenditure = record
    try:
        with transaction.atomic():
            ensure_year_open(record.district_id, record.year)
            document.file.save(upload.name, upload, save=False)
            document.full_clean()
            document.save()
    except Exception:
        # The database rolled back; the file written to disk must go with it.
        if document.file:
            document.file.delete(save=False)
        raise
    return document
