"""Overview benchmark (issue 13): prints figures; its database is created for the run and dropped afterwards.

    .venv/bin/python bench/overview.py [--database-url postgres://postgres@127.0.0.1:5432/river_overview_bench]
                                       [--patrollers 5000] [--counties 16] [--townships 20] [--requests 40] [--keep]

1. Writes, with COPY, a city of `--counties` counties of `--patrollers` patrollers each (`--townships` townships per
   county, three patrollers per river segment, every patroller under contract for the whole year and assigned to
   a segment). The first county gets a year of patrol logs — one a day for 97 % of its patroller-days, about
   1.77 million at full scale — with flags, photos, problem reports (open, overdue, closed), dismissal flags,
   unfiled roster changes and a final assessment for every patroller-month. The monthly figures of the whole city
   (patroller-months and township sums of all counties) are then made by `manage.py rebuild_summaries`' own
   function, timed.
2. The baseline: one plain SQL aggregate of the same month's logs of the county (logs, days patrolled, flagged
   logs per township): one warm-up run, then the best of three.
3. Times, in the same run and in-process (Django's test client: middleware, authentication, the view, the JSON or
   the HTML; no network), `--requests` requests after three warm-ups of: the county overview API and page (the
   county office), the city overview API and page (the city office), and for information the county's segment
   map and one township's overview. Prints p50 and p95 and the SQL statements of one request.
4. Times the write path's cost: refreshing one patroller's month of logs (what a log submission adds).

The database named in --database-url is DROPPED and created again: point it at a throwaway name.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from common import Copier, all_fine, copy_patrollers, copy_places, log_copier, photo_copier, user_copier

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/river_overview_bench"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 20181010
PER_SEGMENT = 3
LOGGED, FLAGGED, PROBLEM, ESCALATED, PHOTO = 0.97, 0.08, 0.03, 0.4, 0.02
FLAG_CODES = ("no_track", "low_coverage", "vehicle_speed", "evidence_missing")


def _line(segment_id: int) -> str:
    """A 1.5 km stretch heading north-east, placed on a grid so that the county map has something to draw."""
    lng = 113.3 + (segment_id % 60) * 0.02
    lat = 34.5 + (segment_id // 60 % 60) * 0.015
    return (
        '{"type": "LineString", "coordinates": '
        f"[[{lng:.5f}, {lat:.5f}], [{lng + 0.006:.5f}, {lat + 0.004:.5f}], [{lng + 0.012:.5f}, {lat + 0.006:.5f}]]}}"
    )


def generate(*, patrollers: int, counties: int, townships: int, months: list[date]) -> dict:
    from django.db import connection

    from accounts.models import Role
    from assessments.models import Assessment, DismissalFlag
    from patrol import rules as patrol_rules
    from patrol.models import ProblemReport
    from rivers.models import Segment
    from staffing import summaries
    from staffing.models import RosterChange

    started = time.perf_counter()
    rng = random.Random(SEED)
    now = datetime.now(tz=SHANGHAI).isoformat()
    first_day, last_day = months[0], summaries.month_end(months[-1])
    contract_start = first_day - timedelta(days=10)
    contract_end = date(contract_start.year + 1, contract_start.month, contract_start.day) - timedelta(days=1)
    check_codes = list(patrol_rules.CHECKS)
    clean = json.dumps(all_fine())
    counts = {}
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        copy_places(cursor, [(t - 1) // townships + 1 for t in range(1, counties * townships + 1)])
        with user_copier(cursor) as out:
            out.add(1, "city", Role.CITY_OFFICE, "市河长办", None, None)
            out.add(2, "county1", Role.COUNTY_OFFICE, "县河长办", 1, None)

        post: list[tuple[int, int, int]] = []  # per patroller: (county, township, segment)
        segment_id = 0
        with Copier(
            cursor, Segment, ["id", "code", "name", "township_id", "length_km", "geometry"], water_body_id=1
        ) as out:
            for c in range(1, counties + 1):
                per_township = patrollers // townships
                for t_index in range(townships):
                    t = (c - 1) * townships + t_index + 1
                    size = per_township + (1 if t_index < patrollers % townships else 0)
                    for n in range(size):
                        if n % PER_SEGMENT == 0:
                            segment_id += 1
                            # 2.5–8 km: floors of 2–4 against 3 patrollers; some segments fall below the floor.
                            length = f"{rng.choice([2.5, 4.0, 5.0, 6.5, 8.0]):.2f}"
                            geometry = _line(segment_id) if c == 1 else None
                            out.add(segment_id, f"S{segment_id:07d}", f"基准河段{segment_id}", t, length, geometry)
                        post.append((c, t, segment_id))
        counts["segments"] = segment_id
        copy_patrollers(cursor, post, contract_start, contract_end)

        # The first county's year: logs, photos, problem reports; its patrollers' final assessments.
        county_posts = [(p, t, s) for p, (c, t, s) in enumerate(post, start=1) if c == 1]
        photos, reports = [], []
        log_id = 0
        days = (last_day - first_day).days + 1
        with log_copier(cursor) as out:
            for day_index in range(days):
                on = first_day + timedelta(days=day_index)
                for p, t, s in county_posts:
                    if rng.random() >= LOGGED:
                        continue
                    log_id += 1
                    started_at = datetime.combine(on, clock(8), tzinfo=SHANGHAI)
                    ended_at = started_at + timedelta(minutes=70)
                    flags, checks, actions = "[]", clean, "[]"
                    if rng.random() < FLAGGED:
                        flags = f'["{rng.choice(FLAG_CODES)}"]'
                    if rng.random() < PROBLEM:
                        code = rng.choice(check_codes)
                        checks = clean.replace(f'"{code}": "normal"', f'"{code}": "problem"')
                        if rng.random() < ESCALATED:
                            actions = '["escalated"]'
                            reports.append((log_id, t, s, code, on))
                    if rng.random() < PHOTO:
                        photos.append((log_id, rng.random() < 0.3))
                    out.add(log_id, uuid.UUID(int=rng.getrandbits(128), version=4), p, s, on, started_at.isoformat(),
                            ended_at.isoformat(), checks, actions, round(0.5 + rng.random() / 2, 3), flags,
                            ended_at.isoformat(), ended_at.isoformat())  # fmt: skip
        counts["logs"] = log_id
        with photo_copier(cursor) as out:
            for n, (log, flagged) in enumerate(photos, start=1):
                flags = '["no_exif"]' if flagged else "[]"
                out.add(n, log, uuid.UUID(int=rng.getrandbits(128), version=4), f"b/{n}.jpg", f"b/{n}.jpg",
                        f"{n:064x}", f"{n:016x}", "", flags, now)  # fmt: skip
        counts["photos"] = len(photos)
        report_columns = ["id", "log_id", "township_id", "segment_id", "category", "status", "deadline", "assignee"]
        recent = last_day - timedelta(days=45)
        with Copier(cursor, ProblemReport, report_columns) as out:
            for n, (log, t, s, code, on) in enumerate(reports, start=1):
                status = "closed" if on < recent and rng.random() < 0.95 else rng.choice(["reported", "assigned"])
                deadline = on + timedelta(days=7) if status == "assigned" else None
                out.add(n, log, t, s, code, status, deadline, "保洁队" if deadline else "")
        counts["problem reports"] = len(reports)

        assessment_columns = ["id", "patroller_id", "month", "township_id", "daily_work", "total", "grade", "passed",
                              "suggested_daily_work"]  # fmt: skip
        final = {
            "level": Assessment.Level.TOWNSHIP, "county_id": 1, "appearance": 25, "records": 25,
            "suggested_appearance": 25, "suggested_records": 25, "edited": True, "status": Assessment.Status.FINAL,
            "finalized_at": now,
        }  # fmt: skip
        n = 0
        with Copier(cursor, Assessment, assessment_columns, **final) as out:
            for month in months:  # every month of the year is over
                for p, t, _s in county_posts:
                    n += 1
                    daily = rng.randint(15, 40)
                    total = 25 + daily + 25
                    grade = "excellent" if total >= 90 else "good" if total >= 75 else "pass" if total >= 60 else "fail"
                    out.add(n, p, month, t, daily, total, grade, "t" if total >= 60 else "f", daily)
        counts["assessments"] = n
        flag = {"rule": "consecutive_2", "rules": ["consecutive_2"], "trigger_month": months[-1], "county_id": 1}
        with Copier(cursor, DismissalFlag, ["id", "patroller_id", "township_id"], **flag) as out:
            for k, (p, t, _s) in enumerate(county_posts[::250], start=1):
                out.add(k, p, t)
        hire = {"kind": RosterChange.Kind.HIRE, "date": contract_start}
        with Copier(cursor, RosterChange, ["id", "township_id", "patroller_id"], **hire) as out:
            for k, (_c, t, _s) in enumerate(post[::40], start=1):
                out.add(k, t, k * 40 - 39)

        cursor.execute("ANALYZE")
    counts["patrollers"] = len(post)
    return {"counts": counts, "seconds": time.perf_counter() - started}


def plain_aggregate(month: date, county: int, runs: int = 3) -> dict:
    """The month's log facts of the county per township in one statement (logs, patroller-days with a log, flagged
    logs): what the county overview shows from its figures, counted from the logs themselves."""
    from django.db import connection

    from staffing import summaries

    statement = """
        SELECT s.township_id, count(*), count(DISTINCT (l.patroller_id, l.date)),
               count(*) FILTER (WHERE l.flags <> '[]'::jsonb)
          FROM patrol_patrollog l JOIN rivers_segment s ON s.id = l.segment_id
          JOIN rivers_township t ON t.id = s.township_id
         WHERE l.date BETWEEN %s AND %s AND t.county_id = %s
         GROUP BY s.township_id
    """
    timings, rows = [], 0
    with connection.cursor() as cursor:
        for run in range(runs + 1):
            begun = time.perf_counter()
            cursor.execute(statement, [month, summaries.month_end(month), county])
            rows = len(cursor.fetchall())
            if run:
                timings.append(time.perf_counter() - begun)
    return {"seconds": min(timings), "rows": rows}


def measure(client, url: str, requests: int) -> dict:
    from django.db import connection

    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    statements = []
    with connection.execute_wrapper(lambda execute, sql, *rest: statements.append(sql) or execute(sql, *rest)):
        client.get(url)
    timings = []
    for _ in range(requests):
        begun = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - begun)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    return {"p50": statistics.median(timings), "p95": p95, "queries": len(statements), "bytes": len(response.content)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--patrollers", type=int, default=5000, help="patrollers per county")
    parser.add_argument("--counties", type=int, default=16)
    parser.add_argument("--townships", type=int, default=20, help="townships per county")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per endpoint")
    parser.add_argument(
        "--log-months",
        type=int,
        default=12,
        help="months with logs and figures (12: the goal's year; fewer: quick runs)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    info = common.machine()
    print(f"machine: {info}")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    static_root = tempfile.mkdtemp(prefix="overview-bench-static-")
    os.environ["STATIC_ROOT"] = static_root  # production storage (hashed names): collected for the run
    try:
        with common.fresh_django(args.database_url, keep=args.keep):
            from django.core.management import call_command

            call_command("collectstatic", "--noinput", verbosity=0)
            from django.db import connection
            from django.test import Client
            from django.utils import timezone

            from accounts.models import User
            from overview.selectors import default_month
            from overview.summaries import summaries_rebuild
            from patrol.summaries import logs_month_refresh
            from staffing import summaries

            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                print(f"PostgreSQL {cursor.fetchone()[0]}; Python {sys.version.split()[0]}")
            today = timezone.localdate()
            month = default_month(today)
            months = summaries.months_between(summaries.month_start(month - timedelta(days=330)), month)
            months = months[-max(1, min(args.log_months, len(months))) :]
            data = generate(patrollers=args.patrollers, counties=args.counties, townships=args.townships, months=months)
            counts = data["counts"]
            print(
                f"data: {args.counties} counties × {args.townships} townships, {counts['patrollers']:,} patrollers, "
                f"{counts['segments']:,} segments; county 1: {counts['logs']:,} logs over "
                f"{months[0]:%Y-%m}…{month:%Y-%m}, "
                f"{counts['photos']:,} photos, {counts['problem reports']:,} problem reports, "
                f"{counts['assessments']:,} final assessments — COPY {data['seconds']:.1f} s"
            )
            begun = time.perf_counter()
            rows, sums = summaries_rebuild(months=months)
            print(
                f"monthly figures rebuilt from the facts: {rows:,} patroller-months, {sums:,} township-months in "
                f"{time.perf_counter() - begun:.1f} s ({len(months)} months)"
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

            baseline = plain_aggregate(month, 1)
            print(
                f"\nbaseline: one plain SQL aggregate of the county's {month:%Y-%m} logs per township "
                f"({baseline['rows']} rows): {baseline['seconds'] * 1000:.1f} ms (best of 3)"
            )

            from knox.models import AuthToken

            def api_client(user) -> Client:
                _instance, token = AuthToken.objects.create(user=user)
                return Client(HTTP_AUTHORIZATION=f"Token {token}")

            def page_client(user) -> Client:
                client = Client()
                client.force_login(user)
                return client

            county_user, city_user = User.objects.get(username="county1"), User.objects.get(username="city")
            query = f"month={month:%Y-%m}"
            cases = [
                ("county overview API", api_client(county_user), f"/api/v1/overview/?{query}&county=1"),
                ("county overview page", page_client(county_user), f"/overview/?{query}&county=1"),
                ("city overview API", api_client(city_user), f"/api/v1/overview/?{query}"),
                ("city overview page", page_client(city_user), f"/overview/?{query}"),
                ("county segment map (information)", api_client(county_user), f"/api/v1/overview/segments/?{query}"),
                (
                    "township overview API (information)",
                    api_client(county_user),
                    f"/api/v1/overview/?{query}&township=1",
                ),
            ]
            print(f"\nin-process requests (Django test client, {args.requests} timed after 3 warm-ups):")
            for label, client, url in cases:
                result = measure(client, url, args.requests)
                goal = ""
                if "information" not in label:
                    goal = f"   goal p95 ≤ 300 ms: {'met' if result['p95'] <= 0.3 else 'MISSED'}"
                print(
                    f"  {label:38s} p50 {result['p50'] * 1000:7.1f} ms   p95 {result['p95'] * 1000:7.1f} ms   "
                    f"({result['p95'] / baseline['seconds']:.2f}× the aggregate; {result['queries']} SQL statements, "
                    f"{result['bytes']:,} bytes){goal}"
                )

            from staffing.selectors import staffing_figures, staffing_report

            begun = time.perf_counter()
            staffing_report(user=city_user, on=summaries.month_end(month))
            report_seconds = time.perf_counter() - begun
            begun = time.perf_counter()
            staffing_figures(on=summaries.month_end(month))
            print(
                f"  staffing of the whole city ({counts['segments']:,} segments), once each: the staffing report "
                f"(a line per segment) {report_seconds * 1000:.0f} ms; the overview's sums (staffing_figures) "
                f"{(time.perf_counter() - begun) * 1000:.0f} ms"
            )

            patroller_id = 1
            timings = []
            for _ in range(20):
                begun = time.perf_counter()
                from django.db import transaction

                with transaction.atomic():
                    logs_month_refresh(patroller_id=patroller_id, day=month)
                timings.append(time.perf_counter() - begun)
            print(
                f"\nwrite path: refreshing one patroller's month of logs (what a submission adds, in its transaction): "
                f"median {statistics.median(timings) * 1000:.1f} ms"
            )
            print(f"\n1-minute load average at the end: {os.getloadavg()[0]:.2f} on {info.nproc} CPUs")
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
