"""Writing drafts: new ones with their "prepare" history rows, and refreshed suggestions of existing drafts, in a
number of statements that does not grow with the patrollers (bulk_create, or COPY on PostgreSQL for large batches).
"""

import json
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from assessments import rules, selectors
from assessments.models import PARTS, Assessment, AssessmentChange
from assessments.services.common import acting_user, set_scores, set_suggestion

_FOREIGN_KEYS = [f.name for f in Assessment._meta.get_fields() if f.many_to_one]
# What preparing again may change on a draft (scores only while nobody has scored it).
_DRAFT_FIELDS = [
    *(f"suggested_{part}" for part in PARTS),
    *PARTS,
    "total",
    "grade",
    "passed",
    "explanation",
    "facts",
    "updated_at",
]


def _clean_for_bulk(assessment: Assessment) -> None:
    """full_clean() without what costs a query per row: the related rows come from the same transaction's reads,
    and uniqueness and the check constraints are the database's (a violation fails the whole bulk write)."""
    assessment.full_clean(exclude=_FOREIGN_KEYS, validate_unique=False, validate_constraints=False)


def _check_parts(scores: dict[str, int], weights: dict[str, int]) -> None:
    """A draft's parts within 0–weight in whole points (rules.range_errors)."""
    errors = rules.range_errors(scores, part_weights=weights)
    if errors:
        raise ValidationError({"scores": [message for part in PARTS for message in errors.get(part, [])]})


def _suggestion_changed(assessment: Assessment, suggestion: rules.Suggestion, facts: dict[str, int]) -> bool:
    if assessment.suggested != suggestion.parts or assessment.facts != facts:
        return True
    if assessment.explanation != suggestion.explanation:  # the same numbers, another language or wording
        return True
    return not assessment.edited and assessment.scores != suggestion.parts


@dataclass
class Upserted:
    """What upsert_drafts did: how many patrollers it saw, how many drafts it created and refreshed."""

    patrollers: int = 0
    created: int = 0
    refreshed: int = 0


def _new_draft(*, row: selectors.MonthRow, month: date, level: str, suggestion: rules.Suggestion, actor) -> Assessment:
    """A new draft whose scores start equal to the suggestion (unsaved)."""
    parts = suggestion.parts
    assessment = Assessment(
        patroller_id=row.patroller_id,
        month=month,
        level=level,
        township_id=row.township_id,
        county_id=row.county_id,
        created_by=actor,
        suggested_appearance=parts["appearance"],
        suggested_daily_work=parts["daily_work"],
        suggested_records=parts["records"],
        explanation=suggestion.explanation,
        facts=row.facts.as_dict(),
    )
    set_scores(assessment, parts)
    return assessment


def upsert_drafts(*, level: str, month: date, rows: list[selectors.MonthRow], by, create: bool = True) -> Upserted:
    """Create the missing drafts and refresh the suggestions of existing drafts, in a fixed number of queries.
    With `create=False` only existing drafts are refreshed (a county's drafts exist for its sample only).

    A draft nobody has scored yet follows its suggestion; a scored draft keeps its scores. Final assessments
    are never touched. A patroller assessed at this level in the month by another township (moved mid-month)
    keeps that one. The existing rows are read FOR UPDATE, so a finalization running at the same moment waits for
    this transaction and then finalizes the refreshed draft (it cannot be overwritten after it became final).

    Queries: the existing rows (1), then only what there is to write: the new drafts with their history rows
    (_insert_drafts: 2 statements, 3 for a large batch on PostgreSQL), one upsert by primary key of the drafts
    whose suggestion changed.
    """
    if not rows:
        return Upserted()
    ids = [row.patroller_id for row in rows]
    existing = {
        a.patroller_id: a
        for a in Assessment.objects.filter(patroller_id__in=ids, month=month, level=level)
        .order_by()
        .select_for_update()
    }
    weights = rules.weights()
    actor = acting_user(by)
    new: list[tuple[selectors.MonthRow, rules.Suggestion]] = []
    to_update: list[Assessment] = []
    # Stored in the default language whoever prepares (rules.explanation_to_read translates it for the reader).
    with translation.override(settings.LANGUAGE_CODE):
        suggestions = [rules.suggest(row.facts, part_weights=weights) for row in rows]
    for row, suggestion in zip(rows, suggestions, strict=True):
        assessment = existing.get(row.patroller_id)
        if assessment is None:
            if not create:
                continue
            # Checked with the rules here (0–weight, whole points), not with a field-by-field full_clean per row:
            # the drafts' other values are the same on every row (checked once in _insert_drafts) and the database
            # checks total = sum and the bounds again (named constraints).
            _check_parts(suggestion.parts, weights)
            new.append((row, suggestion))
            continue
        facts = row.facts.as_dict()
        if not assessment.is_final and _suggestion_changed(assessment, suggestion, facts):
            set_suggestion(assessment, suggestion, row.facts)
            if not assessment.edited:
                set_scores(assessment, suggestion.parts)
            _check_parts(assessment.scores, weights)
            to_update.append(assessment)
    if new:
        _insert_drafts(level=level, month=month, new=new, actor=actor)
    if to_update:
        # One statement for all the changed drafts: INSERT … ON CONFLICT (id) DO UPDATE of the drafts' own rows,
        # read and locked above, so it always updates (bulk_update's CASE per field and row grows as rows × rows).
        created_at = [a.created_at for a in to_update]
        Assessment.objects.bulk_create(
            to_update, update_conflicts=True, unique_fields=["pk"], update_fields=_DRAFT_FIELDS
        )
        for assessment, when in zip(to_update, created_at, strict=True):
            assessment.created_at = when  # the insert half set it on the objects; the rows keep theirs
    return Upserted(patrollers=len(rows), created=len(new), refreshed=len(to_update))


