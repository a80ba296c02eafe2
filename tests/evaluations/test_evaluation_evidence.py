"""Linking an item's grade to the evaluated unit's documents: the picker on the grading page,
the links shown once read-only, and the service that refuses another unit's documents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.evaluations import errors
from programs.evaluations.forms import DocumentChoice
from programs.evaluations.services import evaluation_finalise, evaluation_grade, round_open
from programs.models import (
    CreatingUnit,
    Evaluation,
    EvaluationRound,
    Evidence,
    EvidenceVersion,
    ItemScore,
    UnitMilestone,
    User,
)
from tests.factories import (
    ActivityFactory,
    EvaluationSchemeFactory,
    MilestoneFactory,
    SchemeElementFactory,
    SchemeItemFactory,
)

LINKS = ItemScore.evidence_links.through
# Session, user, the evaluation, the items, the grades, their links, may-edit, the unit's
# documents, its history (the event log): the same however many items, documents and links.
# Read-only (final), may-edit and the documents are not needed. Every page adds the header's bell;
# district staff's the navigation's counts of what waits.
EVALUATION_PAGE_MAX_QUERIES = 9 + 2  # + the header's bell and counts
READ_ONLY_PAGE_MAX_QUERIES = 7 + 2


def open_round(by: User, units: list[CreatingUnit], *, items: int = 2, **kwargs) -> EvaluationRound:
    """A round over a one-element scheme of `items` items worth 3 points each."""
    scheme = EvaluationSchemeFactory(rectify_mark=None, pass_mark=0, no_zero_item=False)
    element = SchemeElementFactory(scheme=scheme, number=1)
    for number in range(1, items + 1):
        SchemeItemFactory(element=element, number=number)
    today = timezone.localdate()
    options = {"kind": EvaluationRound.Kind.SELF, "evaluators": (), **kwargs}
    return round_open(
        scheme=scheme,
        name="2026年自评",
        opens_on=today,
        closes_on=today + timedelta(days=30),
        units=units,
        by=by,
        **options,
    )


def document(unit: CreatingUnit, title: str, *, milestone: str | None = None, uploader: User):
    """A document of `unit` with one stored version, under a milestone (made when named) or
    under an activity."""
    if milestone is not None:
        phase_milestone = MilestoneFactory(phase__program=unit.program, name=milestone)
        owner = {"unit_milestone": UnitMilestone.objects.get(unit=unit, milestone=phase_milestone)}
    else:
        owner = {"activity": ActivityFactory(unit=unit, title="安全生产例会")}
    evidence = Evidence.objects.create(unit=unit, title=title, **owner)
    EvidenceVersion.objects.create(
        evidence=evidence,
        number=1,
        file=ContentFile(b"%PDF-1.4 test\n", name=f"{title}.pdf"),
        original_name=f"{title}.pdf",
        content_type="application/pdf",
        size=14,
        sha256="0" * 64,
        effective_date=timezone.localdate(),
        uploaded_by=uploader,
    )
    return evidence


def grades_post(evaluation: Evaluation, grade: str = "b", **links: list[Evidence]) -> dict:
    """The grading form as posted: every part of every item at `grade`, and every item's
    linked documents as the picker leaves them ("12,40"), those named `item_<number>`."""
    data: dict = {}
    for row in evaluation.scores.select_related("item"):
        for part in ("presence", "evidence", "effect"):
            data[f"{part}_{row.item_id}"] = grade
        data[f"comment_{row.item_id}"] = ""
        documents = links.get(f"item_{row.item.number}", [])
        data[f"links_{row.item_id}"] = ",".join(str(doc.pk) for doc in documents)
    return data


def linked(evaluation: Evaluation) -> dict[int, set[str]]:
    """Item number → the titles of the documents its grade links."""
    result: dict[int, set[str]] = {}
    for row in evaluation.scores.select_related("item").prefetch_related("evidence_links"):
        result[row.item.number] = {doc.title for doc in row.evidence_links.all()}
    return result


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def plan(unit_a, clerk_a):
    return document(unit_a, "创建工作方案", milestone="制定创建工作方案", uploader=clerk_a)


@pytest.fixture
def sign_in_sheet(unit_a, clerk_a):
    return document(unit_a, "会议签到表", uploader=clerk_a)


@pytest.fixture
def other_units_plan(unit_b, clerk_b):
    return document(unit_b, "乙街道工作方案", milestone="乙街道方案", uploader=clerk_b)


# --- grading with links -------------------------------------------------------------------------


def test_clerk_links_the_units_documents_to_items_of_its_self_assessment(
    client, district_user, clerk_a, unit_a, plan, sign_in_sheet
):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(clerk_a)

    response = client.post(
        reverse("programs:evaluation-detail", args=[evaluation.pk]),
        grades_post(evaluation, item_1=[plan, sign_in_sheet], item_2=[plan]),
    )

    assert response.status_code == 302
    assert linked(evaluation) == {1: {"创建工作方案", "会议签到表"}, 2: {"创建工作方案"}}
    assert set(evaluation.scores.values_list("presence", flat=True)) == {"b"}


def test_finalising_saves_the_links_on_the_screen_too(client, district_user, unit_a, plan):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(district_user)

    client.post(
        reverse("programs:evaluation-finalise", args=[evaluation.pk]),
        {**grades_post(evaluation, "a", item_2=[plan]), "confirmed": "yes"},
    )

    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.FINAL
    assert linked(evaluation) == {1: set(), 2: {"创建工作方案"}}


def test_unchecking_a_document_removes_only_that_link(
    client, district_user, unit_a, plan, sign_in_sheet
):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(district_user)
    url = reverse("programs:evaluation-detail", args=[evaluation.pk])
    client.post(url, grades_post(evaluation, item_1=[plan, sign_in_sheet]))
    kept = LINKS.objects.get(evidence=plan).pk

    client.post(url, grades_post(evaluation, item_1=[plan]))

    assert linked(evaluation) == {1: {"创建工作方案"}, 2: set()}
    assert LINKS.objects.get(evidence=plan).pk == kept  # not deleted and written again


def test_saving_the_same_links_again_writes_no_link(district_user, unit_a, plan):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    item_ids = list(evaluation.scores.values_list("item_id", flat=True))
    grades = {item_id: ("a", "a", "a", "") for item_id in item_ids}
    links = {item_ids[0]: [plan.pk], item_ids[1]: []}
    evaluation_grade(evaluation=evaluation, by=district_user, grades=grades, links=links)

    with CaptureQueriesContext(connection) as queries:
        evaluation_grade(evaluation=evaluation, by=district_user, grades=grades, links=links)

    table = LINKS._meta.db_table
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if table in query["sql"] and query["sql"].lstrip().upper().startswith(("INSERT", "DELETE"))
    ]
    assert writes == []
    assert LINKS.objects.count() == 1


def test_a_post_without_the_picker_leaves_the_links_as_they_are(
    client, district_user, unit_a, plan
):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(district_user)
    url = reverse("programs:evaluation-detail", args=[evaluation.pk])
    client.post(url, grades_post(evaluation, item_1=[plan]))
    grades_only = {
        name: value
        for name, value in grades_post(evaluation, "c").items()
        if not name.startswith("links_")
    }

    client.post(url, grades_only)

    assert linked(evaluation) == {1: {"创建工作方案"}, 2: set()}
    assert set(evaluation.scores.values_list("presence", flat=True)) == {"c"}


# --- only the evaluated unit's documents ------------------------------------------------------


def test_the_service_refuses_another_units_document_and_saves_nothing(
    district_user, unit_a, plan, other_units_plan
):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    first, second = evaluation.scores.values_list("item_id", flat=True)

    with pytest.raises(errors.EvaluationError) as refused:
        evaluation_grade(
            evaluation=evaluation,
            by=district_user,
            grades={first: ("a", "a", "a", "好"), second: ("a", "a", "a", "")},
            links={first: [plan.pk], second: [other_units_plan.pk]},
        )

    assert refused.value.message == errors.EVALUATION_EVIDENCE_NOT_THE_UNITS
    assert not LINKS.objects.exists()
    assert set(evaluation.scores.values_list("presence", "comment")) == {("", "")}


def test_the_service_refuses_a_document_that_does_not_exist(district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    first = evaluation.scores.values_list("item_id", flat=True)[0]

    with pytest.raises(errors.EvaluationError):
        evaluation_grade(
            evaluation=evaluation, by=district_user, grades={}, links={first: [999_999]}
        )


def test_a_clerk_cannot_link_another_units_document(
    client, district_user, clerk_a, unit_a, plan, other_units_plan
):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(clerk_a)

    response = client.post(
        reverse("programs:evaluation-detail", args=[evaluation.pk]),
        grades_post(evaluation, "a", item_1=[plan, other_units_plan]),
    )

    assert response.status_code == 200  # the form again, with the error at the item
    first = evaluation.scores.order_by("item__number").first().item_id
    assert f"links_{first}" in response.context["form"].errors
    assert message_texts(response)
    assert not LINKS.objects.exists()
    assert not evaluation.scores.exclude(presence="").exists()


def test_links_may_not_change_once_the_evaluation_is_final(district_user, unit_a, plan):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    item_ids = list(evaluation.scores.values_list("item_id", flat=True))
    grades = {item_id: ("a", "a", "a", "") for item_id in item_ids}
    evaluation_grade(evaluation=evaluation, by=district_user, grades=grades)
    evaluation_finalise(evaluation=evaluation, by=district_user)

    with pytest.raises(errors.EvaluationError) as refused:
        evaluation_grade(
            evaluation=evaluation, by=district_user, grades={}, links={item_ids[0]: [plan.pk]}
        )

    assert refused.value.message == errors.EVALUATION_LOCKED
    assert not LINKS.objects.exists()


# --- what the page shows ------------------------------------------------------------------------


def test_the_picker_offers_the_units_documents_once_grouped_by_milestone(
    client, district_user, unit_a, plan, sign_in_sheet, other_units_plan
):
    evaluation = open_round(district_user, [unit_a], items=3).evaluations.get()
    client.force_login(district_user)

    response = client.get(reverse("programs:evaluation-detail", args=[evaluation.pk]))

    milestones, activities = response.context["form"].document_groups
    download = reverse("programs:evidence-download", args=[plan.versions.get().pk])
    assert milestones == ("制定创建工作方案", [DocumentChoice(plan.pk, "创建工作方案", download)])
    activity_date = sign_in_sheet.activity.date
    [choice] = activities[1]
    assert (choice.pk, choice.label) == (
        sign_in_sheet.pk,
        f"{activity_date:%Y-%m-%d} 安全生产例会 · 会议签到表",
    )
    html = response.content.decode()
    assert "乙街道工作方案" not in html
    assert html.count('type="checkbox"') == 2  # in the one picker, not once per item
    assert html.count('name="links_') == 3
    assert "js/document-links.js" in html


def test_the_read_only_page_lists_the_linked_documents_as_downloads(
    client, district_user, clerk_a, unit_a, plan, sign_in_sheet
):
    evaluation = open_round(
        district_user, [unit_a], kind=EvaluationRound.Kind.DISTRICT
    ).evaluations.get()
    first = evaluation.scores.order_by("item__number").first().item_id
    evaluation_grade(evaluation=evaluation, by=district_user, grades={}, links={first: [plan.pk]})
    client.force_login(clerk_a)

    response = client.get(reverse("programs:evaluation-detail", args=[evaluation.pk]))

    assert not response.context["can_edit"]
    html = response.content.decode()
    assert reverse("programs:evidence-download", args=[plan.versions.get().pk]) in html
    assert "会议签到表" not in html  # a document not linked is not listed
    download = client.get(reverse("programs:evidence-download", args=[plan.versions.get().pk]))
    assert download.status_code == 200


def test_an_evaluator_sees_links_only_on_evaluations_of_their_rounds(
    client, district_user, evaluator, unit_a, unit_b, plan
):
    theirs = open_round(
        district_user, [unit_a], kind=EvaluationRound.Kind.EXPERT, evaluators=[evaluator]
    ).evaluations.get()
    other = open_round(district_user, [unit_a], kind=EvaluationRound.Kind.EXPERT).evaluations.get()
    for evaluation in (theirs, other):
        first = evaluation.scores.order_by("item__number").first().item_id
        evaluation_grade(
            evaluation=evaluation, by=district_user, grades={}, links={first: [plan.pk]}
        )
    client.force_login(evaluator)

    page = client.get(reverse("programs:evaluation-detail", args=[theirs.pk]))
    elsewhere = client.get(reverse("programs:evaluation-detail", args=[other.pk]))

    assert page.status_code == 200
    download = reverse("programs:evidence-download", args=[plan.versions.get().pk])
    assert download in page.content.decode()
    assert elsewhere.status_code == 404


def test_the_page_without_documents_has_no_picker(client, district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(district_user)

    response = client.get(reverse("programs:evaluation-detail", args=[evaluation.pk]))

    assert not response.context["form"].has_documents
    html = response.content.decode()
    assert 'id="document-picker"' not in html and 'name="links_' not in html


@pytest.mark.parametrize(("items", "documents"), [(3, 2), (40, 25)])
def test_the_grading_page_query_count_does_not_grow_with_items_or_links(
    client,
    district_user,
    clerk_a,
    unit_a,
    items,
    documents,
    django_assert_max_num_queries,
):
    evaluation = open_round(district_user, [unit_a], items=items).evaluations.get()
    papers = [
        document(unit_a, f"材料{n}", milestone=f"里程碑{n}", uploader=clerk_a)
        for n in range(documents)
    ]
    item_ids = list(evaluation.scores.values_list("item_id", flat=True))
    evaluation_grade(
        evaluation=evaluation,
        by=district_user,
        grades={},
        links={
            item_id: [doc.pk for doc in papers[: n % 4 + 1]] for n, item_id in enumerate(item_ids)
        },
    )
    client.force_login(district_user)
    url = reverse("programs:evaluation-detail", args=[evaluation.pk])

    ContentType.objects.get_for_model(Evaluation)  # the history's, cached once per process
    with django_assert_max_num_queries(EVALUATION_PAGE_MAX_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    rows = response.context["elements"][0]["rows"]
    assert len(rows) == items
    form = response.context["form"]
    assert sum(len(group) for _name, group in form.document_groups) == documents
    html = response.content.decode()
    assert html.count('type="checkbox"') == documents
    linked_count = sum(min(n % 4 + 1, documents) for n in range(items))
    # Each linked document's download in its row; the picker's (and its data) once per document.
    assert html.count("/download/") == linked_count + 2 * documents


@pytest.mark.parametrize(("items", "documents"), [(3, 2), (40, 25)])
def test_the_read_only_page_query_count_does_not_grow_with_links(
    client,
    district_user,
    clerk_a,
    unit_a,
    items,
    documents,
    django_assert_max_num_queries,
):
    evaluation = open_round(district_user, [unit_a], items=items).evaluations.get()
    papers = [
        document(unit_a, f"材料{n}", milestone=f"里程碑{n}", uploader=clerk_a)
        for n in range(documents)
    ]
    item_ids = list(evaluation.scores.values_list("item_id", flat=True))
    evaluation_grade(
        evaluation=evaluation,
        by=district_user,
        grades={item_id: ("a", "b", "c", "") for item_id in item_ids},
        links={item_id: [doc.pk for doc in papers] for item_id in item_ids},
    )
    evaluation_finalise(evaluation=evaluation, by=district_user)
    client.force_login(district_user)

    ContentType.objects.get_for_model(Evaluation)  # the history's, cached once per process
    with django_assert_max_num_queries(READ_ONLY_PAGE_MAX_QUERIES):
        response = client.get(reverse("programs:evaluation-detail", args=[evaluation.pk]))

    assert response.status_code == 200
    assert response.content.decode().count("/download/") == items * documents


@pytest.mark.parametrize("links", ["{pk},x", "{pk},²", "١٢"])  # "²" and "١٢" are digits to str
def test_links_that_are_not_document_ids_save_nothing(client, district_user, unit_a, plan, links):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(district_user)
    data = grades_post(evaluation, "a", item_1=[plan])
    first = evaluation.scores.order_by("item__number").first().item_id
    data[f"links_{first}"] = links.format(pk=plan.pk)

    response = client.post(reverse("programs:evaluation-detail", args=[evaluation.pk]), data)

    assert response.status_code == 200
    assert f"links_{first}" in response.context["form"].errors
    assert not LINKS.objects.exists()
    assert not evaluation.scores.exclude(presence="").exists()


def test_an_evaluator_downloads_documents_only_of_their_rounds_units(
    client, district_user, evaluator, unit_a, unit_b, plan, other_units_plan
):
    open_round(district_user, [unit_a], kind=EvaluationRound.Kind.EXPERT, evaluators=[evaluator])
    client.force_login(evaluator)

    ours = client.get(reverse("programs:evidence-download", args=[plan.versions.get().pk]))
    theirs = client.get(
        reverse("programs:evidence-download", args=[other_units_plan.versions.get().pk])
    )

    assert ours.status_code == 200
    assert theirs.status_code == 404
