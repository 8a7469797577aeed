"""Writes for monthly assessments, spot checks, corrections, dismissal flags and supervision reports (SPEC §6–§7).

Every function is keyword-only and atomic. Who may act is decided here once and raised as PermissionDenied (403);
bad input as ValidationError with Chinese messages (400). Writes that touch one patroller's outcomes lock the
patroller row first, so two finalizations of the same person run one after the other and the second one sees the
first's result when it evaluates the dismissal rule.
"""

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments import rules, selectors
from assessments.models import (
    PARTS,
    Assessment,
    AssessmentChange,
    Correction,
    DismissalFlag,
    SpotCheckDraw,
    SupervisionReport,
)
from rivers.models import County, Township
from staffing import selectors as staffing_selectors
from staffing import services as staffing_services
from staffing.models import Contract, Patroller

NON_FIELD = "non_field_errors"


@dataclass
class FlagChanges:
    """What evaluating the dismissal rule did to a patroller's flags."""

    raised: list[DismissalFlag] = field(default_factory=list)
    withdrawn: list[DismissalFlag] = field(default_factory=list)


@dataclass
class Finalized:
    assessment: Assessment
    flags: FlagChanges


@dataclass
class Drawn:
    draw: SpotCheckDraw
    assessments: list[Assessment]
    created: bool


@dataclass
class Approved:
    correction: Correction
    assessment: Assessment
    flags: FlagChanges


@dataclass
class Dismissed:
    flag: DismissalFlag
    termination: staffing_services.Termination | None


# --- helpers -------------------------------------------------------------------------------------------------


def _actor(user) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


def _today() -> date:
    return timezone.localdate()


def _lock(patroller_id: int) -> Patroller:
    """Lock the patroller row for the rest of the transaction (a no-op on SQLite, whose writes are serialised)."""
    return Patroller.objects.select_for_update().get(pk=patroller_id)


def _snapshot(assessment: Assessment) -> dict[str, Any]:
    return {
        **assessment.scores,
        "total": assessment.total,
        "grade": assessment.grade,
        "passed": assessment.passed,
        "reasons": dict(assessment.reasons),
        "status": assessment.status,
    }


def _change(*, assessment: Assessment, action: str, by, old=None, new=None, reason: str = "") -> AssessmentChange:
    change = AssessmentChange(assessment=assessment, action=action, user=_actor(by), old=old, new=new, reason=reason)
    _save(change)
    return change


def _set_scores(assessment: Assessment, scores: dict[str, int]) -> None:
    for part in PARTS:
        setattr(assessment, part, scores[part])
    assessment.total = sum(scores[part] for part in PARTS)
    assessment.grade = rules.grade(assessment.total)
    assessment.passed = rules.passed(assessment.total)


def _set_suggestion(assessment: Assessment, suggestion: rules.Suggestion, facts: rules.MonthFacts) -> None:
    for part in PARTS:
        setattr(assessment, f"suggested_{part}", suggestion.parts[part])
    assessment.explanation = suggestion.explanation
    assessment.facts = facts.as_dict()


def _month_problem(month: date) -> None:
    if month > rules.month_start(_today()):
        raise ValidationError({"month": [_("不能为尚未开始的月份考评。")]})


def _require_owner(by, assessment: Assessment) -> None:
    if not selectors.owns(by, assessment):
        if assessment.level == Assessment.Level.TOWNSHIP:
            raise PermissionDenied(_("乡级考评由巡察员所在乡镇(街道)的河长办评分。"))
        raise PermissionDenied(_("县级抽考由所在县(市、区)的河长办评分。"))


def _clean_reasons(reasons: Any) -> dict[str, str]:
    if reasons is None:
        return {}
    if not isinstance(reasons, dict) or any(part not in PARTS for part in reasons):
        raise ValidationError({"reasons": [_("理由应按评分项填写：appearance、daily_work、records。")]})
    cleaned = {}
    for part, text in reasons.items():
        if text is not None and not isinstance(text, str):
            raise ValidationError({"reasons": [_("理由应为文字。")]})
        if text and len(text) > 1000:
            raise ValidationError({"reasons": [_("理由不能超过1000字。")]})
        cleaned[part] = (text or "").strip()
    return cleaned


