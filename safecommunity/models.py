"""What every model of the portal shares."""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router


class ConstraintErrorsOnFields:
    """Report a broken named constraint on the field it is about.

    Django puts the message of a constraint over several fields (say "one group per template per
    unit") above the whole form. `constraint_fields` maps a constraint's name to the field the
    user should correct, so forms, the admin and spreadsheet imports show it there.
    """

    constraint_fields: ClassVar[dict[str, str]] = {}

    def validate_constraints(self, exclude: set[str] | None = None) -> None:
        exclude = exclude or set()
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict[str, list[ValidationError]] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field = self.constraint_fields.get(constraint.name)
                    if (
                        field is None
                        and getattr(constraint, "fields", ())
                        and error.code == "unique"
                    ):
                        field = constraint.fields[-1]
                    if field is None or field in exclude:
                        field = NON_FIELD_ERRORS
                    errors.setdefault(field, []).append(error)
        if errors:
            raise ValidationError(errors)


def ensure_row(
    model: type[models.Model], created: Counter, lookup: dict[str, Any], **defaults: Any
):
    """Return the row matching `lookup`, creating it (validated) when missing.

    An existing row is left exactly as it is: the office may have corrected it in the admin,
    and a second load must change nothing.
    """
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **defaults)
        row.full_clean()
        row.save()
        created[model._meta.verbose_name_plural] += 1
    return row
