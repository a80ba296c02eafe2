"""The dashboard's table prepared once per row (`table_prepare`): each cell prints what the tags,
includes and filters the template used per row printed — links, badges, squares, scores, the
injury change and rate, the title's end — in both languages; the rows' markup (`rows_html`) is
what the template's loop printed (`dashboard_row.html` keeps that loop); and the rows read from
plain values agree with the models' own labels."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from programs.core.choices import UnitKind
from programs.evaluations.models import Evaluation
from programs.models import CreatingUnit, Phase
from programs.overview.jobs import export_row
from programs.overview.selectors.dashboard import dashboard_for
from programs.overview.selectors.progress import progress_cells, units_with_progress
from programs.overview.selectors.readiness import InjuryTrend
from programs.overview.views.dashboard import reverse_each, rows_html, table_prepare
from programs.reports.selectors.completeness import Rate
from tests.factories import UnitFactory


def render(source: str, **context: Any) -> str:
    """`source` rendered as the page's template renders it (i18n and portal tags loaded)."""
    return engines["django"].from_string("{% load i18n portal %}" + source).render(context)


def a_row(**values: Any) -> dict[str, Any]:
    """A readiness row as `readiness_rows` gives it, with `values` over plain defaults."""
    row = {
        "pk": 1,
        "code": "T01",
        "name": "胜利街道",
        "is_pilot": False,
        "evaluation_kind": None,
        "title_level": None,
        "title_label": "",
        "phase_id": None,
        "phase_order": None,
        "phase_label": "",
        "phase_description": None,
        "gate_accepted": 0,
        "gate_total": 0,
        "strip": ("none", "open", "late", "on_time"),
        "on_time": Rate(1, 3),
        "meetings": Rate(2, 4),
        "overdue_count": 0,
        "evaluation_id": None,
        "evaluation_total": None,
        "evaluation_maximum": None,
        "evaluation_result": None,
        "evaluation_result_label": "",
        "injuries": None,
        "title_valid_until": None,
    }
    return row | values


def prepared(**values: Any) -> dict[str, Any]:
    row = a_row(**values)
    table_prepare([row])
    return row


@pytest.fixture(params=["en", "zh-hans"])
def language(request):
    with translation.override(request.param):
        yield request.param


@pytest.mark.parametrize("code", ["T01", "110113001", "Z-01 x", "甲01", "a&b?c#d%"])
def test_links_are_what_reverse_gives_for_each_code(code):
    assert reverse_each("programs:unit-detail")(code) == reverse(
        "programs:unit-detail", args=[code]
    )
    assert reverse_each("programs:unit-summary")(code) == reverse(
        "programs:unit-summary", args=[code]
    )
    assert reverse_each("programs:evaluation-detail")(4711) == reverse(
        "programs:evaluation-detail", args=[4711]
    )


@pytest.mark.django_db
def test_the_phase_badge_is_the_tags_with_and_without_a_phase(language):
    phase = Phase(order=2, name="实施", name_en="Implementation", description='A & "B" <c>')

    with_phase = prepared(
        phase_id=7,
        phase_order=2,
        phase_label=phase.label,
        phase_description=phase.description,
    )
    without = prepared()

    assert with_phase["phase_badge"] == render("{% phase_badge phase %}", phase=phase)
    assert without["phase_badge"] == render("{% phase_badge phase %}", phase=None)
    assert "not started" in without["phase_badge"] or "未启动" in without["phase_badge"]


@pytest.mark.parametrize(
    ("accepted", "total"), [(0, 0), (0, 3), (1, 3), (2, 3), (1, 8), (3, 8), (5, 5)]
)
def test_the_gate_bar_is_widthratios(accepted, total):
    row = prepared(gate_accepted=accepted, gate_total=total)

    expected = render("{% widthratio a t|default:1 100 %}", a=accepted, t=total)
    assert row["gate_width"] == expected
    assert row["gate_full"] == bool(total and accepted == total)
    assert row["gate_accepted_text"] == render("{{ a }}", a=accepted)
    assert row["gate_total_text"] == render("{{ t }}", t=total)


def test_the_name_and_the_squares_title_are_blocktranslates_escaped_alike(language):
    name = 'A & B "<i>"'
    row = prepared(name=name, on_time=Rate(7, 11))

    assert row["summary_label"] == render(
        "{% blocktranslate with name=name %}One-page summary of {{ name }}{% endblocktranslate %}",
        name=name,
    )
    assert row["strip_title"] == render(
        "{% blocktranslate with n=7 d=11 %}{{ n }} of {{ d }} on time{% endblocktranslate %}"
    )
    squares = "".join(
        f'<span class="strip-cell strip-{state}"></span>'
        for state in ("none", "open", "late", "on_time")
    )
    assert row["strip_html"] == squares


@pytest.mark.parametrize(
    ("total", "maximum"),
    [
        (Decimal("87.5"), Decimal("150.00")),
        (Decimal("87.25"), Decimal("150")),
        (Decimal("120.00"), Decimal("100.5")),
        (Decimal("0"), None),
    ],
)
@pytest.mark.parametrize("result", [*Evaluation.Result.values, None])
def test_the_score_and_its_badge_are_floatformats_and_the_includes(
    language, total, maximum, result
):
    label = str(Evaluation.Result(result).label) if result else ""
    row = prepared(
        evaluation_id=3,
        evaluation_total=total,
        evaluation_maximum=maximum,
        evaluation_result=result,
        evaluation_result_label=label,
    )

    assert row["evaluation_total_text"] == render('{{ v|floatformat:"-1" }}', v=total)
    assert row["evaluation_maximum_text"] == render('{{ v|floatformat:"-1" }}', v=maximum)
    assert row["evaluation_badge"] == render(
        '{% include "programs/evaluation_result_badge.html" with result=r label=l %}',
        r=result,
        l=label,
    )
    assert row["evaluation_url"] == reverse("programs:evaluation-detail", args=[3])


