"""A round's results as xlsx, read back: one row per unit the user may see, with its total,
result and element subtotals, and a sheet of every item's grades; Chinese sheet names and
headers, English for an English reader."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from programs.evaluations.services import evaluation_finalise
from programs.models import EvaluationRound, ItemScore
from tests.evaluations.test_evaluation_pages import open_round


@pytest.fixture
def graded_round(district_user, evaluator, unit_a, unit_b) -> EvaluationRound:
    evaluation_round = open_round(
        district_user,
        [unit_a, unit_b],
        kind=EvaluationRound.Kind.DISTRICT,
        evaluators=[evaluator],
        items=2,
    )
    final = evaluation_round.evaluations.get(unit=unit_a)
    ItemScore.objects.filter(evaluation=final).update(presence="a", evidence="a", effect="a")
    evaluation_finalise(evaluation=final, by=evaluator)
    first = evaluation_round.evaluations.get(unit=unit_b).scores.order_by("item__number").first()
    ItemScore.objects.filter(pk=first.pk).update(
        presence="a", evidence="b", effect="c", comment="=HYPERLINK(1)"
    )
    return evaluation_round


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def test_the_export_holds_each_units_result_and_every_items_grades_in_chinese(
    client, district_user, graded_round, unit_a, unit_b
):
    client.force_login(district_user)

    book = workbook(client.get(reverse("programs:round-export", args=[graded_round.pk])))

    assert book.sheetnames == ["评定结果", "逐项评分"]
    results = [list(row) for row in book["评定结果"].iter_rows(values_only=True)]
    assert results[0][:4] == ["单位编码", "单位", "状态", "已评分指标"]
    assert results[0][4:8] == ["合计", "满分", "评定结果", "理由"]
    assert results[0][8].startswith("1. ")
    assert results[1][:7] == ["A01", "甲镇", "已确认", "2/2", 6, 6, "通过"]
    assert results[1][8] == 6
    assert results[2][:5] == ["B01", "乙街道", "评分中", "1/2", 1.86]
    assert "暂定" in results[2][6]
    grades = [list(row) for row in book["逐项评分"].iter_rows(values_only=True)]
    assert grades[0][:4] == ["单位编码", "单位", "二级指标", "评定内容"]
    assert grades[0][4:7] == ["有无", "痕迹", "效果"]
    assert grades[0][4:7] == ["有无", "痕迹", "效果"]
    assert len(grades) == 1 + 2 * 2
    b_first = next(row for row in grades[1:] if row[0] == "B01" and row[4] == "a")
    assert b_first[4:10] == ["a", "b", "c", 1.86, 3, "=HYPERLINK(1)"]  # text, never a formula


def test_the_export_speaks_english_to_an_english_reader(english, district_user, graded_round):
    english.force_login(district_user)

    book = workbook(english.get(reverse("programs:round-export", args=[graded_round.pk])))

    assert book.sheetnames == ["Results", "Item grades"]
    header = next(book["Results"].iter_rows(values_only=True))
    assert header[:5] == ("Unit code", "Unit", "Status", "Items graded", "Total")


def test_a_clerk_exports_only_their_own_units_row(client, clerk_a, graded_round):
    client.force_login(clerk_a)

    book = workbook(client.get(reverse("programs:round-export", args=[graded_round.pk])))

    codes = [row[0] for row in book["评定结果"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["A01"]
    assert {row[0] for row in book["逐项评分"].iter_rows(min_row=2, values_only=True)} == {"A01"}


@pytest.mark.parametrize("persona", ["clerk_b", "provider"], indirect=True)
def test_outsiders_get_404(client, persona, district_user, unit_a):
    evaluation_round = open_round(district_user, [unit_a])

    response = client.get(reverse("programs:round-export", args=[evaluation_round.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("units", [2, 10])
def test_the_export_query_count_does_not_grow_with_units(
    client, district_user, units, django_assert_max_num_queries
):
    from tests.factories import UnitFactory

    evaluation_round = open_round(district_user, UnitFactory.create_batch(units), items=3)
    client.force_login(district_user)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("programs:round-export", args=[evaluation_round.pk]))

    rows = list(workbook(response)["评定结果"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == units
