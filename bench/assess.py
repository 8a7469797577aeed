"""Assessment benchmark (issue 5): prints figures; its database is created for the run and dropped afterwards.

    .venv/bin/python bench/assess.py [--database-url postgres://postgres@127.0.0.1:5432/river_bench]
                                     [--patrollers 50000] [--logs 1500000] [--townships N] [--large 400]
                                     [--chunk 5000] [--keep]

1. Generates a province-scale month on PostgreSQL with COPY: counties, townships (20 patrollers each on average,
   sizes 10–30, plus one township of 3 and one of `--large`), one office login per township, segments,
   patrollers under contract with their assignments, `--logs` patrol logs of last month (problems, escalations,
   evidence flags, photos with flags) and a few supervision reports.
2. Times one plain SQL aggregate computing the same log facts for every patroller of the month (best of three
   after one warm-up run, JIT on and off): the baseline of the goal (prepare ≤ 2× the aggregate).
3. Times, against that baseline, the two ways the month's drafts are made (drafts with the suggested scores for
   every patroller: facts, suggestions, inserts, history rows), from an empty assessments table each time:
   a. the per-township loop: `assessments.services.assessments_prepare` for every township, one after the other,
      as each township office's button or `POST /api/v1/assessments/prepare/` does;
   b. the set-based path: `assessments.services.assessments_prepare_month` for the whole city, as the monthly
      cron does (`manage.py prepare_assessments --month YYYY-MM`): the city's facts in one read, then the same
      writes as a township's prepare on chunks of whole townships (`--chunk` patrollers per transaction);
      then once more (idempotent: nothing to create).
4. Counts the SQL statements (COPY included) of each township's prepare — they must not grow with the number of
   patrollers of the township, so the smallest and the largest township are printed side by side — and of the
   set-based path (a fixed read, then a fixed number per chunk).

The database named in --database-url is DROPPED and created again: point it at a throwaway name.
"""

import argparse
import json
import math
import os
import platform
import random
import sys
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from common import Copier, all_fine, copy_patrollers, copy_places, log_copier, photo_copier, user_copier

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/river_bench"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 20181010  # the day the measures were issued (郑政文〔2018〕171号)

# Shares of a log's kind: most walks are clean; the rest carry what the suggestions count.
PROBLEM, ESCALATE, EVIDENCE_MISSING, NO_TRACK, LOW_COVERAGE, LATE, PHOTO_FLAG = 0.04, 0.35, 0.4, 0.05, 0.04, 0.2, 0.1
REPORTS = 0.005  # supervision reports per patroller in the month


# --- the province --------------------------------------------------------------------------------------------


def township_sizes(patrollers: int, townships: int, large: int, rng: random.Random) -> list[int]:
    """Patrollers per township: one of 3, one of `large`, the rest 10–30 around the average; exactly `patrollers`."""
    small = min(3, patrollers)
    large = max(small, min(large, patrollers - small))
    rest, others = patrollers - small - large, max(townships - 2, 0)
    if others == 0 or rest <= 0:
        return [n for n in (small, large + max(rest, 0)) if n]
    average = rest / others
    sizes = [max(1, round(average * rng.uniform(0.5, 1.5))) for _ in range(others)]
    difference = rest - sum(sizes)
    index = 0
    while difference:  # spread the rounding difference one by one
        step = 1 if difference > 0 else -1
        if sizes[index % others] + step >= 1:
            sizes[index % others] += step
            difference -= step
        index += 1
    return [small, *sizes, large]


def _checks(problem: str | None) -> str:
    values = all_fine()
    if problem is not None:
        values[problem] = {"surface_cleanliness": "dirty", "signboard": "damaged"}.get(problem, "problem")
    return json.dumps(values)