def _merged_scores(current: dict[str, int], scores: Any) -> dict[str, Any]:
    if scores is None:
        return dict(current)
    if not isinstance(scores, dict) or any(part not in PARTS for part in scores):
        raise ValidationError({"scores": [_("评分应按评分项填写：appearance、daily_work、records。")]})
    return {**current, **scores}


def _validated(scores: dict[str, Any], suggested: dict[str, int], reasons: dict[str, str]) -> None:
    """Range of every part (400 under `scores`), then a reason for every part far from its suggestion (400
    under `reasons`)."""
    range_errors = rules.range_errors(scores)
    if range_errors:
        raise ValidationError({"scores": [message for part in PARTS for message in range_errors.get(part, [])]})
    missing = rules.missing_reason_errors(scores, suggested, reasons)
    if missing:
        raise ValidationError({"reasons": [message for part in PARTS for message in missing.get(part, [])]})


def _merge_reasons(current: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    merged = {**current, **new}
    return {part: text for part, text in merged.items() if text}


# --- drafts ----------------------------------------------------------------------------------------------------

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
    """What _upsert_drafts did: how many patrollers it saw, how many drafts it created and refreshed."""

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
    _set_scores(assessment, parts)
    return assessment


def _upsert_drafts(*, level: str, month: date, rows: list[selectors.MonthRow], by) -> Upserted:
    """Create the missing drafts and refresh the suggestions of existing drafts, in a fixed number of queries.

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
    actor = _actor(by)
    new: list[tuple[selectors.MonthRow, rules.Suggestion]] = []
    to_update: list[Assessment] = []
    for row in rows:
        suggestion = rules.suggest(row.facts, part_weights=weights)
        assessment = existing.get(row.patroller_id)
        if assessment is None:
            # Checked with the rules here (0–weight, whole points), not with a field-by-field full_clean per row:
            # the drafts' other values are the same on every row (checked once in _insert_drafts) and the database
            # checks total = sum and the bounds again (named constraints).
            _check_parts(suggestion.parts, weights)
            new.append((row, suggestion))
            continue
        facts = row.facts.as_dict()
        if not assessment.is_final and _suggestion_changed(assessment, suggestion, facts):
            _set_suggestion(assessment, suggestion, row.facts)
            if not assessment.edited:
                _set_scores(assessment, suggestion.parts)
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


def _lock_townships(township_ids: list[int]) -> None:
    """Lock the townships' rows in id order: a township's prepare and the monthly command queue on the rows they
    share instead of writing the same drafts twice (and never deadlock, all taking them in the same order)."""
    list(Township.objects.select_for_update().filter(pk__in=township_ids).order_by("pk").values_list("pk", flat=True))


def _prepare_townships(*, township_ids: list[int], month: date, by) -> Upserted:
    """The one implementation behind a township's prepare and the monthly command (inside the caller's
    transaction): lock the townships, read the facts of every patroller under contract there in the month
    (3 queries), write the drafts (_upsert_drafts)."""
    _lock_townships(township_ids)
    rows = selectors.month_facts(month=month, through=_today(), township_ids=township_ids)
    return _upsert_drafts(level=Assessment.Level.TOWNSHIP, month=month, rows=rows, by=by)


def _atomic_retrying_once(work):
    """Run `work` in a transaction; once more if a unique constraint refused a draft (see _upsert_drafts: a
    patroller of two townships prepared by both at the same moment). The second run finds the other's row."""
    try:
        with transaction.atomic():
            return work()
    except IntegrityError:
        with transaction.atomic():
            return work()


def assessments_prepare(*, township: Township, month: date, by) -> list[Assessment]:
    """Township-level drafts with suggested scores for every patroller of the township under contract in
    `month` (idempotent: running it again creates nothing new and refreshes the drafts' suggestions).

    Answers the township's assessments of the month (township level), drafts and finals.
    Queries do not grow with the number of patrollers: the township lock, 3 for the facts, 1 for the existing
    rows, then only what there is to write (one insert of new drafts, one of their history rows, one upsert of
    drafts whose suggestion changed), and the answer.
    """
    if not (getattr(by, "role", None) == Role.TOWNSHIP_OFFICE and by.township_id == township.pk):
        raise PermissionDenied(_("只有本乡镇(街道)河长办可以生成本乡镇的月度考评。"))
    _month_problem(month)

    def work() -> list[Assessment]:
        _prepare_townships(township_ids=[township.pk], month=month, by=by)
        return list(
            Assessment.objects.filter(township=township, month=month, level=Assessment.Level.TOWNSHIP)
            .select_related("patroller", "township", "county", "finalized_by")
            .order_by("patroller__name", "patroller_id")
        )

    return _atomic_retrying_once(work)


