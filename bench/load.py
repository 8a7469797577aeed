"""A province at peak (issue 14): locust against one and against two gunicorn app servers; prints figures.

    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/postgres
                                   [--seconds 60] [--users 8] [--workers 2] [--servers 1,2]
                                   [--mixes logs,photos-phone,photos-full,phone,office,all] [--max-requests 50000]
    .venv/bin/python bench/load.py --tiny          # a few seconds of each, to check that it runs (tests)

Everything on 127.0.0.1: a throwaway database (SQLite without --database-url; on PostgreSQL a database created
for the run and dropped afterwards), a township with `--patrollers` patrollers under contract, each on a 1 km
segment, their knox tokens and the township office's session; then for each server count, `--servers` gunicorn
servers (`--workers` sync workers each, DEBUG=0, BENCH_ENDPOINTS=1) on free loopback ports over that one database,
and for each mix a headless locust run (bench/load_locustfile.py) of `--users` users sending back to back, bounded
by `--seconds` and by `--max-requests`, each request to the next server in turn. The object store: whatever the
storage settings in the environment say (they pass to the servers unchanged); without them, a temporary MEDIA_ROOT.

The mixes (bench/load_locustfile.py): `logs` (log submissions with a 30-minute 1 Hz track: 1,801 points),
`photos-phone` (1600×1200 JPEGs as the phone app sends them), `photos-full` (4000×3000, 2.6 MB), `phone` (a patrol
= a log then two photos, 20 % at full size; or a sync of the lists), `office` (review page, assessment sheet,
overview, two exports) and `all` (phones and offices 4:1).

Reported per run: requests/s, p50/p95/p99 and failures per request kind (locust's own figures), the app servers'
CPU (user + system of every gunicorn worker, from /proc/<pid>/stat) per request of the single-kind mixes, and the
capacity statement for a province's evening peak (see CAPACITY below for the assumption).
"""

import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, machine
from ingest import HOST, LINE, Database, Server, django_env, log_data, seed, software, twelve_megapixels

LOCUSTFILE = Path(__file__).resolve().parent / "load_locustfile.py"
MIXES = {
    "logs": ["PhoneLogs"],
    "photos-phone": ["PhonePhotosPhone"],
    "photos-full": ["PhonePhotosFull"],
    "phone": ["Phone"],
    "office": ["Office"],
    "all": ["Phone", "Office"],
}
# A province's day (issue 14) and the assumption about its evening: 50,000 logs and 100,000 photos a day, 70 % of
# them in the three evening hours 18:00–21:00, the busiest of those hours carrying half of that (35 % of the day).
LOGS_PER_DAY, PHOTOS_PER_DAY = 50_000, 100_000
PEAK_HOUR_SHARE = 0.35
FULL_SHARE = 0.2  # photos arriving at full size (the rest downscaled by the phone app)
SERVER_CORES, TARGET_UTILISATION = 2, 0.6  # a 2-core server run at 60 % CPU, room for bursts and the office


def log_body_1hz() -> str:
    """Yesterday's 30-minute walk along the segment from 18:00, a GPS point every second (1,801 points), as JSON with
    a placeholder client_uuid and segment (the locust users fill them in)."""
    body = log_data(0, client_uuid="00000000-0000-0000-0000-000000000000", at=clock(18, 0), step=1)
    return json.dumps(body, ensure_ascii=False)


