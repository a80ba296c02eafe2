"""Exports as jobs: what every export's view and job share.

An export's view checks its query as its page does (a bad query answers as the page would: the
400 page, or back to the page with the form's errors), then `start_export` starts the export's
job under a key made of the user, the kind and the canonical query — a second click while the
first runs finds the first — and sends the user to the job's page, whose progress bar ends in
the download. The job rebuilds the same selection for `record.user` from its parameters
(`query_dict`), counts it, writes the file to disk while reporting progress every thousand rows
(`rows_with_progress`) and hands it over (`file_outcome`); the runner keeps it in the default
storage, where only its owner downloads it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.formats import number_format
from django.utils.translation import ngettext

from .models import Job
from .runner import Outcome, already_running, start

PROGRESS_EVERY = 1000  # rows between two progress reports

Row = TypeVar("Row")


def export_query(data: QueryDict, names: Iterable[str]) -> dict[str, list[str]]:
    """The query string's values of the fields `names` (the filter form's), as lists, sorted by
    name; a field left empty is left out, as the form would read it. The job's parameters, and
    with the user and the kind its key: the same filters make the same key."""
    wanted = set(names)
    return {
        name: values
        for name, values in sorted(data.lists())
        if name in wanted and any(value != "" for value in values)
    }


def query_dict(query: Mapping[str, Iterable[Any]]) -> QueryDict:
    """A job's parameters back as the query string its filters read."""
    data = QueryDict(mutable=True)
    for name, values in query.items():
        data.setlist(name, [str(value) for value in values])
    return data


def export_key(user: Any, kind_task: Any, params: Mapping[str, Any]) -> str:
    """The key under which one user's export of one selection runs once at a time."""
    canonical = json.dumps(params, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return f"export:{user.pk}:{kind_task.module_path}:{digest}"[:200]


def start_export(
    request: HttpRequest, kind_task: Any, *, title: str, params: dict[str, Any]
) -> HttpResponse:
    """Start the export `kind_task` for the request's user (or find the same export under way,
    and say so) and send the user to its page."""
    record, created = start(
        kind_task,
        user=request.user,
        title=title,
        params=params,
        key=export_key(request.user, kind_task, params),
        language=request.LANGUAGE_CODE,
    )
    if not created:
        messages.info(request, already_running(record))
    return redirect(record.get_absolute_url())


def rows_with_progress(
    record: Job, rows: Iterable[Row], total: int, *, every: int = PROGRESS_EVERY
) -> Iterator[Row]:
    """`rows`, telling the job's page how many of `total` have been written every `every` rows;
    at the end the count is the number written (rows added or removed since the count too)."""
    record.report_progress(0, total)
    done = 0
    for done, row in enumerate(rows, 1):
        yield row
        if done % every == 0:
            record.report_progress(done, max(total, done))
    record.report_progress(done, done)


def rows_written(count: int) -> str:
    return ngettext("%(count)s row written.", "%(count)s rows written.", count) % {
        "count": number_format(count, force_grouping=True)
    }


def file_outcome(record: Job, write: Callable[[Path], None], *, file_name: str) -> Outcome:
    """The job's file: `write(path)` writes it to a temporary file on disk, which the runner
    then keeps as the job's result (and removes); the message says how many rows it holds."""
    handle, name = tempfile.mkstemp(prefix=f"job-{record.pk}-", suffix=Path(file_name).suffix)
    os.close(handle)
    path = Path(name)
    try:
        write(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Outcome(
        message=rows_written(record.done),
        data={"rows": record.done},
        file_name=file_name,
        content=path,
    )