@dataclass
class PreparedMonth:
    """What the monthly prepare of many townships did (counts of township-level rows of the month)."""

    month: date
    townships: int = 0  # townships with at least one patroller under contract in the month
    patrollers: int = 0
    created: int = 0  # new drafts
    refreshed: int = 0  # existing drafts whose suggestion changed
    transactions: int = 0  # chunks of townships, each prepared in its own transaction


PREPARE_CHUNK = 5000  # patrollers per transaction of the monthly command (a county or a few of them)


def assessments_prepare_month(
    *, month: date, by=None, county: County | None = None, chunk: int = PREPARE_CHUNK
) -> PreparedMonth:
    """Township-level drafts for every township of the city (or of `county`): the monthly cron
    (`manage.py prepare_assessments`). Exactly what each township office's prepare does — the same function
    (_prepare_townships) on several townships at once — so the queries are per chunk of about `chunk` patrollers,
    not per township: one query counts the month's patrollers per township, then each chunk of whole townships
    is locked, read (3 queries) and written (at most 4) in its own transaction (on PostgreSQL, with JIT off).

    `by` is None when the system runs it (the command), else the city office or the county office of `county`.
    Drafts and their history rows then name nobody as creator.
    """
    role = getattr(by, "role", None)
    allowed = by is None or role == Role.CITY_OFFICE
    allowed = allowed or (county is not None and role == Role.COUNTY_OFFICE and by.county_id == county.pk)
    if not allowed:
        raise PermissionDenied(_("只有市河长办(或本县河长办)可以批量生成月度考评。"))
    _month_problem(month)
    last = min(_today(), rules.month_end(month))
    contracts = selectors.contracts_in_month(month=month, through=last)
    if county is not None:
        contracts = contracts.filter(segment__township__county_id=county.pk)
    sizes = dict(
        contracts.order_by()
        .values_list("segment__township_id")
        .annotate(n=Count("patroller_id", distinct=True))
        .values_list("segment__township_id", "n")
    )
    result = PreparedMonth(month=month, townships=len(sizes))
    batch: list[int] = []
    batched = 0
    ordered = sorted(sizes)
    for township_id in ordered:
        batch.append(township_id)
        batched += sizes[township_id]
        if batched >= chunk or township_id == ordered[-1]:
            ids = list(batch)
            upserted = _atomic_retrying_once(lambda ids=ids: _prepare_chunk(township_ids=ids, month=month, by=by))
            result.patrollers += upserted.patrollers
            result.created += upserted.created
            result.refreshed += upserted.refreshed
            result.transactions += 1
            batch, batched = [], 0
    return result


def _prepare_chunk(*, township_ids: list[int], month: date, by) -> Upserted:
    if connection.vendor == "postgresql":
        # A chunk's log aggregate is estimated costly enough for PostgreSQL to JIT-compile it with optimisation
        # and inlining (jit_above_cost …), which takes longer than the aggregate itself (measured: +0.3 s on a
        # 0.33 s chunk of 5 000 patrollers). For this transaction only; a township's aggregate stays below it.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    return _prepare_townships(township_ids=township_ids, month=month, by=by)


def _refresh_draft_suggestions(*, patroller_id: int, month: date, by) -> None:
    """Recompute the suggestions of a patroller's drafts of one month (after a supervision report is decided)."""
    levels = list(
        Assessment.objects.filter(patroller_id=patroller_id, month=month, status=Assessment.Status.DRAFT)
        .values_list("level", flat=True)
        .distinct()
    )
    if not levels:
        return
    rows = selectors.month_facts(month=month, through=_today(), patroller_ids=[patroller_id])
    for level in levels:
        _upsert_drafts(level=level, month=month, rows=rows, by=by)