def generate(*, patrollers: int, logs: int, townships: int, large: int, month: date) -> dict:
    """The province, written with COPY; answers the counts and the seconds it took."""
    from django.db import connection

    from accounts.models import Role
    from assessments import rules
    from assessments.models import SupervisionReport
    from patrol import rules as patrol_rules
    from rivers.models import Segment

    started = time.perf_counter()
    rng = random.Random(SEED)
    sizes = township_sizes(patrollers, townships, large, rng)
    counties = max(1, math.ceil(len(sizes) / 15))
    now = datetime.now(tz=SHANGHAI).isoformat()
    last = rules.month_end(month)
    days = (last - month).days + 1
    contract_start = month - timedelta(days=120)
    contract_end = date(contract_start.year + 1, contract_start.month, contract_start.day) - timedelta(days=1)
    check_codes = list(patrol_rules.CHECKS)
    counts: Counter = Counter()

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor underneath, for COPY
        township_county = [(t - 1) % counties + 1 for t in range(1, len(sizes) + 1)]
        copy_places(cursor, township_county)
        with user_copier(cursor) as out:
            for t, county in enumerate(township_county, start=1):
                out.add(t, f"office{t}", Role.TOWNSHIP_OFFICE, f"乡镇{t}河长办", county, t)

        segment_of: list[tuple[int, int]] = []  # per patroller: (township, segment)
        with Copier(cursor, Segment, ["id", "code", "name", "township_id"], water_body_id=1, length_km="5.00") as out:
            segment_id = 0
            for t, size in enumerate(sizes, start=1):
                ids = []
                for _ in range(max(1, math.ceil(size / 5))):
                    segment_id += 1
                    ids.append(segment_id)
                    out.add(segment_id, f"S{segment_id:07d}", f"基准河段{segment_id}", t)
                segment_of.extend((t, ids[i % len(ids)]) for i in range(size))
        counts["segments"] = segment_id
        copy_patrollers(cursor, [(township_county[t - 1], t, s) for t, s in segment_of], contract_start, contract_end)

        clean = _checks(None)
        problems = {code: _checks(code) for code in check_codes}
        per, extra = divmod(logs, len(segment_of))
        photos: list[tuple] = []
        log_id = 0
        with log_copier(cursor) as out:
            for p, (_t, segment) in enumerate(segment_of, start=1):
                wanted = min(days, per + (1 if p <= extra else 0))
                for day in sorted(rng.sample(range(days), wanted)):
                    log_id += 1
                    on = month + timedelta(days=day)
                    started_at = datetime.combine(on, clock(8), tzinfo=SHANGHAI) + timedelta(minutes=rng.randrange(240))
                    ended_at = started_at + timedelta(minutes=60 + rng.randrange(60))
                    flags: list[str] = []
                    actions: list[str] = []
                    checks = clean
                    created_at = ended_at + timedelta(minutes=5)
                    if rng.random() < NO_TRACK:
                        flags.append("no_track")
                    elif rng.random() < LOW_COVERAGE:
                        flags.append("low_coverage")
                    if rng.random() < PROBLEM:
                        problem = rng.choice(check_codes)
                        checks = problems[problem]
                        actions = ["stopped"]
                        if rng.random() < ESCALATE:
                            actions.append("escalated")
                            if rng.random() < LATE:
                                created_at = ended_at + timedelta(hours=30)
                        if rng.random() < EVIDENCE_MISSING:
                            flags.insert(0, "evidence_missing")
                        else:
                            photos.append((log_id, problem, created_at, rng.random() < PHOTO_FLAG))
                    flag_order = [f for f in patrol_rules.LOG_FLAGS if f in flags]
                    out.add(
                        log_id,
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        p,
                        segment,
                        on,
                        started_at.isoformat(),
                        ended_at.isoformat(),
                        checks,
                        "[" + ", ".join(f'"{a}"' for a in actions) + "]",
                        None if "no_track" in flags else round(0.4 + 0.6 * rng.random(), 3),
                        "[" + ", ".join(f'"{f}"' for f in flag_order) + "]",
                        created_at.isoformat(),
                        created_at.isoformat(),
                    )
        counts["logs"] = log_id
        with photo_copier(cursor) as out:
            for n, (log, problem, created_at, flagged) in enumerate(photos, start=1):
                name = f"bench/{n}.jpg"
                flags_text = '["no_exif"]' if flagged else "[]"
                out.add(
                    n, log, uuid.UUID(int=rng.getrandbits(128), version=4), name, name, f"{n:064x}", f"{n:016x}",
                    problem, flags_text, created_at.isoformat(),
                )  # fmt: skip
        counts["photos"] = len(photos)

        report_columns = ["id", "patroller_id", "reporter_id", "observed_on", "status", "township_id", "county_id",
                          "decided_at"]  # fmt: skip
        with Copier(cursor, SupervisionReport, report_columns, text="未见巡河") as out:
            reported = rng.sample(range(1, len(segment_of) + 1), int(len(segment_of) * REPORTS))
            for n, p in enumerate(reported, start=1):
                t = segment_of[p - 1][0]
                status = rng.choice(["pending", "confirmed", "rejected"])
                decided = None if status == "pending" else now
                on = month + timedelta(days=rng.randrange(days))
                out.add(n, p, t, on, status, t, township_county[t - 1], decided)
            counts["reports"] = len(reported)

        cursor.execute("ANALYZE")
    counts.update(townships=len(sizes), counties=counties, patrollers=len(segment_of))
    return {"counts": counts, "sizes": sizes, "seconds": time.perf_counter() - started}


