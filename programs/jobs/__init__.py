"""Background jobs: long work run by workers, with a record its user follows.

`runner.job` turns a function into a job kind (a django-tasks task); `runner.start` records a
`Job` and enqueues it; workers (`manage.py db_worker`) run it, write its progress, keep its
result file and tell its user. Heartbeats, the reaper and retries (`workers.py`) make delivery
at least once; `once(key)` makes each effect happen once.
"""
