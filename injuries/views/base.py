"""What every page of the app shares: the tabs (statistics, records, import) and who may import."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from injuries.models import InjuryRecord


def may_enter_records(user: Any) -> bool:
    """District staff, providers and clerks enter and import records; evaluators and the city
    office do not."""
    return InjuryRecord.objects.enters_records(user)


may_import = may_enter_records


class InjuriesPageMixin:
    """Gives the templates `may_import`, which decides whether the import tab shows."""

    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "may_import": may_import(self.request.user)}