def photos(directory: Path, *, full: int, phone: int) -> dict[str, int]:
    """`full` distinct 4000×3000 JPEGs and `phone` distinct 1600×1200 ones (what the phone app sends); sizes."""
    import io

    from PIL import Image, ImageOps

    sizes = {}
    base = twelve_megapixels()
    with Image.open(io.BytesIO(base)) as image:
        image.load()
        exif = image.info.get("exif", b"")
        for n in range(max(full, phone)):
            variant = ImageOps.mirror(image) if n % 2 else image
            variant = variant.rotate(180) if n % 4 >= 2 else variant
            shifted = variant.point(lambda v, n=n: min(255, v + 3 * n))
            if n < full:
                out = io.BytesIO()
                shifted.save(out, "JPEG", quality=90, exif=exif)
                (directory / f"full-{n}.jpg").write_bytes(out.getvalue())
                sizes["full"] = len(out.getvalue())
            if n < phone:
                small = shifted.resize((1600, 1200), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                small.save(out, "JPEG", quality=85, exif=exif)
                (directory / f"phone-{n}.jpg").write_bytes(out.getvalue())
                sizes["phone"] = len(out.getvalue())
    return sizes


def seed_township(env: dict[str, str], patrollers: int) -> tuple[list[dict], str]:
    """ingest.seed's township, then more patrollers, each on a segment of their own; the phones and the
    office's session key."""
    token, segment_id, log_id = seed(env)
    from decimal import Decimal

    from django.test import Client
    from django.utils import timezone
    from knox.models import AuthToken

    from accounts.models import Role, User
    from patrol import services as patrol_services
    from rivers.models import Segment, Village
    from staffing import rules as staffing_rules
    from staffing import services as staffing_services

    phones = [{"token": token, "segment": segment_id, "log": log_id}]
    first = Segment.objects.get(pk=segment_id)
    office = User.objects.get(username="office")
    village = Village.objects.get()
    today = timezone.localdate()
    start = today - timedelta(days=60)
    for n in range(2, patrollers + 1):
        segment = Segment.objects.create(
            code=f"S-BENCH-{n}",
            name=f"贾鲁河基准段{n}",
            water_body=first.water_body,
            township=first.township,
            length_km=Decimal("1.00"),
            geometry=LINE,
        )
        user = User.objects.create(
            username=f"patroller{n}", role=Role.PATROLLER, county=first.township.county, township=first.township
        )
        first17 = f"410105{today.year - 40}0101{n:03d}"
        patroller = staffing_services.patroller_create(
            by=office,
            name=f"基准巡察员{n}",
            id_number=first17 + staffing_rules.id_check_char(first17),
            phone=f"138{n:08d}",
            residence_village=village,
            user=user,
        )
        staffing_services.contract_create(
            patroller=patroller, segment=segment, start=start, end=staffing_rules.contract_max_end(start), by=office
        )
        _, phone_token = AuthToken.objects.create(user=user)
        log, _created = patrol_services.patrol_log_submit(patroller=patroller, data=log_data(segment.pk), by=user)
        phones.append({"token": phone_token, "segment": segment.pk, "log": log.pk})
    client = Client()
    client.force_login(office)
    return phones, client.cookies["sessionid"].value


def run_locust(*, classes: list[str], ports: list[int], env: dict[str, str], workdir: Path, label: str, args) -> dict:
    """One headless locust run; its stats per request name (locust's CSV)."""
    prefix = workdir / f"locust-{label}"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.users),
        "--run-time",
        f"{args.seconds}s",
        "--stop-timeout",
        "30",
        "--csv",
        str(prefix),
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    run_env = {**env, "LOAD_PORTS": ",".join(str(p) for p in ports)}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter running locust, fixed arguments
        command, env=run_env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = process.communicate(timeout=args.seconds + 120)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"locust failed ({process.returncode}):\n{output[-3000:]}")
    stats = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = row
    with open(f"{prefix}_failures.csv", newline="") as handle:
        stats["failures"] = [f"{r['Name']}: {r['Error']} ×{r['Occurrences']}" for r in csv.DictReader(handle)]
    return stats