@transaction.atomic
def assessment_update(
    *, assessment: Assessment, by, scores: dict[str, Any] | None = None, reasons: dict[str, Any] | None = None
) -> Assessment:
    """Set the final parts of a draft (any subset) and the reasons; the owning office only.

    400 under `scores` for a part outside 0–weight; under `reasons` for a part more than the gap (10 points)
    from its suggestion without a written reason; under `non_field_errors` once final (a final assessment
    changes only through a correction).
    """
    _require_owner(by, assessment)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_final:
        raise ValidationError({NON_FIELD: [_("考核已定稿，只能通过县级河长办批准的更正修改。")]})
    new_scores = _merged_scores(assessment.scores, scores)
    new_reasons = _merge_reasons(assessment.reasons, _clean_reasons(reasons))
    _validated(new_scores, assessment.suggested, new_reasons)
    old = _snapshot(assessment)
    _set_scores(assessment, new_scores)
    assessment.reasons = new_reasons
    assessment.edited = True
    _save(assessment)
    new = _snapshot(assessment)
    if new != old:
        _change(assessment=assessment, action=AssessmentChange.Action.UPDATE, by=by, old=old, new=new)
    return assessment


@transaction.atomic
def assessment_finalize(*, assessment: Assessment, by, now: datetime | None = None) -> Finalized:
    """Draft → final (the owning office), after the month is over; then the dismissal rule for the patroller.

    The month must be over; every part far from its suggestion must have its reason. Raises the dismissal flags
    the patroller's outcomes now trigger and withdraws open flags they no longer justify (a county result that
    prevails over a failing township result).
    """
    _require_owner(by, assessment)
    _lock(assessment.patroller_id)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_final:
        raise ValidationError({NON_FIELD: [_("该考核已经定稿。")]})
    if _today() < rules.next_month(assessment.month):
        raise ValidationError({NON_FIELD: [_("月份结束后才能定稿。")]})
    _validated(assessment.scores, assessment.suggested, assessment.reasons)
    old = _snapshot(assessment)
    _set_scores(assessment, assessment.scores)  # grade and pass mark as they stand today, frozen from now on
    assessment.status = Assessment.Status.FINAL
    assessment.finalized_at = now or timezone.now()
    assessment.finalized_by = _actor(by)
    _save(assessment)
    _change(assessment=assessment, action=AssessmentChange.Action.FINALIZE, by=by, old=old, new=_snapshot(assessment))
    flags = _evaluate_dismissal(patroller_id=assessment.patroller_id, by=by, cause=_("考核结果变化"))
    return Finalized(assessment=assessment, flags=flags)


# --- the dismissal rule ----------------------------------------------------------------------------------------


def _evaluate_dismissal(*, patroller_id: int, by, cause: str) -> FlagChanges:
    """Bring the patroller's flags in line with the dismissal rule over their month outcomes.

    A trigger with no open or confirmed flag raises one; an open flag whose trigger no longer holds is withdrawn;
    an open flag whose months changed is updated. Confirmed flags are history and never change.
    """
    patroller = Patroller.objects.select_related("township").get(pk=patroller_id)
    triggers = {
        (t.rule, t.trigger_month): t for t in rules.dismissal_triggers(selectors.month_outcomes(patroller=patroller))
    }
    flags = list(patroller.dismissal_flags.exclude(status=DismissalFlag.Status.WITHDRAWN).order_by("raised_at", "id"))
    changes = FlagChanges()
    covered = set()
    now = timezone.now()
    for flag in flags:
        key = (flag.rule, flag.trigger_month)
        if flag.status == DismissalFlag.Status.CONFIRMED:
            covered.add(key)
            continue
        trigger = triggers.get(key)
        if trigger is None:
            flag.status = DismissalFlag.Status.WITHDRAWN
            flag.withdrawn_at = now
            flag.withdrawn_reason = _("%(cause)s，不再满足辞退条件。") % {"cause": cause}
            _save(flag)
            changes.withdrawn.append(flag)
            continue
        covered.add(key)
        months = [rules.month_label(m) for m in trigger.months]
        if flag.months != months:
            flag.months = months
            _save(flag)
    for key, trigger in triggers.items():
        if key in covered:
            continue
        flag = DismissalFlag(
            patroller=patroller,
            rule=trigger.rule,
            trigger_month=trigger.trigger_month,
            months=[rules.month_label(m) for m in trigger.months],
            township_id=patroller.township_id,
            county_id=patroller.township.county_id,
            raised_by=_actor(by),
        )
        _save(flag)
        changes.raised.append(flag)
    return changes