# --- the measurements ------------------------------------------------------------------------------------------


def plain_aggregate_sql() -> str:
    """The month's log facts for every patroller in one statement: what `month_facts` computes per township."""
    from django.conf import settings

    from assessments.selectors import HANDLING_ACTIONS
    from patrol import rules as patrol_rules

    problem = " OR ".join(
        f"checks->>'{code}' IN ({', '.join(repr(v) for v in values if v not in patrol_rules.OK_VALUES)})"
        for code, (_label, values) in patrol_rules.CHECKS.items()
    )
    handled = "actions ?| array[" + ", ".join(repr(code) for code in HANDLING_ACTIONS) + "]"
    hours = int(settings.RIVER.get("ESCALATION_ON_TIME_HOURS", 24))
    return f"""
        SELECT patroller_id,
               count(*) AS logs,
               count(DISTINCT date) AS days_patrolled,
               count(DISTINCT date) FILTER (WHERE ({problem}) AND NOT ({handled})) AS days_unhandled,
               count(*) FILTER (WHERE flags <> '[]'::jsonb OR EXISTS (
                   SELECT 1 FROM patrol_photo ph WHERE ph.log_id = l.id AND ph.flags <> '[]'::jsonb)) AS logs_flagged,
               count(*) FILTER (WHERE {problem}) AS problem_logs,
               count(*) FILTER (WHERE ({problem}) AND NOT flags ? 'evidence_missing') AS problem_logs_with_evidence,
               count(*) FILTER (WHERE actions ? 'escalated') AS escalations,
               count(*) FILTER (WHERE actions ? 'escalated'
                                  AND created_at <= ended_at + interval '{hours} hours') AS escalations_on_time
          FROM patrol_patrollog l
         WHERE date BETWEEN %s AND %s
         GROUP BY patroller_id
    """  # noqa: S608 - built from the app's own vocabulary, no outside input


def time_plain_aggregate(month: date, runs: int = 3) -> dict:
    """Best of `runs` seconds (after one warm-up run) with the server's JIT setting and with JIT off (PostgreSQL
    compiles a costly aggregate on every run; the faster of the two is the baseline), and the patrollers answered."""
    from django.db import connection

    from assessments import rules

    sql = plain_aggregate_sql()
    best: dict[str, float] = {}
    rows = 0
    with connection.cursor() as cursor:
        for jit in ("on", "off"):
            cursor.execute(f"SET jit = {jit}")
            timings = []
            for run in range(runs + 1):
                started = time.perf_counter()
                cursor.execute(sql, [month, rules.month_end(month)])
                rows = len(cursor.fetchall())
                if run:
                    timings.append(time.perf_counter() - started)
            best[jit] = min(timings)
        cursor.execute("RESET jit")
    return {"seconds": min(best.values()), "jit_on": best["on"], "jit_off": best["off"], "rows": rows}


