"""The scoring rows of the monthly sheet (月度考评表) and the county spot check (县级抽考): suggestion and
explanation per part, the typed parts and reasons, the service's errors per row."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from accounts.models import Role
from assessments import forms, rules, selectors
from assessments.models import PARTS, Assessment, SpotCheckDraw
from rivers.models import County


@dataclass
class PartCell:
    """One part of one row: the suggestion with its explanation, the input and its reason."""

    part: str
    label: str
    top: int
    suggested: int
    value: object
    reason: str
    explanation: str
    needs_reason: bool  # more than the gap from the suggestion: a written reason is required
    invalid: bool  # named by the service's last refusal of this row
    score_name: str
    reason_name: str


@dataclass
class ScoreRow:
    assessment: Assessment
    parts: list[PartCell]
    errors: list[str]
    editable: bool
    compare: Assessment | None = None  # the spot check shows the township's result of the same month
    weight: str = ""  # the spot check's risk weight of this patroller when drawn


def score_row(
    assessment: Assessment,
    *,
    editable: bool,
    posted: tuple[dict, dict] | None = None,
    errors: list[str] | None = None,
    compare: Assessment | None = None,
    weight: str = "",
) -> ScoreRow:
    """A row as the page shows it: after a refused save the values typed, else the stored ones."""
    values, reasons = posted if posted is not None else (assessment.scores, assessment.reasons)
    suggested = assessment.suggested
    # Parts typed as something other than a whole number count as their suggestion for the reason marker.
    whole = {part: value if isinstance(value, int) else suggested[part] for part, value in values.items()}
    needs = set(rules.parts_needing_reason(whole, suggested))
    invalid: set[str] = set()
    if errors:
        invalid = set(rules.range_errors(values)) | set(rules.missing_reason_errors(whole, suggested, reasons))
    tops = rules.weights()
    explanation = assessment.explanation_to_read
    cells = [
        PartCell(
            part=part,
            label=str(rules.PART_LABELS[part]),
            top=tops[part],
            suggested=suggested[part],
            value=values[part],
            reason=reasons.get(part, ""),
            explanation=explanation.get(part, ""),
            needs_reason=part in needs,
            invalid=part in invalid,
            score_name=forms.score_field(assessment.pk, part),
            reason_name=forms.reason_field(assessment.pk, part),
        )
        for part in PARTS
    ]
    return ScoreRow(assessment, cells, list(errors or []), editable, compare, weight)


def spot_check_rows(
    user,
    county: County,
    month: date,
    *,
    posted: Mapping[int, tuple[dict, dict]] | None = None,
    errors: Mapping[int, list[str]] | None = None,
) -> tuple[SpotCheckDraw | None, list[ScoreRow]]:
    """The month's draw and its county-level rows in draw order, each beside the township's result; `posted` and
    `errors` of the rows a save refused, by assessment id."""
    posted, errors = posted or {}, errors or {}
    draw = selectors.spot_check_draw_list(user=user, filters={"month": month, "county": county.pk}).first()
    if draw is None:
        return None, []
    by_patroller = {
        a.patroller_id: a
        for a in selectors.assessment_list(
            user=user, filters={"month": month, "county": county.pk, "level": Assessment.Level.COUNTY}
        )
    }
    township_results = {
        a.patroller_id: a
        for a in selectors.assessment_list(
            user=user, filters={"month": month, "county": county.pk, "level": Assessment.Level.TOWNSHIP}
        ).filter(patroller_id__in=draw.patrollers)
    }
    owner = user.role == Role.COUNTY_OFFICE and user.county_id == county.pk
    rows = []
    for patroller_id in draw.patrollers:
        assessment = by_patroller.get(patroller_id)
        if assessment is None:
            continue
        rows.append(
            score_row(
                assessment,
                editable=owner and not assessment.is_final,
                posted=posted.get(assessment.pk),
                errors=errors.get(assessment.pk),
                compare=township_results.get(patroller_id),
                weight=(draw.weights or {}).get(str(patroller_id), {}).get("weight", ""),
            )
        )
    return draw, rows