def database_cpu(database) -> float:
    """CPU seconds so far of the PostgreSQL backends serving the benchmark database (they run on this machine; the
    servers keep their connections for the whole run: CONN_MAX_AGE below); 0.0 on SQLite."""
    if not database.server_url:
        return 0.0
    import psycopg

    with psycopg.connect(database.server_url, autocommit=True) as conn:
        pids = [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [database.name])]
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def children_cpu() -> float:
    """CPU seconds of this process's finished children (locust runs) so far."""
    usage = os.times()
    return usage.children_user + usage.children_system


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL server to create the throwaway database on")
    parser.add_argument("--seconds", type=int, default=60, help="per locust run")
    parser.add_argument("--users", type=int, default=8, help="locust users, each sending back to back")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument("--servers", default="1,2", help="server counts to run, e.g. 1,2")
    parser.add_argument("--patrollers", type=int, default=20)
    parser.add_argument("--mixes", default=",".join(MIXES))
    parser.add_argument("--max-requests", type=int, default=50_000, help="per run, a bound besides the clock")
    parser.add_argument("--tiny", action="store_true", help="a few seconds and requests of each mix (tests)")
    args = parser.parse_args()
    if args.tiny:
        args.seconds, args.users, args.patrollers, args.max_requests = 2, 2, 2, 40
        args.servers, args.mixes = "1", "phone,office"
    servers_counts = [int(n) for n in args.servers.split(",") if n.strip()]
    mixes = [m.strip() for m in args.mixes.split(",") if m.strip()]
    if not (1 <= args.seconds <= 600 and 1 <= args.users <= 64 and 1 <= args.workers <= 16):
        parser.error("--seconds 1–600, --users 1–64, --workers 1–16")
    if not servers_counts or not set(servers_counts) <= {1, 2, 3, 4} or not set(mixes) <= set(MIXES):
        parser.error(f"--servers from 1–4, --mixes from {', '.join(MIXES)}")
    if not 1 <= args.patrollers <= 500 or not 1 <= args.max_requests <= 1_000_000:
        parser.error("--patrollers 1–500, --max-requests 1–1,000,000")

    workdir = Path(tempfile.mkdtemp(prefix="river-load-"))
    database = Database(workdir, args.database_url)
    running: list[Server] = []
    results = []
    try:
        env = {**django_env(workdir, database.url), "STATIC_ROOT": str(workdir / "static"), "CONN_MAX_AGE": "3600"}
        if args.tiny:  # no .gz/.br copies of the assets: compressing them is most of a tiny run's time
            env["STATIC_COMPRESS"] = "0"
        # The pages need the static files' manifest (DEBUG=0: whitenoise's compressed manifest storage).
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        phones, session = seed_township(env, args.patrollers)
        info = machine()
        data = workdir / "data"
        data.mkdir()
        (data / "log.json").write_text(log_body_1hz())
        sizes = photos(data, full=1 if args.tiny else 3, phone=2 if args.tiny else 8)
        from django.db import connections

        connections.close_all()
        locust_env = {
            **env,
            "LOAD_PHONES": json.dumps(phones),
            "LOAD_OFFICE_SESSION": session,
            "LOAD_DATA": str(data),
            "LOAD_MAX_REQUESTS": str(args.max_requests),
            "LOAD_FULL_SHARE": str(FULL_SHARE),
            "LOAD_TINY": "1" if args.tiny else "0",
        }
        for count in servers_counts:
            running = [Server(env, workdir, args.workers) for _ in range(count)]
            for server in running:
                server.wait_ready(phones[0]["token"])
            for mix in mixes:
                cpu_before, db_before = sum(s.cpu_seconds() for s in running), database_cpu(database)
                client_before, began = children_cpu(), time.monotonic()
                stats = run_locust(
                    classes=MIXES[mix],
                    ports=[s.port for s in running],
                    env=locust_env,
                    workdir=workdir,
                    label=f"{count}-{mix}",
                    args=args,
                )
                results.append(
                    {
                        "servers": count,
                        "mix": mix,
                        "stats": stats,
                        "wall": time.monotonic() - began,
                        "server_cpu": sum(s.cpu_seconds() for s in running) - cpu_before,
                        "db_cpu": database_cpu(database) - db_before,
                        "client_cpu": children_cpu() - client_before,
                        "load": os.getloadavg()[0],
                    }
                )
            for server in running:
                server.stop()
            running = []
    finally:
        for server in running:
            server.stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    report(results, info=info, database=database, args=args, sizes=sizes)
    failures = sum(int(r["stats"]["Aggregated"]["Failure Count"]) for r in results if "Aggregated" in r["stats"])
    return 1 if failures else 0


def storage_note() -> str:
    names = sorted(k for k in os.environ if "BUCKET" in k)
    return f"object storage from the environment ({', '.join(names)})" if names else "local MEDIA_ROOT (temporary)"


