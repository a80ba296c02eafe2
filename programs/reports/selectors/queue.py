"""The review queue of monthly reports: the reports a reviewer may see, filtered and sorted on
the fields stored at save time (`ReportQueueFilter`), never by evaluating rules per row."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict

from programs.core.models import User
from programs.reports.filters import ReportQueueFilter
from programs.reports.models import MonthlyReport
from programs.reports.selectors.completeness import report_url


def report_queue(user: User, params: QueryDict) -> ReportQueueFilter:
    """The queue as filtered by `params` (submitted reports, oldest submission first, unless
    they say otherwise); `.qs` is the page's rows with their units and submitters."""
    rows = MonthlyReport.objects.visible_to(user).select_related("unit__program", "submitted_by")
    return ReportQueueFilter(params, queryset=rows)


def report_queue_ids(user: User, params: QueryDict) -> list[int]:
    """The ids of the queue's reports in its order; one query."""
    rows: QuerySet[MonthlyReport] = report_queue(user, params).qs
    return list(rows.values_list("pk", flat=True))


def report_queue_pages(user: User, params: QueryDict) -> list[tuple[int, str]]:
    """(id, page URL) of the queue's reports in its order, for "3 of 12" and the next one; one
    query."""
    rows = report_queue(user, params).qs.values_list("pk", "unit__code", "period")
    return [(pk, report_url(code, period)) for pk, code, period in rows]
