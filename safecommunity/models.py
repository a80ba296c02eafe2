"""What every model of the portal shares."""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def in_active_language(chinese: str, english: str) -> str:
    """The Chinese text under a Chinese interface; otherwise the English one, when given."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if english and not language.lower().startswith("zh"):
        return english
    return chinese


def english_name_field() -> models.CharField:
    """The English name of a row of reference data (a phase, a department, a work-group
    template, an indicator, a scheme element): shown in the English interface when given."""
    return models.CharField(
        _("English name"),
        max_length=150,
        blank=True,
        help_text=_("Shown in the English interface; the name is shown when empty."),
    )


class UpdatedAt(models.Model):
    """`updated_at`: when the row last changed, what the API's `updated_since` reads. A save
    with `update_fields` (a move, a stored check) writes it too; a queryset's `update()` or
    `bulk_update` must set it itself."""

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


class NamedInTwoLanguages:
    """Reference data named in Chinese (`name`), and in English (`name_en`) where the plan's
    words have one: `label` is the name in the interface's language, read from the row itself
    (no query), and `__str__` uses it, so pages, forms, the admin and exports follow the
    language."""

    name: str
    name_en: str

    @property
    def label(self) -> str:
        """The name in the interface's language."""
        return in_active_language(self.name, self.name_en)


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

    def save_checked(self, *args: Any, **kwargs: Any) -> None:
        """Save what `full_clean` passed. When another writer took the same unique key in
        between (two clerks typing one voucher number at the same moment), the database's
        refusal comes back as the constraint's `ValidationError` at its field — what
        `full_clean` says a moment later — and this save writes nothing (never a 500)."""
        using = router.db_for_write(self.__class__, instance=self)
        try:
            with transaction.atomic(using=using):
                self.save(*args, **kwargs)
        except IntegrityError:
            self.validate_constraints()
            raise


def ensure_row(
    model: type[models.Model],
    created: Counter,
    lookup: dict[str, Any],
    *,
    fill: dict[str, Any] | None = None,
    **defaults: Any,
):
    """Return the row matching `lookup`, creating it (validated) when missing.

    An existing row is left as it is — the office may have corrected it in the admin, and a
    second load must change nothing — except that the fields in `fill` (values the reference
    data gained later, such as English names) are filled where the row has them blank.
    """
    fill = fill or {}
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **defaults, **fill)
        row.full_clean()
        row.save()
        created[model._meta.verbose_name_plural] += 1
    else:
        fill_blanks(row, **fill)
    return row


def fill_blanks(row: models.Model, **values: Any) -> list[str]:
    """Give `row` the reference data's `values` for the fields it has blank, and only those:
    a value the office typed in the admin is never overwritten. Saves (with its change history)
    when something was filled; returns the fields filled."""
    filled = [name for name, value in values.items() if value and getattr(row, name) in ("", None)]
    if filled:
        for name in filled:
            setattr(row, name, values[name])
        row.save(update_fields=filled)
    return filled