# From this many new drafts on, PostgreSQL gets them by COPY (the monthly command's chunks); fewer (a township's
# prepare, a spot check) go through bulk_create. The rows written are the same either way (tests compare them).
COPY_FROM = 1000


def _insert_drafts(*, level: str, month: date, new: list[tuple[selectors.MonthRow, rules.Suggestion]], actor) -> None:
    """INSERT the new drafts and one "prepare" history row for each.

    A patroller of two townships (moved mid-month) prepared by both at the same moment: the second insert fails
    on assessment_one_per_patroller_month_level and the caller runs the prepare again (it then finds the row).
    Every other conflict is excluded by the township locks.
    """
    # Month, level, status and the creator are the same on every row: one full_clean (fields, choices, the
    # month's 1st day) checks them for the batch.
    first_row, first_suggestion = new[0]
    _clean_for_bulk(_new_draft(row=first_row, month=month, level=level, suggestion=first_suggestion, actor=actor))
    if connection.vendor == "postgresql" and len(new) >= COPY_FROM:
        _copy_drafts(level=level, month=month, new=new, actor=actor)
        return
    drafts = [_new_draft(row=row, month=month, level=level, suggestion=s, actor=actor) for row, s in new]
    Assessment.objects.bulk_create(drafts)
    if any(a.pk is None for a in drafts):  # a database that cannot return ids from a bulk insert
        ids = dict(
            Assessment.objects.filter(
                patroller_id__in=[a.patroller_id for a in drafts], month=month, level=level
            ).values_list("patroller_id", "pk")
        )
        for draft in drafts:
            draft.pk = ids[draft.patroller_id]
    AssessmentChange.objects.bulk_create(
        AssessmentChange(
            assessment_id=a.pk,
            action=AssessmentChange.Action.PREPARE,
            user=actor,
            new=_prepared_snapshot(a.suggested, a.total),
        )
        for a in drafts
    )


def _prepared_snapshot(parts: dict[str, int], total: int) -> dict[str, int]:
    return {**parts, "total": total}


# Every column of the two tables, in COPY order; tests/assessments/test_prepare_month.py holds these equal to the
# models' concrete fields, so a field added later cannot be left out silently.
DRAFT_COPY_COLUMNS = (
    "id",
    "patroller_id",
    "month",
    "level",
    "township_id",
    "county_id",
    "appearance",
    "daily_work",
    "records",
    "total",
    "grade",
    "passed",
    "suggested_appearance",
    "suggested_daily_work",
    "suggested_records",
    "explanation",
    "facts",
    "reasons",
    "edited",
    "status",
    "finalized_at",
    "finalized_by_id",
    "created_by_id",
    "created_at",
    "updated_at",
)
CHANGE_COPY_COLUMNS = ("id", "assessment_id", "action", "user_id", "at", "old", "new", "reason")


def _copy_drafts(*, level: str, month: date, new: list[tuple[selectors.MonthRow, rules.Suggestion]], actor) -> None:
    """The same rows as the bulk_create branch, sent with COPY (PostgreSQL): ids drawn from the tables' sequences
    first (1 query), then one COPY per table. bulk_create's cost per row is mostly the client-side quoting of the
    explanation's JSON inside PostgreSQL array literals (about 0.15 ms per draft); COPY's text format is written by
    psycopg's C code. Values as the model would store them: JSON as text, defaults spelled out."""
    now = timezone.now()
    actor_id = actor.pk if actor is not None else None
    draft, change = Assessment._meta.db_table, AssessmentChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')), nextval(pg_get_serial_sequence(%s, 'id'))"
            " FROM generate_series(1, %s)",
            [draft, change, len(new)],
        )
        ids = cursor.fetchall()
        copy = cursor.cursor.copy  # psycopg's cursor under Django's wrapper
        with copy(f"COPY {draft} ({', '.join(DRAFT_COPY_COLUMNS)}) FROM STDIN") as out:
            for (pk, _change_pk), (row, suggestion) in zip(ids, new, strict=True):
                parts = suggestion.parts
                total = sum(parts.values())
                out.write_row(
                    (
                        pk,
                        row.patroller_id,
                        month,
                        level,
                        row.township_id,
                        row.county_id,
                        parts["appearance"],
                        parts["daily_work"],
                        parts["records"],
                        total,
                        rules.grade(total),
                        rules.passed(total),
                        parts["appearance"],
                        parts["daily_work"],
                        parts["records"],
                        json.dumps(suggestion.explanation, ensure_ascii=False),
                        json.dumps(row.facts.as_dict()),
                        "{}",
                        False,
                        Assessment.Status.DRAFT.value,
                        None,
                        None,
                        actor_id,
                        now,
                        now,
                    )
                )
        with copy(f"COPY {change} ({', '.join(CHANGE_COPY_COLUMNS)}) FROM STDIN") as out:
            for (pk, change_pk), (_row, suggestion) in zip(ids, new, strict=True):
                snapshot = json.dumps(_prepared_snapshot(suggestion.parts, sum(suggestion.parts.values())))
                out.write_row((change_pk, pk, AssessmentChange.Action.PREPARE.value, actor_id, now, None, snapshot, ""))