class StatementCounter:
    """Counts the SQL statements and the seconds waited on them (client side): Django's execute wrapper sees every
    query; COPY goes around it (psycopg's cursor.copy), so it is counted by wrapping psycopg's copy."""

    def __init__(self) -> None:
        self.n, self.seconds = 0, 0.0

    def reset(self) -> None:
        self.n, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started

    def __enter__(self) -> "StatementCounter":
        import contextlib

        import psycopg
        from django.db import connection

        counter, copy = self, psycopg.Cursor.copy

        @contextlib.contextmanager
        def counted_copy(cursor, statement, *args, **kwargs):
            counter.n += 1
            started = time.perf_counter()
            try:
                with copy(cursor, statement, *args, **kwargs) as stream:
                    yield stream
            finally:
                counter.seconds += time.perf_counter() - started

        self._stack = contextlib.ExitStack()
        self._stack.enter_context(connection.execute_wrapper(self))
        self._stack.enter_context(_patched(psycopg.Cursor, "copy", counted_copy))
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()


def _patched(owner, name, value):
    import contextlib

    @contextlib.contextmanager
    def patch():
        original = getattr(owner, name)
        setattr(owner, name, value)
        try:
            yield
        finally:
            setattr(owner, name, original)

    return patch()


def empty_assessments() -> None:
    """Back to no assessments at all (between the two ways of preparing the month), statistics refreshed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE assessments_assessmentchange, assessments_assessment CASCADE")  # no corrections here
        cursor.execute("ANALYZE assessments_assessment")
        cursor.execute("ANALYZE assessments_assessmentchange")


def time_township_loop(month: date, sizes: list[int]) -> dict:
    """Every township's prepare, one after the other, as its office; seconds and statements per township."""
    from accounts.models import User
    from assessments import services
    from rivers.models import Township

    offices = {u.township_id: u for u in User.objects.filter(role="township_office").select_related("township")}
    townships = list(Township.objects.order_by("pk"))
    queries: dict[int, int] = {}
    total = 0.0
    drafts = 0
    with StatementCounter() as counter:
        sql_seconds = 0.0
        for township in townships:
            counter.reset()
            started = time.perf_counter()
            drafts += len(services.assessments_prepare(township=township, month=month, by=offices[township.pk]))
            total += time.perf_counter() - started
            queries[township.pk] = counter.n
            sql_seconds += counter.seconds
    by_size = sorted(zip(sizes, [queries[t.pk] for t in townships], strict=True))
    return {
        "seconds": total,
        "sql_seconds": sql_seconds,
        "drafts": drafts,
        "by_size": by_size,
        "townships": len(townships),
    }


def time_month(month: date, chunk: int) -> dict:
    """The set-based path for the whole city (the monthly command), then once more (nothing left to create)."""
    from assessments import services

    runs = []
    for _run in range(2):
        with StatementCounter() as counter:
            started = time.perf_counter()
            done = services.assessments_prepare_month(month=month, chunk=chunk)
            seconds = time.perf_counter() - started
        runs.append({"seconds": seconds, "sql_seconds": counter.seconds, "statements": counter.n, "done": done})
    return {"first": runs[0], "again": runs[1]}


def time_facts(month: date) -> float:
    """For the breakdown: only the facts of every township (selectors.month_facts), no writes."""
    from django.utils import timezone

    from assessments import selectors
    from rivers.models import Township

    total = 0.0
    for township_id in Township.objects.order_by("pk").values_list("pk", flat=True):
        started = time.perf_counter()
        selectors.month_facts(month=month, through=timezone.localdate(), township_ids=[township_id])
        total += time.perf_counter() - started
    return total


