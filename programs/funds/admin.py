"""The admin of the creation funds: the city's sources and categories (administrators change
them), and each district's fiscal years, budget lines, disbursements and spending, scoped like
every other admin. Disbursements and spending change only through the portal's services and
moves (the closed year, the budget, the vouchers and the event log are checked there): here
they are looked at, with their history."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from programs.funds.models import (
    BudgetLine,
    Disbursement,
    Expenditure,
    FiscalYear,
    FundCategory,
    FundsDocument,
    FundSource,
)
from safecommunity.admin import ReadOnlyAdminMixin, ScopedHistoryAdmin, ScopedReadOnlyAdmin
from safecommunity.money import shown_yuan


@admin.display(description=_("amount (yuan)"), ordering="amount_fen")
def amount(obj: BudgetLine | Disbursement | Expenditure) -> str:
    return shown_yuan(obj.amount_fen)


class FundReferenceAdmin(ScopedHistoryAdmin):
    list_display = ["code", "name", "name_en", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["order", "code"]


@admin.register(FundSource)
class FundSourceAdmin(FundReferenceAdmin):
    pass


@admin.register(FundCategory)
class FundCategoryAdmin(FundReferenceAdmin):
    pass


@admin.register(FiscalYear)
class FiscalYearAdmin(ScopedHistoryAdmin):
    list_display = ["district", "year", "status"]
    list_filter = ["status", "district"]
    search_fields = ["district__name", "district__code"]
    list_select_related = ["district"]
    # Closing and reopening are moves (who, when and why go to the event log).
    readonly_fields = ["status"]
    readonly_on_change = ("district", "year")


@admin.register(BudgetLine)
class BudgetLineAdmin(ScopedHistoryAdmin):
    list_display = ["unit", "year", "category", "source", amount, "city_ratio", "district_ratio"]
    list_filter = ["year", "category", "source"]
    search_fields = ["unit__code", "unit__name", "note"]
    list_select_related = ["unit", "category", "source"]
    readonly_on_change = ("unit", "year", "category", "source")


class MoneyFlowAdmin(ReadOnlyAdminMixin, ScopedHistoryAdmin):
    list_filter = ["year", "category", "source"]
    list_select_related = ["unit", "category", "source"]


@admin.register(Disbursement)
class DisbursementAdmin(MoneyFlowAdmin):
    list_display = ["unit", "year", "category", "source", amount, "status", "voucher_number"]
    list_filter = ["status", "override", *MoneyFlowAdmin.list_filter]
    search_fields = ["unit__code", "unit__name", "voucher_number", "payee", "purpose"]


@admin.register(Expenditure)
class ExpenditureAdmin(MoneyFlowAdmin):
    list_display = ["unit", "spent_on", "category", "source", amount, "voucher_number"]
    search_fields = ["unit__code", "unit__name", "voucher_number", "description"]
    date_hierarchy = "spent_on"


@admin.register(FundsDocument)
class FundsDocumentAdmin(ScopedReadOnlyAdmin):
    """Vouchers and contracts, uploaded through the portal; the file opens through the portal's
    download, which checks the reader's scope (the file is private)."""

    list_display = ["original_name", "kind", "unit", "disbursement", "expenditure", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["original_name", "unit__code", "unit__name", "sha256"]
    list_select_related = [
        "unit",
        "disbursement__unit",
        "disbursement__category",
        "disbursement__source",
        "expenditure__unit",
    ]
    fields = [
        "download",
        "kind",
        "unit",
        "disbursement",
        "expenditure",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: FundsDocument) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)