# The injury and title cells as the template printed them per row.
INJURY_CELLS = (
    "{% if row.injuries %}{{ row.injuries.now }}{% with change=row.injuries.change %}"
    '{% if change is not None %} <span class="small {% if change > 0 %}text-danger{% else %}'
    'text-success{% endif %}">{% if change > 0 %}▲{{ change|half_up }}{% elif change < 0 %}'
    '▼{{ change|half_up|slice:"1:" }}{% else %}±0{% endif %}%</span>{% endif %}{% endwith %}'
    "{% else %}—{% endif %}|{% if row.injuries.rate is not None %}{{ row.injuries.rate|half_up }}"
    '{% else %}—{% endif %}|{{ row.title_valid_until|date:"Y-m-d" }}'
)
LEAN_CELLS = (
    "{% if row.injuries %}{{ row.injuries_text }}{% if row.change_text %}"
    ' <span class="small {{ row.change_class }}">{{ row.change_text }}%</span>{% endif %}'
    "{% else %}—{% endif %}|{% if row.rate_text %}{{ row.rate_text }}{% else %}—{% endif %}"
    "|{{ row.title_until }}"
)


@pytest.mark.parametrize(
    ("now", "before", "population"),
    [
        (20, 31, 97_000),  # ▼35.5
        (17, 16, 80_000),  # ▲6.3, 21.25 per 100,000 rounds half up to 21.3
        (5, 5, 12_345),  # ±0
        (3, 0, None),  # no change without last year's, no rate without a population
        (0, 7, 50_000),  # ▼100.0
        (1, 1_000, 1),  # ▼99.9, a large rate
    ],
)
@pytest.mark.parametrize("until", [None, date(2027, 3, 1)])
def test_the_injury_and_title_cells_print_as_the_filters_did(now, before, population, until):
    row = prepared(injuries=InjuryTrend(now, before, population), title_valid_until=until)

    assert render(LEAN_CELLS, row=row) == render(INJURY_CELLS, row=row)


def test_a_unit_whose_injuries_are_hidden_shows_dashes():
    row = prepared(injuries=None)

    assert render(LEAN_CELLS, row=row) == render(INJURY_CELLS, row=row) == "—|—|"


@pytest.mark.django_db
def test_rows_read_from_values_carry_the_models_labels(district_user, unit_a, language):
    """The export's first columns from a row of values are the progress export's from the
    annotated unit: code, name, kind, pilot, phase, gate, overdue — in the language."""
    pilot = UnitFactory(code="Q01", is_pilot=True, current_phase=None)
    kinds = {value: str(label) for value, label in UnitKind.choices}

    _filterset, board = dashboard_for(district_user, {})

    for unit in (unit_a, pilot):
        row = next(row for row in board.rows if row["code"] == unit.code)
        model = units_with_progress(
            CreatingUnit.objects.filter(pk=unit.pk).select_related("current_phase")
        ).get()
        assert export_row(row, kinds)[:8] == progress_cells(model)


# The table's loop as the page's Django template wrote it, before the rows moved to Jinja2.
ROW_TEMPLATE = (Path(__file__).parent / "dashboard_row.html").read_text()


@pytest.mark.parametrize("evaluations_shown", [True, False])
def test_each_rows_markup_is_what_the_templates_loop_printed(language, evaluations_shown):
    rows = [
        a_row(),
        a_row(
            code="A&1",
            name='Zone "<b>" & co',
            is_pilot=True,
            phase_id=3,
            phase_order=3,
            phase_label="申请认证",
            phase_description="Apply & wait",
            gate_accepted=3,
            gate_total=3,
            overdue_count=2,
            strip=("on_time",) * 10 + ("late", "open"),
            on_time=Rate(10, 12),
            meetings=Rate(3, 4),
            evaluation_id=9,
            evaluation_total=Decimal("87.25"),
            evaluation_maximum=Decimal("150.00"),
            evaluation_result="rectify",
            evaluation_result_label=str(Evaluation.Result.RECTIFY.label),
            evaluation_kind="self",
            injuries=InjuryTrend(20, 31, 97_000),
            title_level="municipal",
            title_label="市级 <安全社区>",
            title_valid_until=date(2027, 3, 1),
        ),
        a_row(
            code="B0001",
            gate_accepted=1,
            gate_total=8,
            meetings=Rate(0, 0),
            evaluation_id=10,
            evaluation_total=Decimal("120"),
            evaluation_maximum=Decimal("100.5"),
            evaluation_result="pass",
            evaluation_result_label="pass",
            evaluation_kind="expert",
            injuries=InjuryTrend(5, 5, None),
        ),
        a_row(code="B0002", meetings=Rate(4, 4), injuries=InjuryTrend(3, 0, 1_000)),
    ]
    table_prepare(rows)

    looped = render(ROW_TEMPLATE, rows=rows, evaluations_shown=evaluations_shown)
    assert rows_html(rows, evaluations_shown=evaluations_shown) + "\n" == looped