def report(results: list[dict], *, info: dict, database, args, sizes: dict) -> None:
    print("河湖(库)巡察员管理系统 — load benchmark (locust)")
    print(f"machine:  {info}")
    print(f"software: {software()}")
    print(
        f"stack:    gunicorn {args.workers} sync workers per server on {HOST}, {database.vendor}, {storage_note()}; "
        f"locust {args.users} users back to back, {args.seconds} s per run"
    )
    print(
        f"bodies:   log with a 1 Hz track (1,801 points); photos {sizes.get('phone', 0) / 1024:.0f} KB (1600×1200) "
        f"and {sizes.get('full', 0) / 1024 / 1024:.1f} MB (4000×3000)"
    )
    cpu_per: dict[tuple[int, str], float] = {}
    db_per: dict[tuple[int, str], float] = {}
    for result in results:
        stats, wall = result["stats"], result["wall"]
        aggregated = stats.get("Aggregated", {})
        total = int(aggregated.get("Request Count", 0) or 0)
        print()
        print(
            f"{result['servers']} server(s), mix {result['mix']}: {float(aggregated.get('Requests/s', 0)):.1f} req/s, "
            f"{total} requests, {aggregated.get('Failure Count', 0)} failed; app servers' CPU "
            f"{result['server_cpu']:.1f} s ({result['server_cpu'] / wall / args.workers / result['servers']:.0%} of "
            f"their workers' wall time), database {result['db_cpu']:.1f} s, locust {result['client_cpu']:.1f} s, "
            f"load average {result['load']:.1f}"
        )
        print(f"  {'request':<28} {'count':>6} {'fail':>5} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
        for name, row in stats.items():
            if name in ("Aggregated", "failures"):
                continue
            print(
                f"  {name:<28} {row['Request Count']:>6} {row['Failure Count']:>5} {float(row['Requests/s']):>7.1f} "
                f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
            )
        for failure in stats["failures"][:5]:
            print(f"  failed: {failure[:300]}")
        if result["mix"] in ("logs", "photos-phone", "photos-full") and total:
            cpu_per[(result["servers"], result["mix"])] = result["server_cpu"] / total * 1000
            db_per[(result["servers"], result["mix"])] = result["db_cpu"] / total * 1000
            print(
                f"  CPU per request: app servers {cpu_per[(result['servers'], result['mix'])]:.1f} ms, "
                f"database {db_per[(result['servers'], result['mix'])]:.1f} ms"
            )

    by_servers: dict[int, float] = {}
    for result in results:
        if result["mix"] in ("phone", "all"):
            aggregated = result["stats"].get("Aggregated", {})
            by_servers.setdefault(result["servers"], float(aggregated.get("Requests/s", 0)))
    if 1 in by_servers and 2 in by_servers and by_servers[1]:
        print()
        print(
            f"two servers / one (phone mix req/s): {by_servers[2] / by_servers[1]:.2f}× "
            "(all servers share this machine's CPUs: see docs/benchmarks.md)"
        )
    first = min((s for s, _m in cpu_per), default=0)
    one = {mix: ms for (servers, mix), ms in cpu_per.items() if servers == first}
    one_db = {mix: ms for (servers, mix), ms in db_per.items() if servers == first}
    if {"logs", "photos-phone", "photos-full"} <= set(one):
        logs_s = LOGS_PER_DAY * PEAK_HOUR_SHARE / 3600
        photos_s = PHOTOS_PER_DAY * PEAK_HOUR_SHARE / 3600
        photo_ms = (1 - FULL_SHARE) * one["photos-phone"] + FULL_SHARE * one["photos-full"]
        cores = (logs_s * one["logs"] + photos_s * photo_ms) / 1000
        servers = max(1, math.ceil(cores / (SERVER_CORES * TARGET_UTILISATION)))
        db_photo_ms = (1 - FULL_SHARE) * one_db["photos-phone"] + FULL_SHARE * one_db["photos-full"]
        db_cores = (logs_s * one_db["logs"] + photos_s * db_photo_ms) / 1000
        print()
        print(
            f"capacity: peak hour = {PEAK_HOUR_SHARE:.0%} of a day of {LOGS_PER_DAY:,} logs and {PHOTOS_PER_DAY:,} "
            f"photos = {logs_s:.1f} logs/s and {photos_s:.1f} photos/s ({FULL_SHARE:.0%} full size); "
            f"CPU {one['logs']:.0f} ms per log, {photo_ms:.0f} ms per photo → {cores:.2f} cores of app server → "
            f"{servers} server(s) of {SERVER_CORES} cores at {TARGET_UTILISATION:.0%} CPU; the database "
            f"{one_db['logs']:.0f} ms per log, {db_photo_ms:.0f} ms per photo → {db_cores:.2f} cores"
        )


if __name__ == "__main__":
    sys.exit(main())