def _dismissal_reason(flag: DismissalFlag) -> str:
    return _("%(rule)s(%(months)s)，予以辞退(第九条)。") % {
        "rule": flag.get_rule_display(),
        "months": _("、").join(flag.months),
    }


@transaction.atomic
def dismissal_confirm(*, flag: DismissalFlag, by, on: date | None = None, reason: str = "") -> Dismissed:
    """The township office of the flag's township or the county office above it dismisses the patroller: the
    contract in force on `on` (default today) ends that day, the assignment ends, a vacancy opens for backfill
    (补聘) and a dismissal roster change waits to be filed. Every other open flag of the patroller is answered by
    the same dismissal and confirmed with it. No contract in force (it already ended): the flag is confirmed and
    nothing else changes."""
    if not selectors.may_dismiss(by, flag):
        raise PermissionDenied(_("只有巡察员所在乡镇(街道)或县(市、区)的河长办可以确认辞退。"))
    on = on or _today()
    patroller = _lock(flag.patroller_id)
    flag = DismissalFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != DismissalFlag.Status.OPEN:
        raise ValidationError(
            {NON_FIELD: [_("该辞退提示已处理(%(status)s)。") % {"status": flag.get_status_display()}]}
        )
    termination = None
    contract = staffing_selectors.contract_in_force(patroller=patroller, on=on)
    if contract is None and patroller.contracts.exclude(status=Contract.Status.TERMINATED).filter(end__gte=on):
        # A mistyped day must not confirm a dismissal that ends nothing while a contract runs on.
        raise ValidationError({"date": [_("该日期不在巡察员的合同期内，请选择合同期内的日期。")]})
    if contract is not None:
        termination = staffing_services.contract_terminate(
            contract=contract, on=on, reason=(reason or "").strip() or _dismissal_reason(flag), by=by
        )
    now = timezone.now()
    others = patroller.dismissal_flags.filter(status=DismissalFlag.Status.OPEN).exclude(pk=flag.pk)
    for each in [flag, *others]:
        each.status = DismissalFlag.Status.CONFIRMED
        each.confirmed_at = now
        each.confirmed_by = _actor(by)
        if termination is not None:
            each.contract = termination.contract
            each.vacancy = termination.vacancy
        _save(each)
    return Dismissed(flag=flag, termination=termination)


# --- county spot checks ----------------------------------------------------------------------------------------


@transaction.atomic
def spot_check_draw(*, county: County, month: date, by, seed: int | None = None) -> Drawn:
    """The county's sample for `month` (SPEC §6): at least SPOT_CHECK_SHARE of its patrollers under contract
    that month (rounded up) and at least one per township that has any, drawn at random with a recorded seed,
    favouring risk signals (rules.risk_weight). Creates county-level drafts for the sample.

    Drawing the same month again answers the recorded sample (created=False); so does a concurrent second draw.
    """
    if not (getattr(by, "role", None) == Role.COUNTY_OFFICE and by.county_id == county.pk):
        raise PermissionDenied(_("只有本县(市、区)河长办可以抽取本县的抽考名单。"))
    _month_problem(month)
    # Concurrent draws of one county queue here: the second finds the first's record.
    County.objects.select_for_update().filter(pk=county.pk).first()
    existing = SpotCheckDraw.objects.filter(county=county, month=month).first()
    if existing is not None:
        return Drawn(draw=existing, assessments=_drawn_assessments(existing), created=False)

    rows = selectors.month_facts(month=month, through=_today(), county_id=county.pk)
    candidates = [rules.Candidate(row.patroller_id, row.township_id, rules.risk_weight(row.facts)) for row in rows]
    size = rules.spot_check_size(population=len(candidates), townships=len({c.township for c in candidates}))
    seed = secrets.randbits(52) if seed is None else seed
    drawn_ids = rules.weighted_draw(candidates, size=size, seed=seed)
    draw = SpotCheckDraw(
        county=county,
        month=month,
        seed=seed,
        patrollers=drawn_ids,
        weights={str(c.patroller): {"township": c.township, "weight": str(c.weight)} for c in candidates},
        population=len(candidates),
        drawn_by=_actor(by),
    )
    draw.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            draw.save()
    except IntegrityError:
        existing = SpotCheckDraw.objects.get(county=county, month=month)
        return Drawn(draw=existing, assessments=_drawn_assessments(existing), created=False)
    chosen = set(drawn_ids)
    _upsert_drafts(
        level=Assessment.Level.COUNTY, month=month, rows=[row for row in rows if row.patroller_id in chosen], by=by
    )
    return Drawn(draw=draw, assessments=_drawn_assessments(draw), created=True)


