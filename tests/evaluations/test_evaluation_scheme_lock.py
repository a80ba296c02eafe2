"""The scoring lock of an evaluation scheme: once an evaluation against it is final, its scoring
(maximum, marks, the elements' and items' numbers and points) cannot change — neither in the
admin nor by importing items — so a final evaluation scored again from its grades still gives
its stored total. Wording stays editable."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from import_export.formats.base_formats import XLSX

from programs.evaluations.admin import SCORING_LOCKED
from programs.evaluations.errors import SCHEME_IN_USE_NO_ADD, SCHEME_IN_USE_SCORING_LOCKED
from programs.evaluations.resources import SchemeItemResource
from programs.models import Evaluation, EvaluationScheme, SchemeElement, SchemeItem
from tests.factories import (
    EvaluationFactory,
    EvaluationRoundFactory,
    EvaluationSchemeFactory,
    SchemeElementFactory,
    SchemeItemFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english"),  # pages and messages in English (msgids)
]

HEADERS = [
    "Scheme code",
    "Element number",
    "Element name",
    "Item number",
    "Requirement",
    "Points for presence",
    "Points for evidence",
    "Points for effect",
]
XLSX_FORMAT = "0"  # the position of xlsx in `SPREADSHEET_FORMATS`


# --- Builders ---


def a_scheme(code: str = "locked") -> EvaluationScheme:
    """A scheme of one element with two items of 3 points (0.8 + 1.0 + 1.2) each."""
    scheme = EvaluationSchemeFactory(
        code=code, name="小型评定表", max_score=6, pass_mark=4, rectify_mark=3
    )
    element = SchemeElementFactory(scheme=scheme, number=1, name="安全社区创建机构与职责")
    SchemeItemFactory(element=element, number=1, text="条目1")
    SchemeItemFactory(element=element, number=2, text="条目2")
    return scheme


def evaluated(scheme: EvaluationScheme, status: str) -> Evaluation:
    """An evaluation against `scheme`, final (with its result) or a draft."""
    fields = {}
    if status == Evaluation.Status.FINAL:
        fields = {
            "total": Decimal("5.1"),
            "result": Evaluation.Result.PASS,
            "finalised_at": timezone.now(),
        }
    return EvaluationFactory(round=EvaluationRoundFactory(scheme=scheme), status=status, **fields)


@pytest.fixture
def in_use(db):
    scheme = a_scheme()
    evaluated(scheme, Evaluation.Status.DRAFT)
    evaluated(scheme, Evaluation.Status.FINAL)
    return scheme


@pytest.fixture
def drafts_only(db):
    scheme = a_scheme("drafts")
    evaluated(scheme, Evaluation.Status.DRAFT)
    return scheme


def item_of(scheme: EvaluationScheme, number: int = 1) -> SchemeItem:
    return SchemeItem.objects.get(element__scheme=scheme, number=number)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def as_post(form) -> dict:
    """What the browser sends back for an unchanged form (checkboxes left out when off)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


