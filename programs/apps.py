from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programme and creating units")

    def ready(self) -> None:
        from programs.jobs.admin import hide_task_queue
        from programs.progress import signals  # noqa: F401 - connects the receivers

        hide_task_queue()