def _drawn_assessments(draw: SpotCheckDraw) -> list[Assessment]:
    found = {
        a.patroller_id: a
        for a in Assessment.objects.filter(
            patroller_id__in=draw.patrollers, month=draw.month, level=Assessment.Level.COUNTY
        ).select_related("patroller", "township", "county", "finalized_by")
    }
    return [found[pk] for pk in draw.patrollers if pk in found]


# --- corrections -----------------------------------------------------------------------------------------------


def _corrected_reasons(assessment: Assessment, scores: dict[str, Any], reasons: dict[str, str]) -> dict[str, str]:
    """A corrected part brings its own reason (the old one explained the old score); unchanged parts keep theirs."""
    kept = {part: text for part, text in assessment.reasons.items() if scores.get(part) == getattr(assessment, part)}
    return _merge_reasons(kept, reasons)


def _may_request_correction(by, assessment: Assessment) -> bool:
    if selectors.owns(by, assessment):
        return True
    return getattr(by, "role", None) == Role.COUNTY_OFFICE and by.county_id == assessment.county_id


@transaction.atomic
def correction_request(
    *, assessment: Assessment, by, scores: dict[str, Any], reason: str, reasons: dict[str, Any] | None = None
) -> Correction:
    """Ask to change a final assessment (the owning office, or the county office). Same ranges and reason rule
    as scoring; `reason` (why the correction) is required; one pending correction per assessment."""
    if not _may_request_correction(by, assessment):
        raise PermissionDenied(_("只有评分的河长办或所在县(市、区)河长办可以申请更正。"))
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.is_final:
        raise ValidationError({NON_FIELD: [_("草稿可以直接修改，无需申请更正。")]})
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": [_("请填写更正原因。")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("更正原因不能超过2000字。")]})
    new_scores = _merged_scores(assessment.scores, scores)
    new_reasons = _clean_reasons(reasons)
    _validated(new_scores, assessment.suggested, _corrected_reasons(assessment, new_scores, new_reasons))
    if new_scores == assessment.scores:
        raise ValidationError({"scores": [_("更正后的评分与原评分相同。")]})
    if assessment.corrections.filter(status=Correction.Status.PENDING).exists():
        raise ValidationError({NON_FIELD: [_("该考核已有待审批的更正申请。")]})
    correction = Correction(
        assessment=assessment, reasons=new_reasons, reason=reason.strip(), requested_by=by, **new_scores
    )
    _save(correction)
    return correction


def _require_county_approver(by, correction: Correction) -> None:
    if not (getattr(by, "role", None) == Role.COUNTY_OFFICE and by.county_id == correction.assessment.county_id):
        raise PermissionDenied(_("更正须由县级河长办审批。"))


def _pending(correction: Correction) -> Correction:
    correction = Correction.objects.select_for_update().select_related("assessment").get(pk=correction.pk)
    if correction.status != Correction.Status.PENDING:
        raise ValidationError({NON_FIELD: [_("该更正申请已审批。")]})
    return correction