# --- main ------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL database to (re)create for the run")
    parser.add_argument("--patrollers", type=int, default=50_000)
    parser.add_argument("--logs", type=int, default=1_500_000, help="patrol logs in the month (spread evenly)")
    parser.add_argument("--townships", type=int, help="default: one per 20 patrollers")
    parser.add_argument("--large", type=int, default=400, help="patrollers of the one large township")
    parser.add_argument("--chunk", type=int, default=5000, help="patrollers per transaction of the set-based path")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not (10 <= args.patrollers <= 1_000_000 and 0 <= args.logs <= 50_000_000 and args.large >= 3):
        parser.error("--patrollers 10–1 000 000, --logs 0–50 000 000, --large ≥ 3")
    if args.chunk < 1:
        parser.error("--chunk ≥ 1")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark runs on PostgreSQL: --database-url postgres://…")
    townships = args.townships or max(3, args.patrollers // 20)

    with common.fresh_django(args.database_url, keep=args.keep):
        from django.utils import timezone

        from assessments import rules

        month = rules.previous_month(rules.month_start(timezone.localdate()))
        data = generate(patrollers=args.patrollers, logs=args.logs, townships=townships, large=args.large, month=month)
        plain = time_plain_aggregate(month)
        aggregate, answered = plain["seconds"], plain["rows"]
        facts = time_facts(month)
        prepares = time_township_loop(month, data["sizes"])
        empty_assessments()
        bulk = time_month(month, args.chunk)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]

    info, counts = common.machine(), data["counts"]
    ratio = prepares["seconds"] / aggregate if aggregate else float("inf")
    first, again = bulk["first"], bulk["again"]
    bulk_ratio = first["seconds"] / aggregate if aggregate else float("inf")
    again_ratio = again["seconds"] / aggregate if aggregate else float("inf")
    smallest, largest = prepares["by_size"][0], prepares["by_size"][-1]
    flat = smallest[1] == largest[1] and len({q for _s, q in prepares["by_size"]}) == 1
    chunks = first["done"].transactions
    import django

    def verdict(value: float) -> str:
        return "met" if value <= 2 else "MISSED"

    print("河湖(库)巡察员管理系统 — assessment benchmark")
    print(f"machine:  {info}")
    print(f"software: Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL {server}")
    print(
        f"data:     {counts['patrollers']:,} patrollers in {counts['townships']:,} townships of {counts['counties']:,} "
        f"counties, {counts['segments']:,} segments, {counts['logs']:,} logs of {rules.month_label(month)}, "
        f"{counts['photos']:,} photos, {counts['reports']:,} supervision reports — generated in {data['seconds']:.1f} s"
    )
    print()
    print(
        f"baseline: one plain SQL aggregate of the month's log facts ({answered:,} patrollers), best of 3: "
        f"{aggregate:8.2f} s   (JIT on {plain['jit_on']:.2f} s, off {plain['jit_off']:.2f} s)"
    )
    print()
    print(
        f"a. per-township loop: assessments_prepare for every township ({prepares['townships']:,} calls, "
        f"{prepares['drafts']:,} drafts)"
    )
    print(f"   total {prepares['seconds']:8.2f} s   = {ratio:.2f}× the aggregate  (goal ≤ 2×: {verdict(ratio)})")
    print(
        f"   of which waiting on the database {prepares['sql_seconds']:.2f} s; "
        f"the facts alone (month_facts per township, measured apart) {facts:.2f} s; "
        f"{prepares['seconds'] / prepares['townships'] * 1000:.1f} ms per township"
    )
    print(
        f"   SQL statements per township prepare: {smallest[1]} with {smallest[0]} patrollers, {largest[1]} with "
        f"{largest[0]} patrollers   (must not grow: {'flat' if flat else 'VARIES'}; all townships: "
        f"{sorted({q for _s, q in prepares['by_size']})})"
    )
    print()
    print(
        f"b. set-based: assessments_prepare_month for the whole city ({first['done'].created:,} drafts created, "
        f"{chunks} transactions of ≤ {args.chunk:,} patrollers)"
    )
    print(
        f"   total {first['seconds']:8.2f} s   = {bulk_ratio:.2f}× the aggregate   (goal ≤ 2×: {verdict(bulk_ratio)})"
    )
    print(
        f"   of which waiting on the database {first['sql_seconds']:.2f} s; "
        f"{first['statements']} SQL statements (COPY included) for {chunks} write transactions and the read"
    )
    print(
        f"   again (idempotent: {again['done'].created} created, {again['done'].refreshed} refreshed): "
        f"{again['seconds']:.2f} s = {again_ratio:.2f}× the aggregate; {again['statements']} SQL statements"
    )
    print()
    print(f"1-minute load average at the end: {os.getloadavg()[0]:.2f} on {info.nproc} CPUs (other work skews time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
