"""The soak's final check: the database against what the drive wrote (the `Ledger`).

Runs in the driver after `django.setup()` on the soak's database, once every server and worker
has stopped writing. `snapshot()` is taken before the drive; `check()` returns the
discrepancies (empty: nothing lost, nothing twice) and prints what it verified.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from bench.soak_actors import Ledger

#: Where each report move may start (the table of moves in programs/reports/models/monthly.py).
SOURCES = {
    "submit": {"draft", "returned"},
    "approve": {"submitted"},
    "return": {"submitted"},
    "reopen": {"approved"},
}
TARGETS = {"submit": "submitted", "approve": "approved", "return": "returned", "reopen": "draft"}


@dataclass
class Snapshot:
    """The database before the drive."""

    event_id: int
    job_id: int
    task_ids: set[str]
    statuses: dict[tuple[str, str], str]
    injury_records: int


@dataclass
class Killed:
    """A worker killed during the drive, and the jobs it was running then."""

    at: float
    worker_id: str
    job_ids: list[int] = field(default_factory=list)


def snapshot() -> Snapshot:
    from django.db.models import Max
    from django_tasks_db.models import DBTaskResult

    from injuries.models import InjuryRecord
    from programs.core.models import Event
    from programs.jobs.models import Job
    from programs.reports.models import MonthlyReport

    reports = MonthlyReport.objects.values_list("unit__code", "period", "status")
    return Snapshot(
        event_id=Event.objects.aggregate(top=Max("pk"))["top"] or 0,
        job_id=Job.objects.aggregate(top=Max("pk"))["top"] or 0,
        task_ids={str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)},
        statuses={(code, f"{period:%Y-%m}"): status for code, period, status in reports},
        injury_records=InjuryRecord.objects.count(),
    )


def running_jobs(worker_id: str) -> list[int]:
    from programs.jobs.models import Job

    return list(
        Job.objects.filter(state=Job.State.RUNNING, worker=worker_id).values_list("pk", flat=True)
    )


def check(ledger: Ledger, before: Snapshot, killed: list[Killed], rows: int) -> list[str]:
    problems: list[str] = []
    problems += check_values(ledger)
    problems += check_moves(ledger, before)
    problems += check_counts(ledger)
    problems += check_import(ledger, before, rows)
    problems += check_jobs(ledger, before, killed)
    return problems


def _report(code: str, period: str):
    from programs.reports.models import MonthlyReport

    year, month = map(int, period.split("-"))
    return (
        MonthlyReport.objects.filter(unit__code=code, period=date(year, month, 1))
        .prefetch_related("values")
        .first()
    )


def check_values(ledger: Ledger) -> list[str]:
    """Every saved report holds the values of its last save; no two saves succeeded on the
    same version (that would be an overwrite the version token exists to prevent)."""
    problems = []
    by_report = defaultdict(list)
    for save in ledger.saves:
        by_report[(save.code, save.period)].append(save)
    checked = 0
    for (code, period), saves in sorted(by_report.items()):
        versions = Counter(save.version for save in saves)
        twice = sorted(v for v, n in versions.items() if n > 1)
        if twice:
            problems.append(f"report {code} {period}: two saves succeeded on version(s) {twice}")
        last = max(saves, key=lambda save: save.version)
        report = _report(code, period)
        if report is None:
            problems.append(f"report {code} {period}: saved {len(saves)}×, not in the database")
            continue
        rows = {row.indicator_id: (row.value, row.comment) for row in report.values.all()}
        wrong = [pk for pk, saved in last.values.items() if rows.get(pk) != saved]
        if wrong:
            pk = wrong[0]
            problems.append(
                f"report {code} {period}: {len(wrong)} value(s) differ from the last save "
                f"(v{last.version} by {last.by}), e.g. indicator {pk}: saved {last.values[pk]}, "
                f"found {rows.get(pk)}"
            )
        if report.work_done != last.work_done:
            problems.append(
                f"report {code} {period}: work done {report.work_done!r}, last saved "
                f"{last.work_done!r}"
            )
        checked += len(last.values)
    print(
        f"  values: {checked:,} values of {len(by_report)} reports as last saved "
        f"({len(ledger.saves)} saves)"
    )
    return problems


def check_moves(ledger: Ledger, before: Snapshot) -> list[str]:
    """Each confirmed move is in the event log once, no move is there that nobody confirmed,
    and each report is in the state its last confirmed move left it in."""
    from django.contrib.contenttypes.models import ContentType

    from programs.core.models import Event, EventKind
    from programs.reports.models import MonthlyReport

    problems = []
    kind = ContentType.objects.get_for_model(MonthlyReport)
    events = defaultdict(list)
    rows = (
        Event.objects.filter(pk__gt=before.event_id, content_type=kind, kind=EventKind.MOVE)
        .order_by("pk")
        .values_list("object_id", "action", "actor__username", "to_state")
    )
    for object_id, action, actor, to_state in rows:
        events[object_id].append((action, actor, to_state))
    reports = {
        (code, f"{period:%Y-%m}"): (pk, status)
        for pk, code, period, status in MonthlyReport.objects.values_list(
            "pk", "unit__code", "period", "status"
        )
    }
    moved = defaultdict(list)
    for move in ledger.moves:
        moved[(move.code, move.period)].append(move)
    seen_ids = set()
    for key, moves in sorted(moved.items()):
        pk, status = reports.get(key, (None, None))
        if pk is None:
            problems.append(f"report {key}: moved, but not in the database")
            continue
        seen_ids.add(pk)
        logged = events.get(pk, [])
        confirmed = Counter((m.action, m.by) for m in moves)
        recorded = Counter((action, actor) for action, actor, _to in logged)
        if confirmed != recorded:
            problems.append(
                f"report {key}: confirmed moves {dict(confirmed)} but the event log has "
                f"{dict(recorded)}"
            )
        state = before.statuses.get(key, "draft")
        for move in sorted(moves, key=lambda m: m.ended):
            if state not in SOURCES[move.action]:
                problems.append(
                    f"report {key}: {move.action} by {move.by} confirmed from state {state}"
                )
            state = TARGETS[move.action]
        if status != state:
            problems.append(f"report {key}: status {status}, its last confirmed move left {state}")
        if logged and logged[-1][2] != status:
            problems.append(f"report {key}: status {status}, its last event says {logged[-1][2]}")
    strays = {pk: e for pk, e in events.items() if pk not in seen_ids}
    for pk, logged in sorted(strays.items()):
        problems.append(f"report #{pk}: moves nobody confirmed: {logged}")
    print(
        f"  moves: {len(ledger.moves)} confirmed moves of {len(moved)} reports, each in the "
        f"event log once; states as the last move left them"
    )
    return problems


def check_counts(ledger: Ledger) -> list[str]:
    """Each activity and evidence file confirmed is in the database once, per clerk."""
    from django.core.files.storage import default_storage

    from programs.progress.models import EvidenceVersion
    from workgroups.models import Activity

    problems = []
    clerks = sorted(set(ledger.activities) | set(ledger.evidence))
    activity_total = evidence_total = 0
    for clerk in clerks:
        titles = list(
            Activity.objects.filter(title__startswith=f"soak {clerk} activity ").values_list(
                "title", flat=True
            )
        )
        if len(titles) != ledger.activities[clerk] or len(set(titles)) != len(titles):
            problems.append(
                f"{clerk}: {ledger.activities[clerk]} activities confirmed, {len(titles)} in the "
                f"database ({len(set(titles))} distinct)"
            )
        versions = list(
            EvidenceVersion.objects.filter(
                evidence__title__startswith=f"soak {clerk} evidence ", uploaded_by__username=clerk
            ).values_list("evidence__title", "file")
        )
        titles = [title for title, _file in versions]
        if len(versions) != ledger.evidence[clerk] or len(set(titles)) != len(titles):
            problems.append(
                f"{clerk}: {ledger.evidence[clerk]} files confirmed, {len(versions)} in the "
                f"database ({len(set(titles))} distinct)"
            )
        missing = [name for _title, name in versions if not default_storage.exists(name)]
        if missing:
            problems.append(f"{clerk}: {len(missing)} evidence file(s) missing, e.g. {missing[0]}")
        activity_total += ledger.activities[clerk]
        evidence_total += ledger.evidence[clerk]
    print(
        f"  activities: {activity_total} and evidence files: {evidence_total} of "
        f"{len(clerks)} clerks, each once"
    )
    return problems


def check_import(ledger: Ledger, before: Snapshot, rows: int) -> list[str]:
    """One batch, imported once: `rows` records added, each record once, all in that batch."""
    from django.contrib.contenttypes.models import ContentType

    from injuries.models import ImportBatch, InjuryRecord
    from programs.core.models import Event, EventKind

    problems = []
    batches = list(ImportBatch.objects.all().order_by("pk"))
    soak = [b for b in batches if b.file_name.startswith("soak-")]
    imported = [b for b in soak if b.status == ImportBatch.Status.IMPORTED]
    if len(soak) != 1 or len(imported) != 1:
        states = [(b.pk, b.status, b.rows_added) for b in soak]
        problems.append(f"import: expected one imported batch, found {states}")
    for batch in imported:
        if (batch.rows_total, batch.rows_added) != (rows, rows):
            problems.append(
                f"import: batch {batch.pk} has {batch.rows_total} rows, {batch.rows_added} added"
            )
        commits = Event.objects.filter(
            pk__gt=before.event_id,
            content_type=ContentType.objects.get_for_model(ImportBatch),
            object_id=batch.pk,
            kind=EventKind.MOVE,
            action="commit",
        ).count()
        if commits != 1:
            problems.append(f"import: batch {batch.pk} committed {commits} times in the event log")
    records = InjuryRecord.objects.filter(record_number__startswith="SOAK")
    total = records.count()
    distinct = records.values("record_number").distinct().count()
    in_batch = records.filter(batch__in=imported).count()
    if not (total == distinct == in_batch == rows):
        problems.append(
            f"import: {total} records ({distinct} distinct, {in_batch} in the batch), "
            f"expected {rows}"
        )
    others = InjuryRecord.objects.exclude(record_number__startswith="SOAK").count()
    if others != before.injury_records:
        problems.append(f"import: other records {before.injury_records} → {others}")
    if ledger.batch_id and imported and imported[0].pk != ledger.batch_id:
        problems.append(f"import: the drive imported batch {ledger.batch_id}, not {imported[0].pk}")
    print(f"  import: {total:,} records in batch {[b.pk for b in imported]}, each once")
    return problems


def check_jobs(ledger: Ledger, before: Snapshot, killed: list[Killed]) -> list[str]:
    """Every job has ended, done — or failed saying why when its worker was killed — and each
    job the drive followed saw it end."""
    from django_tasks_db.models import DBTaskResult

    from programs.jobs.models import Job

    problems = []
    jobs = list(Job.objects.filter(pk__gt=before.job_id).order_by("pk"))
    victims = {pk for kill in killed for pk in kill.job_ids}
    states = Counter(job.state for job in jobs)
    for job in jobs:
        if job.is_active:
            problems.append(f"job {job.pk} ({job.title}) still {job.state}")
        elif job.state == Job.State.FAILED and job.pk not in victims:
            problems.append(f"job {job.pk} ({job.title}) failed: {job.error}")
        if job.state == Job.State.DONE and job.result_name and not job.result:
            problems.append(f"job {job.pk} ({job.title}) done without its file")
    for kill in killed:
        if not kill.job_ids:
            print(f"  worker {kill.worker_id} killed at {kill.at:.0f} s while running no job")
        for pk in kill.job_ids:
            job = next((j for j in jobs if j.pk == pk), None)
            if job is None:
                problems.append(f"job {pk} of the killed worker is gone")
            elif job.state == Job.State.DONE:
                print(
                    f"  job {pk} ({job.title}) was running on worker {kill.worker_id} when it "
                    f"was killed at {kill.at:.0f} s: retried, done at attempt {job.attempts}"
                )
            elif job.state == Job.State.FAILED:
                print(
                    f"  job {pk} ({job.title}) was running on worker {kill.worker_id} when it "
                    f"was killed: failed after {job.attempts} attempt(s): {job.error}"
                )
    for seen in ledger.jobs:
        killed_and_failed = seen.job_id in victims and seen.state == "failed"
        if seen.job_id is not None and seen.state != "done" and not killed_and_failed:
            problems.append(f"{seen.what}: job {seen.job_id} followed to {seen.state!r}")
    problems += _each_job_once(ledger, jobs)
    tasks = Counter(
        DBTaskResult.objects.exclude(pk__in=before.task_ids).values_list("status", flat=True)
    )
    left = {status: n for status, n in tasks.items() if status in ("READY", "RUNNING")}
    if left:
        problems.append(f"tasks left unfinished: {left}")
    print(f"  jobs: {dict(states) or 'none'}; their tasks: {dict(tasks) or 'none'}")
    return problems


#: The job kinds the drive starts, by the task's name at the end of the kind's path.
KIND_OF = {
    "import check": "injuries_check",
    "import commit": "injuries_commit",
    "export": "export_report_values",
}


def _each_job_once(ledger: Ledger, jobs: list) -> list[str]:
    """One job per start the drive made (a retry is the same job again, not another), and
    each export's file holding the rows its job says it wrote."""
    problems = []
    for what, name in KIND_OF.items():
        started = {s.job_id for s in ledger.jobs if s.what == what and s.job_id is not None}
        if not started:
            continue  # still done in the request
        found = {job.pk for job in jobs if job.kind.rsplit(".", 1)[-1] == name}
        if found != started:
            problems.append(
                f"{what}: the drive started job(s) {sorted(started)}, the database "
                f"has {sorted(found)}"
            )
    by_id = {job.pk: job for job in jobs}
    for job_id, size, rows in ledger.exports:
        if rows < 1:
            problems.append(f"export {job_id or '(in the request)'}: {size} bytes, not an xlsx")
        job = by_id.get(job_id)
        written = job.data.get("rows") if job is not None else None
        if written is not None and rows - 1 != written:
            problems.append(f"export job {job_id}: wrote {written} rows, its file has {rows - 1}")
    others = [job for job in jobs if job.kind.rsplit(".", 1)[-1] not in KIND_OF.values()]
    for job in others:
        print(f"  job {job.pk} ({job.title}) was not started by the drive: {job.state}")
    return problems
