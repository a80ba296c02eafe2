"""Every reported value of the units and months the completeness grid shows: its filters, and the
rows of its export (one per unit × month × indicator), read for a user the way the grid reads
them — the page with `request.user`, the export's job with `record.user`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from programs.core.models import CreatingUnit, User
from programs.reports.filters import CompletenessFilter
from programs.reports.models import MonthlyReport, ReportValue
from safecommunity.calendar import due_date, submitted_on_time
from safecommunity.models import in_active_language


def completeness_units(
    user: User, query: QueryDict
) -> tuple[CompletenessFilter, QuerySet[CreatingUnit], list[date]]:
    """The units the user may see, filtered as `query` asks, and the months asked for. A search
    the filter refuses raises `BadQuery` (the 400 page)."""
    units = CreatingUnit.objects.records_visible_to(user).in_plan_order()
    filterset = CompletenessFilter(query, queryset=units, user=user)
    return filterset, filterset.qs, filterset.months()


EXPORT_HEADERS = (
    gettext_noop("Unit code"),
    gettext_noop("Unit"),
    gettext_noop("Month"),
    gettext_noop("Status"),
    gettext_noop("Submitted on time"),
    gettext_noop("Indicator code"),
    gettext_noop("Indicator"),
    gettext_noop("Unit of measure"),
    gettext_noop("Value"),
    gettext_noop("Comment"),
)
EXPORT_WIDTHS = (10, 24, 9, 10, 10, 14, 30, 10, 12, 40)


def report_values(user: User, units: QuerySet[CreatingUnit], months: list[date]) -> QuerySet:
    """Every value of the reports of `units` the user may see in `months`, in plan order, month,
    then indicator order: the columns `value_rows` turns into the export's rows."""
    if not months:
        return ReportValue.objects.none()
    return (
        ReportValue.objects.filter(
            report__in=MonthlyReport.objects.visible_to(user).filter(
                unit__in=units.values("pk"), period__gte=months[0], period__lte=months[-1]
            )
        )
        .order_by("report__unit__code", "report__period", "indicator__order", "indicator__code")
        .values_list(
            "report__unit__code",
            "report__unit__name",
            "report__period",
            "report__status",
            "report__first_submitted_at",
            "report__unit__program__report_due_day",
            "indicator__code",
            "indicator__name",
            "indicator__name_en",
            "indicator__unit_of_measure",
            "value",
            "comment",
        )
    )


def value_rows(values: QuerySet) -> Iterator[tuple]:
    """The export's rows of `report_values`, read from the database five thousand at a time:
    unit code and name, month, status, on time, indicator code, name and unit, value, comment.
    Labels are in the active language."""
    labels = {value: str(label) for value, label in MonthlyReport.Status.choices}
    flags = {None: "", True: _("yes"), False: _("no")}
    timeliness: dict[tuple, str] = {}  # the same for every value of a report
    names: dict[tuple, str] = {}  # an indicator's name in the active language, looked up once
    for row in values.iterator(chunk_size=5000):
        code, name, period, status, first, due_day, indicator, label, label_en, *rest = row
        key = (period, first, due_day)
        if key not in timeliness:
            timeliness[key] = flags[submitted_on_time(first, due_date(period, due_day))]
        if (label, label_en) not in names:
            names[label, label_en] = in_active_language(label, label_en)
        label = names[label, label_en]
        yield (
            code,
            name,
            f"{period:%Y-%m}",
            labels[status],
            timeliness[key],
            indicator,
            label,
            *rest,
        )
