"""A job's record, the workers' heartbeats and the keys of effects already done."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecommunity.scoping import ScopedQuerySet


class JobQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def visible_to(self, user: Any) -> Self:
        """A job and its result belong to the person who started it; work without a person
        (scheduled jobs, backups) is seen by administrators."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self.filter(Q(user=user) | Q(user__isnull=True))
        return self.filter(user=user)

    def editable_by(self, user: Any) -> Self:
        return self.visible_to(user)

    def may_create(self, user: Any, instance: Any) -> bool:
        return False

    def active(self) -> Self:
        return self.filter(state__in=Job.ACTIVE)


class AdministratorsQuerySet(ScopedQuerySet):
    """Machinery rows (workers, effects done) that only administrators look at."""

    def visible_to(self, user: Any) -> Self:
        return self.all() if user.is_authenticated and user.is_administrator else self.none()

    def editable_by(self, user: Any) -> Self:
        return self.none()

    def may_create(self, user: Any, instance: Any) -> bool:
        return False


class Job(models.Model):
    """One piece of long work — an import, an export, a reminder run, a backup — asked for by a
    person (or the schedule) and run by a worker, with its state, progress and result."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE = (State.QUEUED, State.RUNNING)

    kind = models.CharField(_("kind"), max_length=200, help_text=_("The job's task, by path."))
    title = models.CharField(_("title"), max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("started by"),
    )
    unit = models.ForeignKey(
        "programs.CreatingUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creating unit"),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The job writes its file, messages and e-mail in the language it was asked in."
        ),
    )
    key = models.CharField(
        _("key"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Work with the same key runs once at a time: a second start finds the first."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    task_id = models.CharField(_("task"), max_length=64, blank=True, default="")
    worker = models.CharField(_("worker"), max_length=64, blank=True, default="")
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    result = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(_("file name"), max_length=200, blank=True, default="")
    data = models.JSONField(_("result data"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True, default="")
    error = models.TextField(_("error"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(key=""),
                name="job_one_active_per_key",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from .runner import kind_of  # the registry imports this module

        kind = kind_of(self.kind) if self.kind else None  # None: a kind since removed
        page = kind.page if kind else None
        return page(self) if page else reverse("programs:job-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    # --- progress: written to the shared cache, outside the job's own transaction ---

    @property
    def _progress_key(self) -> str:
        return f"job-progress:{self.pk}"

    def report_progress(self, done: int, total: int | None = None) -> None:
        """Tell whoever watches how far the job is: `done` of `total` rows or cells."""
        self.done, self.total = done, total if total is not None else self.total
        self._seen = (self.done, self.total)
        cache.set(self._progress_key, self._seen, timeout=24 * 3600)

    def progress(self) -> tuple[int, int | None]:
        """(done, total) as the job last wrote it; the record's own once it has finished. Read
        from the cache once per loaded record (a row shows it twice: the bar and the count)."""
        if not self.is_active:
            return self.done, self.total
        if getattr(self, "_seen", None) is None:
            seen = cache.get(self._progress_key)
            self._seen = (seen[0], seen[1]) if seen else (self.done, self.total)
        return self._seen

    @property
    def percent(self) -> int | None:
        done, total = self.progress()
        if self.state == self.State.DONE:
            return 100
        if not total:
            return None
        return min(100, int(done * 100 / total))


class Worker(models.Model):
    """A worker process, known by its heartbeat."""

    id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=200)
    pid = models.PositiveIntegerField(_("process"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    beat_at = models.DateTimeField(_("last heartbeat"), default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)

    objects = AdministratorsQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.id} ({self.host}:{self.pid})"


class Once(models.Model):
    """The key of an effect already made — an e-mail sent, a title expired, a scheduled run
    started — so that a job delivered twice does nothing twice."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("done at"), default=timezone.now)

    objects = AdministratorsQuerySet.as_manager()

    class Meta:
        verbose_name = _("effect done")
        verbose_name_plural = _("effects done")

    def __str__(self) -> str:
        return self.key