@transaction.atomic
def correction_approve(*, correction: Correction, by, note: str = "") -> Approved:
    """The county office approves: the final assessment takes the corrected parts (grade and pass recomputed),
    the change is kept (who approved, who asked, old, new, why), and the dismissal rule runs again for the
    patroller: a month that no longer fails withdraws open flags, a month that now fails raises one."""
    _require_county_approver(by, correction)
    _lock(correction.assessment.patroller_id)
    correction = _pending(correction)
    assessment = Assessment.objects.select_for_update().get(pk=correction.assessment_id)
    reasons = _corrected_reasons(assessment, correction.scores, correction.reasons)
    # The weights or the gap may have changed since the request: the same rules once more.
    _validated(correction.scores, assessment.suggested, reasons)
    old = _snapshot(assessment)
    _set_scores(assessment, correction.scores)
    assessment.reasons = reasons
    _save(assessment)
    _change(
        assessment=assessment,
        action=AssessmentChange.Action.CORRECTION,
        by=by,
        old=old,
        new={**_snapshot(assessment), "requested_by": correction.requested_by_id, "correction": correction.pk},
        reason=correction.reason,
    )
    correction.status = Correction.Status.APPROVED
    correction.decided_by = _actor(by)
    correction.decided_at = timezone.now()
    correction.decision_note = (note or "").strip()
    _save(correction)
    flags = _evaluate_dismissal(
        patroller_id=assessment.patroller_id,
        by=by,
        cause=_("%(month)s考核结果已更正") % {"month": rules.month_label(assessment.month)},
    )
    return Approved(correction=correction, assessment=assessment, flags=flags)


@transaction.atomic
def correction_reject(*, correction: Correction, by, note: str = "") -> Correction:
    _require_county_approver(by, correction)
    correction = _pending(correction)
    correction.status = Correction.Status.REJECTED
    correction.decided_by = _actor(by)
    correction.decided_at = timezone.now()
    correction.decision_note = (note or "").strip()
    _save(correction)
    return correction


# --- supervision reports (第十二条) -----------------------------------------------------------------------------


@transaction.atomic
def supervision_report_file(*, by, patroller: Patroller, observed_on: date, text: str) -> SupervisionReport:
    """A village chief (patrollers on segments through their village) or a volunteer supervisor (active
    patrollers of their township) reports that a patroller is not doing the job."""
    if getattr(by, "role", None) not in (Role.SUPERVISOR, Role.VILLAGE_CHIEF):
        raise PermissionDenied(_("监督报告由村级河长和义务监督员提交。"))
    if not selectors.reportable_patrollers(by).filter(pk=patroller.pk).exists():
        raise ValidationError({"patroller": [_("只能报告本人监督范围内的在岗巡察员。")]})
    if observed_on > _today():
        raise ValidationError({"observed_on": [_("发现日期不能晚于今天。")]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写情况说明。")]})
    township = Township.objects.get(pk=patroller.township_id)
    report = SupervisionReport(
        patroller=patroller,
        reporter=by,
        observed_on=observed_on,
        text=text,
        township=township,
        county_id=township.county_id,
    )
    _save(report)
    return report


def _decide(*, report: SupervisionReport, by, status: str, note: str) -> SupervisionReport:
    if not (getattr(by, "role", None) == Role.TOWNSHIP_OFFICE and by.township_id == report.township_id):
        raise PermissionDenied(_("监督报告由巡察员所在乡镇(街道)河长办核实。"))
    report = SupervisionReport.objects.select_for_update().get(pk=report.pk)
    if report.status != SupervisionReport.Status.PENDING:
        raise ValidationError({NON_FIELD: [_("该监督报告已核实处理。")]})
    report.status = status
    report.decided_by = _actor(by)
    report.decided_at = timezone.now()
    report.decision_note = (note or "").strip()
    _save(report)
    # Confirmed or rejected, the month's suggestion changes (complaints, confirmed reports): refresh drafts.
    _refresh_draft_suggestions(patroller_id=report.patroller_id, month=rules.month_start(report.observed_on), by=by)
    return report


@transaction.atomic
def supervision_report_confirm(*, report: SupervisionReport, by, note: str = "") -> SupervisionReport:
    """The township office confirms: the report lowers that month's suggested daily-work score."""
    return _decide(report=report, by=by, status=SupervisionReport.Status.CONFIRMED, note=note)


@transaction.atomic
def supervision_report_reject(*, report: SupervisionReport, by, note: str = "") -> SupervisionReport:
    return _decide(report=report, by=by, status=SupervisionReport.Status.REJECTED, note=note)
