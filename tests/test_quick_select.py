"""The portal's selects of records (`BoundedModelChoiceField`, `BoundedModelMultipleChoiceField`)
print their options in Python (`QuickSelect`, `QuickSelectMultiple`): what Django's templates
print, character for character, whatever the labels, values, groups, choices and attributes."""

from __future__ import annotations

from django import forms
from hypothesis import given
from hypothesis import strategies as st

from programs.models import CreatingUnit
from safecommunity.forms import BoundedModelMultipleChoiceField, QuickSelect, QuickSelectMultiple

texts = st.text(alphabet=st.sampled_from("ab<>&\"' 区镇1"), max_size=6)
options = st.lists(st.tuples(texts, texts), min_size=1, max_size=5, unique_by=lambda o: o[0])
choices = st.lists(
    st.one_of(options.map(lambda group: [("", group)]), options),
    min_size=1,
    max_size=3,
).map(lambda parts: [choice for part in parts for choice in part])
attributes = st.dictionaries(
    st.sampled_from(["class", "size", "data-x", "disabled", "required"]),
    st.one_of(st.booleans(), texts, st.integers(0, 9)),
)


def grouped(flat: list) -> list:
    """The choices with each ("", options) pair turned into a named group."""
    return [
        (f"组{index}", value) if label == "" and isinstance(value, list) else (label, value)
        for index, (label, value) in enumerate(flat)
    ]


@given(choices=choices, attrs=attributes, chosen=st.lists(texts, max_size=3))
def test_quick_selects_print_what_djangos_templates_print(choices, attrs, chosen):
    choices = grouped(choices)
    for plain, quick, value in (
        (forms.Select, QuickSelect, chosen[0] if chosen else None),
        (forms.SelectMultiple, QuickSelectMultiple, chosen),
    ):
        expected = plain(attrs=attrs, choices=choices).render("units", value, {"id": "id_units"})
        printed = quick(attrs=attrs, choices=choices).render("units", value, {"id": "id_units"})
        assert printed == expected


def test_options_read_by_label_field_print_as_the_instances_did(unit_a, unit_b):
    units = CreatingUnit.objects.order_by("code")
    by_instance = BoundedModelMultipleChoiceField(queryset=units)
    by_column = BoundedModelMultipleChoiceField(queryset=units, label_field="name")

    printed = [
        field.widget.render("units", [str(unit_b.pk)], {"id": "id_units"})
        for field in (by_instance, by_column)
    ]

    assert printed[0] == printed[1]
    assert ">甲镇<" in printed[0] and "selected" in printed[1]
    assert type(by_column.widget.choices).__name__ == "LabelFieldIterator"
