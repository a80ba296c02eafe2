"""Jobs, workers and effects done, read-only; django-tasks-db's own task table is not shown
(its rows are the queue's machinery, and its admin knows no scope)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from safecommunity.admin import ScopedReadOnlyAdmin

from .models import Job, Once, Worker


def hide_task_queue() -> None:
    """Called once every admin module is loaded (django-tasks-db's comes after ours). Its app
    is still named in the permission and content-type choices: in the portal's language (its
    own name is an untranslated "Tasks Database Backend")."""
    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)
    DBTaskResult._meta.app_config.verbose_name = _("Task queue")


@admin.register(Job)
class JobAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "title",
        "user",
        "state",
        "attempts",
        "done",
        "total",
        "created_at",
        "finished_at",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["title", "user__username", "key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    exclude = ["result"]


@admin.register(Worker)
class WorkerAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "host", "pid", "started_at", "beat_at", "stopped_at"]


@admin.register(Once)
class OnceAdmin(ScopedReadOnlyAdmin):
    list_display = ["key", "created_at"]
    search_fields = ["key"]
