"""The admin of evaluations: schemes with their elements and items (imported from xlsx), rounds,
and the units' evaluations, scoped like every other admin and locked once final."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from programs.models import (
    Evaluation,
    EvaluationRound,
    EvaluationScheme,
    ItemScore,
    SchemeElement,
    SchemeItem,
    User,
)
from tests.factories import DistrictFactory, UserFactory

EVALUATION_MODELS = [
    EvaluationScheme,
    SchemeElement,
    SchemeItem,
    EvaluationRound,
    Evaluation,
]
XLSX_FORMAT = "0"  # the position of xlsx in `SPREADSHEET_FORMATS`


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


pytestmark = pytest.mark.usefixtures("english")  # pages and messages in English (msgids)


# --- Builders ---


def a_scheme(*, max_score: int = 6, item_points: int = 2) -> EvaluationScheme:
    """A small scheme: one element of two items worth 3 points each (by default)."""
    scheme = EvaluationScheme.objects.create(
        code="small", name="小型评定表", max_score=max_score, pass_mark=4, rectify_mark=3
    )
    element = SchemeElement.objects.create(scheme=scheme, number=1, name="安全社区创建机构与职责")
    for number in range(1, item_points + 1):
        SchemeItem.objects.create(element=element, number=number, text=f"条目{number}")
    return scheme


def a_scheme_coded(code: str) -> EvaluationScheme:
    return EvaluationScheme.objects.create(code=code, name=code, max_score=3, pass_mark=2)


def a_round(scheme: EvaluationScheme, *units, **fields) -> EvaluationRound:
    round_ = EvaluationRound.objects.create(
        district=fields.pop("district", None) or DistrictFactory(),
        scheme=scheme,
        name=fields.pop("name", "2025年区级评估"),
        kind=fields.pop("kind", EvaluationRound.Kind.DISTRICT),
        opens_on=date(2025, 6, 1),
        closes_on=date(2025, 6, 30),
        **fields,
    )
    for unit in units:
        Evaluation.objects.create(round=round_, unit=unit)
    return round_


def finalise(evaluation: Evaluation, by: User) -> Evaluation:
    """Written directly: the scoring itself is tested with `programs.evaluations`."""
    Evaluation.objects.filter(pk=evaluation.pk).update(
        status=Evaluation.Status.FINAL,
        total=Decimal("5.1"),
        result=Evaluation.Result.PASS,
        finalised_at=timezone.now(),
        finalised_by=by,
    )
    evaluation.refresh_from_db()
    return evaluation


def with_evaluation_permissions(user: User) -> User:
    """Admin access with every permission on the evaluation models."""
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="programs",
            content_type__model__in=[m._meta.model_name for m in [*EVALUATION_MODELS, ItemScore]],
        )
    )
    return user


@pytest.fixture
def scheme(db):
    return a_scheme()


@pytest.fixture
def evaluations(scheme, unit_a, unit_b, district_user):
    round_ = a_round(scheme, unit_a, unit_b)
    by_unit = {e.unit.code: e for e in round_.evaluations.select_related("unit")}
    item = SchemeItem.objects.first()
    ItemScore.objects.create(
        evaluation=by_unit["A01"], item=item, presence="a", evidence="b", effect="c"
    )
    finalise(by_unit["B01"], district_user)
    return by_unit


@pytest.fixture
def staff_district(district_user):
    return with_evaluation_permissions(district_user)


@pytest.fixture
def staff_clerk(unit_a):
    return with_evaluation_permissions(
        UserFactory(username="staff_clerk", role=User.Role.CLERK, unit=unit_a)
    )


def changelist(client, model, **params) -> list:
    response = client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


# --- Every page answers ---


@pytest.mark.parametrize("persona", ["admin_user", "staff_district"])
def test_every_evaluation_admin_page_answers(client, rf, request, persona, evaluations):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    http_request = rf.get("/")
    http_request.user = user

    for model in EVALUATION_MODELS:
        model_admin = admin.site._registry[model]
        assert client.get(admin_url(model, "changelist")).status_code == 200, model
        if model_admin.has_add_permission(http_request):
            assert client.get(admin_url(model, "add")).status_code == 200, model
        for obj in model._default_manager.all():
            assert client.get(admin_url(model, "change", obj.pk)).status_code == 200, obj
            assert client.get(admin_url(model, "history", obj.pk)).status_code == 200, obj
    assert client.get(admin_url(SchemeItem, "import")).status_code == 200
    assert client.get(admin_url(SchemeItem, "export")).status_code == 200


def test_the_evaluation_models_are_registered():
    assert set(EVALUATION_MODELS) <= set(admin.site._registry)
    assert ItemScore not in admin.site._registry  # shown read-only under its evaluation


# --- Schemes ---


def test_the_scheme_list_counts_items_and_sums_their_points(client, admin_user, scheme):
    client.force_login(admin_user)

    [row] = changelist(client, EvaluationScheme)

    assert (row.elements__items_total, row.points_total) == (2, Decimal("6"))


def test_a_scheme_whose_items_fall_short_of_its_maximum_shows_a_warning(client, admin_user, db):
    short = a_scheme(max_score=150)
    client.force_login(admin_user)

    page = client.get(admin_url(EvaluationScheme, "change", short.pk)).content.decode()

    assert "The items add up to 6.00 points, not to the maximum score of 150.00" in page


def test_a_scheme_whose_items_add_up_shows_no_warning(client, admin_user, scheme):
    client.force_login(admin_user)

    page = client.get(admin_url(EvaluationScheme, "change", scheme.pk)).content.decode()

    assert "The items add up to" not in page


def test_district_staff_only_look_at_the_schemes(client, staff_district, scheme):
    client.force_login(staff_district)
    url = admin_url(EvaluationScheme, "change", scheme.pk)

    response = client.post(url, {"code": "small", "name": "改名", "max_score": 6, "pass_mark": 4})

    assert response.status_code == 403
    scheme.refresh_from_db()
    assert scheme.name == "小型评定表"


def test_an_administrator_imports_the_offices_wording_through_the_admin(client, admin_user, scheme):
    book = openpyxl.Workbook()
    book.active.append(
        ["Scheme code", "Element number", "Element name", "Item number", "Requirement"]
    )
    book.active.append(["small", 1, "安全社区创建机构与职责", 2, "正式条目"])
    buffer = io.BytesIO()
    book.save(buffer)
    SchemeItem.objects.filter(number=2).update(is_sample=True)
    client.force_login(admin_user)
    upload = SimpleUploadedFile("评定表.xlsx", buffer.getvalue())

    preview = client.post(
        admin_url(SchemeItem, "import"),
        {"import_file": upload, "format": XLSX_FORMAT, "resource": "0"},
    )
    form = preview.context["confirm_form"]
    client.post(
        admin_url(SchemeItem, "process_import"), {name: form.initial[name] for name in form.fields}
    )

    item = SchemeItem.objects.get(number=2)
    assert (item.text, item.is_sample) == ("正式条目", False)
    assert item.history.latest().history_user == admin_user


def test_the_admin_exports_a_schemes_items_as_xlsx(client, admin_user, scheme):
    client.force_login(admin_user)
    columns = ["scheme", "element_number", "element_name", "number", "text", "is_sample"]

    response = client.post(
        admin_url(SchemeItem, "export"),
        {
            "resource": "0",
            "format": XLSX_FORMAT,
            **{f"schemeitemresource_{column}": "on" for column in columns},
        },
    )

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Scheme code", "Element number", "Element name", "Item number"]
    assert [row[:5] for row in rows[1:]] == [
        ["small", 1, "安全社区创建机构与职责", 1, "条目1"],
        ["small", 1, "安全社区创建机构与职责", 2, "条目2"],
    ]


# --- Rounds ---


def test_the_round_list_shows_the_window_and_counts_the_units(client, admin_user, evaluations):
    client.force_login(admin_user)

    response = client.get(admin_url(EvaluationRound, "changelist"))

    [row] = response.context["cl"].result_list
    assert row.evaluations_total == 2
    assert "2025-06-01 – 2025-06-30" in response.content.decode()


def test_district_staff_correct_a_rounds_window_and_evaluators_but_not_its_scheme(
    client, staff_district, evaluations, evaluator
):
    round_ = evaluations["A01"].round
    other = a_scheme_coded("other")
    client.force_login(staff_district)

    response = client.post(
        admin_url(EvaluationRound, "change", round_.pk),
        {
            "name": "2025年区级评估（延期）",
            "scheme": other.pk,
            "kind": "self",
            "opens_on": "2025-06-01",
            "closes_on": "2025-07-15",
            "evaluators": [evaluator.pk],
            "evaluations-TOTAL_FORMS": 2,
            "evaluations-INITIAL_FORMS": 2,
            "evaluations-0-id": evaluations["A01"].pk,
            "evaluations-1-id": evaluations["B01"].pk,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    round_.refresh_from_db()
    assert (round_.name, round_.closes_on) == ("2025年区级评估（延期）", date(2025, 7, 15))
    assert list(round_.evaluators.all()) == [evaluator]
    assert (round_.scheme, round_.kind) == (evaluations["A01"].round.scheme, "district")
    assert round_.history.latest().history_user == staff_district


def test_rounds_are_opened_through_the_portal_not_added_in_the_admin(client, staff_district):
    client.force_login(staff_district)

    assert client.get(admin_url(EvaluationRound, "add")).status_code == 403


def test_only_evaluators_are_offered_as_a_rounds_evaluators(
    client, staff_district, evaluations, evaluator, clerk_a
):
    client.force_login(staff_district)
    url = admin_url(EvaluationRound, "change", evaluations["A01"].round.pk)

    form = client.get(url).context["adminform"].form

    assert list(form.fields["evaluators"].queryset) == [evaluator]


def test_a_round_with_a_finalised_evaluation_cannot_be_deleted(client, admin_user, evaluations):
    round_ = evaluations["B01"].round
    client.force_login(admin_user)

    page = client.post(admin_url(EvaluationRound, "delete", round_.pk), {"post": "yes"})
    action = client.post(
        admin_url(EvaluationRound, "changelist"),
        {"action": "delete_selected", "_selected_action": [round_.pk], "post": "yes"},
    )

    assert (page.status_code, action.status_code) == (403, 403)
    assert Evaluation.objects.filter(round=round_).count() == 2


def test_a_round_without_a_finalised_evaluation_can_be_deleted(client, admin_user, scheme, unit_a):
    round_ = a_round(scheme, unit_a)
    client.force_login(admin_user)

    response = client.post(admin_url(EvaluationRound, "delete", round_.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not EvaluationRound.objects.exists() and not Evaluation.objects.exists()


# --- Evaluations ---


def test_a_finalised_evaluation_is_read_only_in_the_admin(
    client, admin_user, evaluations, district_user
):
    final = evaluations["B01"]
    client.force_login(admin_user)

    page = client.get(admin_url(Evaluation, "change", final.pk))
    delete = client.post(admin_url(Evaluation, "delete", final.pk), {"post": "yes"})

    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert delete.status_code == 403
    final.refresh_from_db()
    assert final.is_final and final.total == Decimal("5.1")


def test_a_draft_evaluation_shows_its_grades(client, admin_user, evaluations):
    client.force_login(admin_user)

    response = client.get(admin_url(Evaluation, "change", evaluations["A01"].pk))

    [inline] = response.context["inline_admin_formsets"]
    assert [score.item.code for score in inline.formset.queryset] == ["1.1"]
    assert not inline.has_change_permission


def test_evaluations_cannot_be_added_in_the_admin(client, admin_user, evaluations):
    client.force_login(admin_user)

    assert client.get(admin_url(Evaluation, "add")).status_code == 403


def test_a_staff_clerk_sees_only_their_units_evaluations(client, staff_clerk, evaluations):
    client.force_login(staff_clerk)

    assert changelist(client, Evaluation) == [evaluations["A01"]]
    other = client.get(admin_url(Evaluation, "change", evaluations["B01"].pk))
    assert other.status_code == 302  # the admin's "does not exist" redirect
    assert client.get(admin_url(Evaluation, "history", evaluations["B01"].pk)).status_code == 404


def test_the_evaluation_list_shows_round_unit_status_total_and_result(
    client, admin_user, evaluations
):
    client.force_login(admin_user)

    response = client.get(admin_url(Evaluation, "changelist"), {"status__exact": "final"})

    assert list(response.context["cl"].result_list) == [evaluations["B01"]]
    page = response.content.decode()
    assert "5.10" in page and "pass" in page


def test_a_non_staff_clerk_is_sent_to_the_admin_login(client, clerk_a):
    client.force_login(clerk_a)

    response = client.get(admin_url(Evaluation, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
