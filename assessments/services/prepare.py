"""Preparing a month: a township office's drafts (assessments_prepare) and the whole city's or a county's at once
(assessments_prepare_month, the monthly command): the same facts (selectors.month_facts), the same writes
(upsert_drafts)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments import rules, selectors
from assessments.models import Assessment
from assessments.services.common import refuse_future_month, today
from assessments.services.drafts import Upserted, upsert_drafts
from rivers.models import County, Township


def _lock_townships(township_ids: list[int]) -> None:
    """Lock the townships' rows in id order: a township's prepare and the monthly command queue on the rows they
    share instead of writing the same drafts twice (and never deadlock, all taking them in the same order)."""
    list(Township.objects.select_for_update().filter(pk__in=township_ids).order_by("pk").values_list("pk", flat=True))


def _write_drafts(*, rows: list[selectors.MonthRow], month: date, by) -> Upserted:
    """The township-level drafts of `rows`, and the county's drafts of the same people refreshed from the same
    facts (every draft follows the current facts, SPEC §6; a county draft is never created here)."""
    upserted = upsert_drafts(level=Assessment.Level.TOWNSHIP, month=month, rows=rows, by=by)
    upsert_drafts(level=Assessment.Level.COUNTY, month=month, rows=rows, by=by, create=False)
    return upserted


def _prepare_townships(*, township_ids: list[int], month: date, by) -> Upserted:
    """The one implementation behind a township's prepare and the monthly command (inside the caller's
    transaction): lock the townships, read the facts of every patroller under contract there in the month
    (3 queries), write the drafts (_write_drafts). A month in which nobody has a contract day gets nothing."""
    _lock_townships(township_ids)
    rows = selectors.month_facts(month=month, through=today(), township_ids=township_ids)
    if not rows:
        raise ValidationError(
            {
                "month": [
                    _("%(month)s本乡镇(街道)没有在合同期内的巡察员，无需生成考评表。")
                    % {"month": rules.month_text(month)}
                ]
            }
        )
    return _write_drafts(rows=rows, month=month, by=by)


def atomic_retrying_once(work):
    """Run `work` in a transaction; once more if a unique constraint refused a draft (see upsert_drafts: a
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

    Answers the township's assessments of the month (township level), drafts and finals. A month in which no
    patroller of the township has a contract day is refused (400 under `month`): it has nobody to assess, and an
    empty sheet must not turn into failing months. The county's drafts of the same people are refreshed too.
    Queries do not grow with the number of patrollers: the township lock, 3 for the facts, 1 for the existing
    rows, then only what there is to write (one insert of new drafts, one of their history rows, one upsert of
    drafts whose suggestion changed), 1 for the county's drafts (and one upsert if any changed), and the answer.
    """
    if not (getattr(by, "role", None) == Role.TOWNSHIP_OFFICE and by.township_id == township.pk):
        raise PermissionDenied(_("只有本乡镇(街道)河长办可以生成本乡镇的月度考评。"))
    refuse_future_month(month)

    def work() -> list[Assessment]:
        _prepare_townships(township_ids=[township.pk], month=month, by=by)
        return list(
            Assessment.objects.filter(township=township, month=month, level=Assessment.Level.TOWNSHIP)
            .select_related("patroller", "township", "county", "finalized_by")
            .order_by("patroller__name", "patroller_id")
        )

    return atomic_retrying_once(work)


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
    *,
    month: date,
    by=None,
    county: County | None = None,
    chunk: int = PREPARE_CHUNK,
    progress: Callable[[int, int, PreparedMonth], None] | None = None,
) -> PreparedMonth:
    """Township-level drafts for every township of the city (or of `county`): the monthly cron
    (`manage.py prepare_assessments`). The same drafts as every township office's own prepare (the same facts,
    suggestions and writes: selectors.month_facts and upsert_drafts), in a number of statements that grows with
    chunks of about `chunk` patrollers, not with townships or patrollers: the month's facts of the whole city (or
    county) first, in one read of 3 queries (on PostgreSQL with JIT off), then each chunk of whole townships is
    locked (as a township's prepare locks its township) and written (at most 4 statements) in its own transaction.

    The facts are read before the chunks are locked: a township office preparing the same month at that moment
    may write drafts from a log newer than this read; a chunk then refreshes them from its (one second older)
    facts, and the next prepare brings them up to date again. Scores set by the office and final assessments are
    never touched (upsert_drafts).

    `by` is None when the system runs it (the command), else the city office or the county office of `county`.
    Drafts and their history rows then name nobody as creator.

    `progress(done, total, result)`, when given, is called once the facts are read (done 0) and after each chunk's
    transaction commits (done = chunks written of `total`; `result` holds the counts so far): the command prints it.
    """
    role = getattr(by, "role", None)
    allowed = by is None or role == Role.CITY_OFFICE
    allowed = allowed or (county is not None and role == Role.COUNTY_OFFICE and by.county_id == county.pk)
    if not allowed:
        raise PermissionDenied(_("只有市河长办(或本县河长办)可以批量生成月度考评。"))
    refuse_future_month(month)
    rows = _city_facts(month=month, county=county)
    by_township: dict[int, list[selectors.MonthRow]] = defaultdict(list)
    for row in rows:
        by_township[row.township_id].append(row)
    result = PreparedMonth(month=month, townships=len(by_township))
    chunks: list[list[int]] = []
    batch: list[int] = []
    batched = 0
    for township_id in sorted(by_township):
        batch.append(township_id)
        batched += len(by_township[township_id])
        if batched >= chunk:
            chunks.append(batch)
            batch, batched = [], 0
    if batch:
        chunks.append(batch)

    if progress is not None:
        progress(0, len(chunks), result)
    for ids in chunks:
        chunk_rows = [row for township_id in ids for row in by_township[township_id]]
        upserted = atomic_retrying_once(
            lambda ids=ids, chunk_rows=chunk_rows: _write_chunk(township_ids=ids, rows=chunk_rows, month=month, by=by)
        )
        result.patrollers += upserted.patrollers
        result.created += upserted.created
        result.refreshed += upserted.refreshed
        result.transactions += 1
        if progress is not None:
            progress(result.transactions, len(chunks), result)
    return result


def _city_facts(*, month: date, county: County | None) -> list[selectors.MonthRow]:
    """The month's facts of every patroller of the city (or of `county`): 3 queries (selectors.month_facts)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The city's log aggregate is estimated costly enough for PostgreSQL to JIT-compile it with optimisation
            # and inlining (jit_above_cost …), which takes longer than running it (measured at province scale:
            # 5.7 s with JIT against 4.8 s without). For this transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return selectors.month_facts(month=month, through=today(), county_id=county.pk if county is not None else None)


def _write_chunk(*, township_ids: list[int], rows: list[selectors.MonthRow], month: date, by) -> Upserted:
    """One chunk of the month (inside its transaction): lock its townships, as a township's prepare does, and write
    their drafts (a township without a contract day in the month has no row here and gets nothing)."""
    _lock_townships(township_ids)
    return _write_drafts(rows=rows, month=month, by=by)


def refresh_drafts(*, month: date, patroller_ids: list[int], by, through: date | None = None) -> set[int]:
    """Recompute from the current facts the suggestions of the given patrollers' drafts of one month, at every
    level (after a supervision report is decided, before finalizing). Drafts nobody scored follow their
    suggestion; final assessments never change. Answers the patrollers that have a draft but no contract day in
    the month any more (a contract cancelled since): they must not be finalized. At most 1 + 3 + 2 × 2 queries."""
    drafts = list(
        Assessment.objects.filter(patroller_id__in=patroller_ids, month=month, status=Assessment.Status.DRAFT)
        .order_by()
        .values_list("patroller_id", "level")
        .distinct()
    )
    if not drafts:
        return set()
    rows = selectors.month_facts(
        month=month, through=through or today(), patroller_ids=sorted({pk for pk, _level in drafts})
    )
    for level in sorted({level for _pk, level in drafts}):
        upsert_drafts(level=level, month=month, rows=rows, by=by, create=False)
    return {pk for pk, _level in drafts} - {row.patroller_id for row in rows}


def refresh_draft_suggestions(*, patroller_id: int, month: date, by) -> None:
    """Recompute the suggestions of a patroller's drafts of one month (after a supervision report is decided)."""
    refresh_drafts(month=month, patroller_ids=[patroller_id], by=by)