def change_form_data(response, **changes) -> dict:
    """The change page's form and inlines as they are sent back, with `changes` applied."""
    data = as_post(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= as_post(formset.management_form)
        for form in formset.forms:
            data |= as_post(form)
    return data | changes


def locked(scheme, field: str) -> str:
    return str(SCHEME_IN_USE_SCORING_LOCKED % {"scheme": scheme, "field": field})


def no_add(scheme) -> str:
    return str(SCHEME_IN_USE_NO_ADD % {"scheme": scheme})


# --- The rule ---


def test_a_scheme_is_in_use_once_an_evaluation_against_it_is_final(in_use, drafts_only):
    unused = a_scheme("unused")

    assert list(EvaluationScheme.objects.in_use()) == [in_use]
    assert in_use.is_in_use
    assert not drafts_only.is_in_use and not unused.is_in_use
    assert not EvaluationScheme(code="new").is_in_use


def test_the_model_refuses_changed_points_on_the_field(in_use):
    item = item_of(in_use)
    item.presence_points = Decimal("1.5")
    item.text = "改写的条目"

    with pytest.raises(ValidationError) as refused:
        item.full_clean()

    assert refused.value.message_dict == {
        "presence_points": [locked(in_use, "points for presence")]
    }


def test_the_model_refuses_a_changed_maximum_and_a_new_element(in_use):
    in_use.max_score = Decimal(10)
    element = SchemeElement(scheme=in_use, number=2, name="信息交流和全员参与")

    with pytest.raises(ValidationError) as scheme_refused:
        in_use.full_clean()
    with pytest.raises(ValidationError) as element_refused:
        element.full_clean()

    assert scheme_refused.value.message_dict == {"max_score": [locked(in_use, "maximum score")]}
    assert element_refused.value.message_dict == {"scheme": [no_add(in_use)]}


def test_an_item_cannot_be_moved_into_a_scheme_in_use(in_use, drafts_only):
    item = item_of(drafts_only)
    item.element = in_use.elements.get()
    item.number = 3

    with pytest.raises(ValidationError) as refused:
        item.full_clean()

    assert set(refused.value.message_dict) == {"element", "number"}


def test_wording_and_flags_of_a_scheme_in_use_pass_validation(in_use):
    in_use.name, in_use.version, in_use.notes = "改名", "2025版", "措辞修订"
    in_use.is_active, in_use.is_sample = False, True
    item = item_of(in_use)
    item.text, item.is_sample = "改写的条目", True

    in_use.full_clean()
    item.full_clean()


# --- The admin ---


def test_the_scoring_rules_of_a_scheme_in_use_are_read_only(client, admin_user, in_use):
    client.force_login(admin_user)

    response = client.get(admin_url(EvaluationScheme, "change", in_use.pk))

    form = response.context["adminform"].form
    assert not {"max_score", "pass_mark", "rectify_mark", "no_zero_item"} & set(form.fields)
    assert {"name", "version", "notes", "is_active", "is_sample"} <= set(form.fields)
    assert str(SCORING_LOCKED) in response.content.decode()
    [elements] = response.context["inline_admin_formsets"]
    assert not elements.has_add_permission and not elements.has_delete_permission
    assert "number" not in elements.formset.forms[0].fields
    assert "name" in elements.formset.forms[0].fields


def test_a_post_changing_the_maximum_of_a_scheme_in_use_changes_only_the_wording(
    client, admin_user, in_use
):
    client.force_login(admin_user)
    url = admin_url(EvaluationScheme, "change", in_use.pk)
    page = client.get(url)
    element = in_use.elements.get()

    response = client.post(
        url,
        change_form_data(
            page,
            name="小型评定表（修订）",
            max_score="10",
            pass_mark="1",
            rectify_mark="",
            **{"elements-0-number": "7", "elements-0-name": "机构与职责"},
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    in_use.refresh_from_db()
    element.refresh_from_db()
    assert in_use.name == "小型评定表（修订）"
    assert (in_use.max_score, in_use.pass_mark, in_use.rectify_mark) == (6, 4, 3)
    assert (element.number, element.name) == (1, "机构与职责")


def test_a_scheme_with_only_draft_evaluations_stays_fully_editable(client, admin_user, drafts_only):
    client.force_login(admin_user)
    url = admin_url(EvaluationScheme, "change", drafts_only.pk)
    page = client.get(url)
    [elements] = page.context["inline_admin_formsets"]
    assert elements.has_add_permission and elements.has_delete_permission
    assert str(SCORING_LOCKED) not in page.content.decode()

    response = client.post(url, change_form_data(page, max_score="9", pass_mark="5"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    drafts_only.refresh_from_db()
    assert (drafts_only.max_score, drafts_only.pass_mark) == (9, 5)


def test_item_points_of_a_scheme_in_use_cannot_change_in_the_admin_but_the_text_can(
    client, admin_user, in_use
):
    item = item_of(in_use)
    client.force_login(admin_user)
    url = admin_url(SchemeItem, "change", item.pk)
    page = client.get(url)
    assert not {"element", "number", "presence_points"} & set(page.context["adminform"].form.fields)

    response = client.post(
        url, change_form_data(page, text="改写的条目", presence_points="2", number="9")
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text == "改写的条目"
    assert (item.number, item.presence_points) == (1, Decimal("0.8"))


def test_the_items_of_an_element_in_use_keep_their_points_in_the_inline(client, admin_user, in_use):
    element = in_use.elements.get()
    client.force_login(admin_user)
    url = admin_url(SchemeElement, "change", element.pk)
    page = client.get(url)
    [items] = page.context["inline_admin_formsets"]
    assert not items.has_add_permission and not items.has_delete_permission
    assert set(items.formset.forms[0].fields) >= {"text", "is_sample"}
    assert not {"number", "presence_points", "evidence_points", "effect_points"} & set(
        items.formset.forms[0].fields
    )

    response = client.post(
        url,
        change_form_data(
            page,
            number="5",
            **{"items-0-text": "改写的条目", "items-0-effect_points": "9"},
        ),
    )

    assert response.status_code == 302
    element.refresh_from_db()
    item = item_of(in_use)
    assert element.number == 1
    assert (item.text, item.effect_points) == ("改写的条目", Decimal("1.2"))


def test_no_item_can_be_added_to_a_scheme_in_use_in_the_admin(client, admin_user, in_use):
    client.force_login(admin_user)

    response = client.post(
        admin_url(SchemeItem, "add"),
        {
            "element": in_use.elements.get().pk,
            "number": 3,
            "text": "新条目",
            "presence_points": "0.8",
            "evidence_points": "1",
            "effect_points": "1.2",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"element": [no_add(in_use)]}
    assert SchemeItem.objects.filter(element__scheme=in_use).count() == 2


def test_no_element_can_be_added_to_a_scheme_in_use_in_the_admin(client, admin_user, in_use):
    client.force_login(admin_user)

    response = client.post(
        admin_url(SchemeElement, "add"),
        {
            "scheme": in_use.pk,
            "number": 2,
            "name": "信息交流和全员参与",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"scheme": [no_add(in_use)]}
    assert in_use.elements.count() == 1


def test_a_scheme_element_or_item_in_use_cannot_be_deleted(client, admin_user, in_use):
    element = in_use.elements.get()
    item = item_of(in_use)
    client.force_login(admin_user)

    pages = [
        client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
        for model, obj in [(EvaluationScheme, in_use), (SchemeElement, element), (SchemeItem, item)]
    ]
    action = client.post(
        admin_url(SchemeItem, "changelist"),
        {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
    )

    assert [page.status_code for page in pages] == [403, 403, 403]
    assert action.status_code == 403
    assert SchemeItem.objects.filter(element__scheme=in_use).count() == 2
    assert EvaluationScheme.objects.filter(pk=in_use.pk).exists()


def test_reverting_a_scheme_in_use_to_an_earlier_maximum_is_refused(client, admin_user, db):
    scheme = a_scheme()
    scheme.max_score = Decimal(9)
    scheme.save()
    evaluated(scheme, Evaluation.Status.FINAL)
    url = reverse(
        "admin:programs_evaluationscheme_simple_history",
        args=[scheme.pk, scheme.history.earliest().history_id],
    )
    client.force_login(admin_user)
    page = client.get(url)

    response = client.post(url, as_post(page.context["adminform"].form))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        locked(scheme, "maximum score")
    ]
    scheme.refresh_from_db()
    assert scheme.max_score == 9


def test_an_item_of_a_scheme_with_only_drafts_can_be_deleted(client, admin_user, drafts_only):
    item = item_of(drafts_only, 2)
    client.force_login(admin_user)

    response = client.post(admin_url(SchemeItem, "delete", item.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not SchemeItem.objects.filter(pk=item.pk).exists()


# --- The import ---


def xlsx_file(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_rows(rows: list[list], **kwargs):
    dataset = XLSX().create_dataset(xlsx_file(rows))
    return SchemeItemResource(**kwargs).import_data(dataset)


def errors_of(result) -> list[tuple[int, dict]]:
    return [(row.number, row.field_specific_errors) for row in result.invalid_rows]


def row(code: str, number: int, text: str, points=(0.8, 1, 1.2), element: int = 1) -> list:
    return [code, element, "安全社区创建机构与职责", number, text, *points]


def test_an_import_changing_an_items_points_is_refused_on_the_row_and_column(in_use, admin_user):
    rows = [row("locked", 1, "改写的条目1"), row("locked", 2, "条目2", points=(0.8, 1, 2.2))]

    result = import_rows(rows, user=admin_user)

    assert errors_of(result) == [(2, {"Points for effect": [locked(in_use, "points for effect")]})]
    assert item_of(in_use, 1).text == "条目1"  # all or nothing
    assert item_of(in_use, 2).effect_points == Decimal("1.2")


def test_an_import_adding_an_item_or_element_to_a_scheme_in_use_is_refused(in_use, admin_user):
    rows = [row("locked", 3, "新条目"), row("locked", 1, "新要素的条目", element=2)]

    result = import_rows(rows, user=admin_user)

    assert errors_of(result) == [
        (1, {"Scheme code": [no_add(in_use)]}),
        (2, {"Scheme code": [no_add(in_use)]}),
    ]
    assert SchemeItem.objects.filter(element__scheme=in_use).count() == 2
    assert in_use.elements.count() == 1


def test_an_import_of_unchanged_rows_and_new_wording_passes_for_a_scheme_in_use(in_use, admin_user):
    rows = [row("locked", 1, "条目1"), row("locked", 2, "改写的条目2", points=("0.80", "1.0", 1.2))]

    result = import_rows(rows, user=admin_user)

    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["skip"], result.totals["update"]) == (1, 1)
    item = item_of(in_use, 2)
    assert (item.text, item.points) == ("改写的条目2", Decimal(3))


def test_an_import_changes_points_and_adds_items_while_evaluations_are_drafts(
    drafts_only, admin_user
):
    rows = [row("drafts", 1, "条目1", points=(1, 1, 1)), row("drafts", 3, "新条目")]

    result = import_rows(rows, user=admin_user)

    assert not result.has_validation_errors()
    assert item_of(drafts_only, 1).presence_points == 1
    assert SchemeItem.objects.filter(element__scheme=drafts_only).count() == 3


def test_the_admin_import_shows_the_refusal_and_imports_nothing(client, admin_user, in_use):
    client.force_login(admin_user)
    upload = SimpleUploadedFile(
        "评定表.xlsx",
        xlsx_file([row("locked", 1, "改写的条目1", points=(0.5, 1, 1.2))]),
    )

    response = client.post(
        admin_url(SchemeItem, "import"),
        {"import_file": upload, "format": XLSX_FORMAT, "resource": "0"},
    )

    assert "confirm_form" not in response.context
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 1
    assert invalid.field_specific_errors == {
        "Points for presence": [locked(in_use, "points for presence")]
    }
    assert locked(in_use, "points for presence") in response.content.decode()
    assert item_of(in_use).text == "条目1"
