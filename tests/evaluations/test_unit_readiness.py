"""Readiness on a unit's page: the latest final evaluation per element against the maximum,
the items that scored zero or are weak, and corrective projects opened from them."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from programs.evaluations.selectors import GAPS_SHOWN, evaluation_latest, unit_readiness
from programs.evaluations.services import evaluation_finalise, evaluation_grade, round_open
from programs.models import CreatingUnit, EvaluationRound, EvaluationScheme, User
from tests.factories import EvaluationSchemeFactory, SchemeElementFactory, SchemeItemFactory
from tests.test_queries import UNIT_DETAIL_MAX_QUERIES
from workgroups.models import PromotionProject

# Grades per item (presence 0.8, evidence 1.0, effect 1.2 points): zero, weak (30 % = 0.9),
# exactly 60 % (1.8, not weak) and full marks.
ZERO, WEAK, SIXTY, FULL = ("d", "d", "d"), ("c", "c", "c"), ("a", "a", "d"), ("a", "a", "a")


def scheme_of(elements: int, items: int) -> EvaluationScheme:
    """A scheme of `elements` elements of `items` items each, 3 points an item; rectify band
    from half the maximum, pass at 80 %."""
    maximum = Decimal(3 * elements * items)
    scheme = EvaluationSchemeFactory(
        max_score=maximum, pass_mark=maximum * Decimal("0.8"), rectify_mark=maximum / 2
    )
    for number in range(1, elements + 1):
        element = SchemeElementFactory(scheme=scheme, number=number, name=f"一级指标{number}")
        for item_number in range(1, items + 1):
            SchemeItemFactory(
                element=element, number=item_number, text=f"要求{number}.{item_number}"
            )
    return scheme


def evaluated(
    unit: CreatingUnit,
    by: User,
    grades: dict[str, tuple[str, str, str]],
    *,
    scheme: EvaluationScheme | None = None,
    default: tuple[str, str, str] = FULL,
    name: str = "2026年区级复核",
    final: bool = True,
):
    """An evaluation of `unit` in a new district round, graded `default` except the items
    named by code ("1.2") in `grades`, and finalised unless `final` is False."""
    scheme = scheme or scheme_of(2, 3)
    today = timezone.localdate()
    evaluation = round_open(
        scheme=scheme,
        kind=EvaluationRound.Kind.DISTRICT,
        name=name,
        opens_on=today,
        closes_on=today + timedelta(days=30),
        units=[unit],
        evaluators=[],
        by=by,
        start_from_previous=False,
    ).evaluations.get()
    rows = evaluation.scores.select_related("item__element")
    evaluation_grade(
        evaluation=evaluation,
        by=by,
        grades={
            row.item_id: (*grades.get(row.item.code, default), "台账不全")
            if row.item.code in grades
            else (*default, "")
            for row in rows
        },
    )
    if final:
        evaluation_finalise(evaluation=evaluation, by=by)
    return evaluation


def unit_page(client, unit: CreatingUnit):
    return client.get(reverse("programs:unit-detail", args=[unit.code]))


# --- the function -------------------------------------------------------------------------------


def test_no_final_evaluation_means_no_readiness(unit_a, district_user):
    evaluated(unit_a, district_user, {}, final=False)

    assert unit_readiness(unit_a) is None


def test_readiness_lists_zero_items_then_weak_ones_and_not_an_item_at_sixty_percent(
    unit_a, district_user
):
    evaluated(unit_a, district_user, {"1.1": WEAK, "1.2": SIXTY, "2.3": ZERO})

    readiness = unit_readiness(unit_a)

    assert [(gap.code, gap.points, gap.maximum) for gap in readiness.zero_items] == [
        ("2.3", Decimal("0.00"), Decimal("3.00"))
    ]
    assert [(gap.code, gap.points) for gap in readiness.weak_items] == [("1.1", Decimal("0.90"))]
    assert readiness.weak_items[0].comment == "台账不全"


def test_readiness_sums_each_element_against_its_maximum(unit_a, district_user):
    evaluated(unit_a, district_user, {"1.1": WEAK, "1.2": SIXTY, "2.3": ZERO})

    readiness = unit_readiness(unit_a)

    assert [(row["subtotal"], row["maximum"]) for row in readiness.elements] == [
        (Decimal("5.70"), Decimal("9.00")),
        (Decimal("6.00"), Decimal("9.00")),
    ]
    assert readiness.evaluation.total == Decimal("11.70")
    assert readiness.evaluation.result == "fail"  # 2.3 scored zero
    chart = readiness.chart()
    assert chart["categories"] == ["1. 一级指标1", "2. 一级指标2"]
    assert (chart["scores"], chart["maximums"]) == ([5.7, 6.0], [9.0, 9.0])


def test_readiness_uses_the_latest_final_evaluation_of_any_scheme(unit_a, district_user):
    evaluated(unit_a, district_user, {"1.1": ZERO}, name="2025年自评")
    latest = evaluated(unit_a, district_user, {}, scheme=scheme_of(1, 2), name="2026年复核")
    evaluated(unit_a, district_user, {"1.1": ZERO}, final=False, name="2027年自评")

    readiness = unit_readiness(unit_a)

    assert readiness.evaluation == latest
    assert readiness.gaps == ()


def test_readiness_reads_the_reason_in_the_readers_language(unit_a, district_user):
    with translation.override("zh-hans"):
        evaluated(unit_a, district_user, {"2.3": ZERO})

    with translation.override("en"):
        reason = unit_readiness(unit_a).reason

    assert reason == "item 2.3 scored zero"


def test_a_user_who_may_not_see_the_evaluation_gets_no_readiness(
    unit_a, district_user, clerk_b, clerk_a
):
    evaluated(unit_a, district_user, {})

    assert unit_readiness(unit_a, user=clerk_b) is None
    assert evaluation_latest(unit_a, user=clerk_b) is None
    assert unit_readiness(unit_a, user=clerk_a) is not None


def test_a_corrective_projects_name_and_objective_come_from_the_item(unit_a, district_user):
    evaluated(unit_a, district_user, {"1.1": WEAK})

    with translation.override("en"):
        initial = unit_readiness(unit_a).weak_items[0].project_initial()

    assert initial["name"] == "Corrective: 1.1 要求1.1"
    assert "1.1" in initial["objective"] and "0.9 of 3" in initial["objective"]
    assert "2026年区级复核" in initial["objective"]


# --- the card on the unit page ------------------------------------------------------------------


def test_the_unit_page_shows_the_card_with_score_result_chart_and_items(
    client, clerk_a, unit_a, district_user
):
    evaluation = evaluated(unit_a, district_user, {"1.1": WEAK, "2.3": ZERO})
    client.force_login(clerk_a)

    response = unit_page(client, unit_a)

    html = response.content.decode()
    assert 'id="readiness"' in html
    assert reverse("programs:evaluation-detail", args=[evaluation.pk]) in html
    assert "2026年区级复核" in html
    assert "12.90</span> / 18.00" in html
    assert 'class="badge text-bg-danger"' in html
    assert 'id="gap-2.3" data-gap="zero"' in html and 'id="gap-1.1" data-gap="weak"' in html
    assert 'id="readiness-elements"' in html  # the table drawn without JavaScript and printed
    assert "js/readiness-chart.js" in html
    chart = json.loads(
        html.split('id="readiness-chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert chart["scores"] == [6.9, 6.0]


def test_without_an_evaluation_the_card_says_so_and_district_staff_may_open_a_round(
    client, clerk_a, district_user, unit_a
):
    client.force_login(district_user)
    district_page = unit_page(client, unit_a).content.decode()
    client.force_login(clerk_a)
    clerk_page = unit_page(client, unit_a).content.decode()

    round_link = f'href="{reverse("programs:round-create")}"'
    assert 'id="readiness-none"' in district_page and round_link in district_page
    assert 'id="readiness-none"' in clerk_page and round_link not in clerk_page
    assert "js/readiness-chart.js" not in clerk_page


def test_a_provider_sees_the_unit_but_no_readiness_card(client, provider, unit_a, district_user):
    evaluated(unit_a, district_user, {"1.1": ZERO})
    client.force_login(provider)

    response = unit_page(client, unit_a)

    assert response.status_code == 200
    assert 'id="readiness"' not in response.content.decode()


@pytest.mark.parametrize("persona", ["clerk_a", "district_user"])
def test_those_who_may_add_projects_get_the_corrective_link(
    client, request, persona, unit_a, district_user
):
    evaluated(unit_a, district_user, {"1.1": WEAK})
    client.force_login(request.getfixturevalue(persona))

    html = unit_page(client, unit_a).content.decode()

    assert reverse("workgroups:project-add", args=[unit_a.code]) + "?name=" in html


def test_a_clerk_of_another_unit_gets_neither_card_nor_link(
    client, clerk_b, unit_a, unit_b, district_user
):
    evaluated(unit_a, district_user, {"1.1": WEAK})
    client.force_login(clerk_b)

    assert unit_page(client, unit_a).status_code == 404
    html = unit_page(client, unit_b).content.decode()
    assert 'id="readiness-none"' in html
    assert reverse("workgroups:project-add", args=[unit_a.code]) not in html


def test_the_corrective_link_opens_the_project_form_pre_filled(
    client, clerk_a, unit_a, district_user
):
    evaluated(unit_a, district_user, {"1.1": WEAK})
    client.force_login(clerk_a)
    readiness = unit_page(client, unit_a).context["readiness"]
    gap = readiness.weak_items[0]
    url = reverse("workgroups:project-add", args=[unit_a.code]) + "?" + gap.project_query

    form = client.get(url).context["form"]

    query = parse_qs(urlsplit(url).query)
    assert form.initial["name"] == query["name"][0]
    assert form.initial["objective"] == query["objective"][0]
    assert form.initial["start"] == timezone.localdate()


def test_the_project_form_takes_at_most_the_fields_lengths_from_the_query(client, clerk_a, unit_a):
    client.force_login(clerk_a)
    url = reverse("workgroups:project-add", args=[unit_a.code])

    form = client.get(url, {"name": "整" * 500, "objective": "改" * 5000, "effect": "x"}).context[
        "form"
    ]

    assert form.initial["name"] == "整" * PromotionProject._meta.get_field("name").max_length
    assert len(form.initial["objective"]) == 2000
    assert "effect" not in form.initial


def test_a_clerk_of_another_unit_cannot_open_the_pre_filled_form(client, clerk_b, unit_a):
    client.force_login(clerk_b)

    response = client.get(
        reverse("workgroups:project-add", args=[unit_a.code]), {"name": "整改：1.1"}
    )

    assert response.status_code == 404


@pytest.mark.parametrize(("elements", "items"), [(2, 2), (12, 6)])
def test_the_unit_page_query_count_with_readiness_does_not_grow_with_the_scheme(
    client, clerk_a, unit_a, district_user, elements, items, django_assert_max_num_queries
):
    scheme = scheme_of(elements, items)
    evaluated(unit_a, district_user, {"1.1": ZERO, "2.2": WEAK}, scheme=scheme)
    client.force_login(district_user)

    with django_assert_max_num_queries(UNIT_DETAIL_MAX_QUERIES):
        response = unit_page(client, unit_a)

    assert response.status_code == 200
    assert len(response.context["readiness"].elements) == elements
    assert len(response.context["readiness"].gaps) == 2


@pytest.mark.parametrize(("elements", "items"), [(2, 2), (12, 6)])
def test_readiness_costs_two_queries_whatever_the_scheme(
    unit_a, district_user, elements, items, django_assert_num_queries
):
    evaluated(unit_a, district_user, {"1.1": ZERO}, scheme=scheme_of(elements, items))

    with django_assert_num_queries(2):
        readiness = unit_readiness(unit_a, user=district_user)
        readiness.chart()
        assert all(gap.project_query for gap in readiness.gaps)


def test_readiness_without_an_evaluation_costs_one_query(
    unit_a, district_user, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert unit_readiness(unit_a, user=district_user) is None


def test_the_page_lists_the_worst_items_first_and_folds_the_rest(client, unit_a, district_user):
    weak_grades = {f"1.{n}": WEAK for n in range(1, 11)}
    weak_grades["1.3"] = ("c", "d", "d")  # 0.24 points: the weakest after the zero item
    evaluated(unit_a, district_user, weak_grades | {"2.2": ZERO}, scheme=scheme_of(2, 10))
    client.force_login(district_user)

    readiness = client.get(reverse("programs:unit-detail", args=[unit_a.code])).context["readiness"]

    assert [gap.code for gap in readiness.gaps_shown[:2]] == ["2.2", "1.3"]
    assert len(readiness.gaps_shown) == GAPS_SHOWN
    assert len(readiness.gaps_folded) == 11 - GAPS_SHOWN
