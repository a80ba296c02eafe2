from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programme and creating units")

    def ready(self) -> None:
        from django.apps import apps

        from programs.core.deletions import log_deletions
        from programs.core.transitions import listen
        from programs.jobs.admin import hide_task_queue
        from programs.notifications.services import notify_events
        from programs.progress import signals  # noqa: F401 - connects the receivers
        from safecommunity.models import UpdatedAt

        hide_task_queue()
        # Every event written through the transition primitive tells the people it concerns,
        # in its own transaction (core knows no listener by name).
        listen(notify_events)
        # A copy kept through the API learns of deletions from the change feed: every record
        # with an `updated_at` (the API's resources) writes a `deleted` event when it goes.
        log_deletions(*(m for m in apps.get_models() if issubclass(m, UpdatedAt)))
