"""The list's filters and the e-mail settings form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit
from safecommunity.forms import BoundedModelChoiceField, StyledFormMixin

from . import errors
from .models import Delivery, NotificationKind
from .rules import kinds_for


class NotificationFilterForm(StyledFormMixin, forms.Form):
    """Read or unread, the kind, and — for those who see several units — the unit. A value
    that is no choice is an error at its field, and the list is shown unfiltered."""

    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All")), ("unread", _("Unread")), ("read", _("Read"))],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    unit = BoundedModelChoiceField(
        label=_("Unit"), required=False, queryset=CreatingUnit.objects.none(), empty_label=_("All")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = kinds_for(user)
        self.fields["kind"].choices = [("", _("All")), *((k.value, k.label) for k in kinds)]
        if user.sees_all_units:
            self.fields["unit"].queryset = CreatingUnit.objects.visible_to(user).only(
                "pk", "code", "name"
            )
            self.fields["unit"].label_from_instance = lambda unit: f"{unit.code} {unit.name}"
        else:
            del self.fields["unit"]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class PreferencesForm(StyledFormMixin, forms.Form):
    """One choice per kind of notification the user's role receives: at once, in the daily
    digest, or no e-mail."""

    def __init__(self, *args: Any, user: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds_for(user):
            self.fields[kind] = forms.ChoiceField(
                label=NotificationKind(kind).label,
                choices=Delivery.choices,
                initial=current.get(kind),
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": errors.UNKNOWN_DELIVERY,
                    "required": errors.UNKNOWN_DELIVERY,
                },
            )
