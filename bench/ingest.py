"""Ingest benchmark (issue 4): prints figures, writes nothing outside a temporary directory, stops by itself.

    .venv/bin/python bench/ingest.py [--seconds 8] [--clients 4] [--workers N] [--photos 7] [--heavy-runs 3]
                                     [--only throughput,photos,heavy]
                                     [--database-url postgres://postgres@127.0.0.1:5432/postgres]

1. Log submissions per second through the full stack — gunicorn on a free loopback port, knox token auth,
   `POST /api/v1/patrol-logs/` with a new client_uuid each time and a 61-point GPS track (so coverage and speed are
   computed) — against the same stack's bare authenticated endpoint `GET /api/v1/_bench/ok/` (config/bench.py:
   knox token authentication, DRF, every middleware, `{"ok": true}`, none of the project's queries; served because
   the benchmark sets BENCH_ENDPOINTS=1), measured in the same run, alternating rounds. Goals: ratio ≥ 0.6, server
   CPU per submission ≤ 4 ms.
2. The photo pipeline (`patrol.photos.process_photo`: format check, pixel bound, full decode, thumbnail, SHA-256,
   perceptual hash, EXIF) per 12-megapixel JPEG against plain Pillow open + thumbnail + save of the same file.
   Goal: ≤ 1.5×. For information, the same photo uploaded through the stack
   (`POST /api/v1/patrol-logs/{id}/photos/`: multipart, pipeline, files, flags, row).
3. The worst GPS tracks within limits (issue 10, bench/heavy_tracks.py: a 20 000-point walk, 20 000 points in a
   100 m square, 1 800 points of a phone lying still): the coverage and vehicle-speed checks in this process (CPU
   per track, goal ≤ 50 ms), then each log submitted through the stack (server CPU per request) and sent again
   (the phone's retry: server CPU of the replay).

The database is a throwaway SQLite file, or with --database-url a throwaway database created on that PostgreSQL
server (and dropped afterwards). Every loop is bounded by time and by count.
"""

import argparse
import http.client
import io
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, all_fine, machine

HOST = "127.0.0.1"
MAX_REQUESTS_PER_ROUND = 100_000  # a bound besides the clock
BARE = "/api/v1/_bench/ok/"  # the baseline: config/bench.py, served with BENCH_ENDPOINTS=1
CPU_GOAL_MS = 4.0  # server CPU per log submission (issue 14)
# The benchmark segment: a 1 km stretch running due east at 34.75° N (Zhengzhou), as in the test suite.
WEST, EAST, LAT = 113.6200, 113.6310, 34.7500
LINE = {"type": "LineString", "coordinates": [[WEST, LAT], [113.6255, LAT], [EAST, LAT]]}


# --- environment ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def software() -> str:
    import django
    import PIL

    return f"Python {platform.python_version()}, Django {django.get_version()}, Pillow {PIL.__version__}"


class Database:
    """A throwaway database: a SQLite file in `workdir`, or a fresh database on a PostgreSQL server."""

    def __init__(self, workdir: Path, server_url: str | None) -> None:
        self.server_url = server_url
        self.name = f"river_bench_{os.getpid()}_{secrets.token_hex(3)}"
        if server_url:
            parts = urlsplit(server_url)
            self.url = urlunsplit((parts.scheme, parts.netloc, f"/{self.name}", "", ""))
            self._admin(f'CREATE DATABASE "{self.name}"')
        else:
            self.url = f"sqlite:///{workdir / 'bench.sqlite3'}"

    @property
    def vendor(self) -> str:
        return "PostgreSQL" if self.server_url else "SQLite (WAL)"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.server_url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def django_env(workdir: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="0",
        ALLOWED_HOSTS=HOST,
        MEDIA_ROOT=str(workdir / "media"),
        SECURE_HTTPS="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        BENCH_ENDPOINTS="1",
        PYTHONPATH=str(ROOT),
    )
    return env


def seed(env: dict[str, str]) -> tuple[str, int, int]:
    """Migrate, then a township with a segment, its office and a patroller under contract; (token, segment id,
    log id for photo uploads). Runs in this process against the benchmark database."""
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from decimal import Decimal

    from django.utils import timezone
    from knox.models import AuthToken

    from accounts.models import Role, User
    from patrol import services as patrol_services
    from rivers.models import County, Segment, Township, Village, WaterBody
    from staffing import rules as staffing_rules
    from staffing import services as staffing_services

    today = timezone.localdate()
    county = County.objects.create(code="410105", name="金水区")
    township = Township.objects.create(county=county, code="410105001", name="丰庆路街道")
    village = Village.objects.create(township=township, code="410105001001", name="柳林村")
    river = WaterBody.objects.create(
        code="R001", name="贾鲁河", kind=WaterBody.Kind.RIVER, basin=WaterBody.Basin.HUAI_RIVER, length_km=137
    )
    segment = Segment.objects.create(
        code="S-BENCH",
        name="贾鲁河基准段",
        water_body=river,
        township=township,
        length_km=Decimal("1.00"),
        geometry=LINE,
    )
    office = User.objects.create(username="office", role=Role.TOWNSHIP_OFFICE, county=county, township=township)
    user = User.objects.create(username="patroller", role=Role.PATROLLER, county=county, township=township)
    first17 = f"410105{today.year - 45}0101001"
    patroller = staffing_services.patroller_create(
        by=office,
        name="基准巡察员",
        id_number=first17 + staffing_rules.id_check_char(first17),
        phone="13800000001",
        residence_village=village,
        user=user,
    )
    start = today - timedelta(days=60)
    staffing_services.contract_create(
        patroller=patroller, segment=segment, start=start, end=staffing_rules.contract_max_end(start), by=office
    )
    _, token = AuthToken.objects.create(user=user)
    log, _created = patrol_services.patrol_log_submit(patroller=patroller, data=log_data(segment.pk), by=user)
    return token, segment.pk, log.pk


def log_data(segment_id: int, client_uuid: str | None = None, *, at: clock = clock(8, 0), step: int = 30) -> dict:
    """Yesterday's 30-minute walk along the whole segment from `at`: a point every `step` seconds (61 points; 1,801
    at one a second), all checks fine."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    day = datetime.now(zone).date() - timedelta(days=1)
    begin = datetime.combine(day, at, tzinfo=zone)
    steps = 30 * 60 // step
    track = [
        {
            "t": (begin + timedelta(seconds=step * i)).isoformat(),
            "lat": LAT,
            "lng": round(WEST + (EAST - WEST) * i / steps, 7),
            "acc": 8.0,
        }
        for i in range(steps + 1)
    ]
    body = {
        "client_uuid": client_uuid or str(uuid.uuid4()),
        "date": day.isoformat(),
        "started_at": begin.isoformat(),
        "ended_at": (begin + timedelta(minutes=30)).isoformat(),
        "segment": segment_id,
        "checks": all_fine(),
        "actions": ["cleaned"],
        "notes": "沿河巡查一遍，未见异常。",
        "track": track,
    }
    if client_uuid is None:  # the service wants Python values; the HTTP body wants JSON
        from django.utils.dateparse import parse_datetime

        body.update(
            client_uuid=uuid.UUID(body["client_uuid"]),
            date=date.fromisoformat(body["date"]),
            started_at=parse_datetime(body["started_at"]),
            ended_at=parse_datetime(body["ended_at"]),
        )
    return body


# --- the HTTP load ---------------------------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict[str, str], workdir: Path, workers: int) -> None:
        self.port = free_port()
        self.log = workdir / "gunicorn.log"
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter running gunicorn, fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(workers),
                "--error-logfile",
                str(self.log),
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, token: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log}")
            try:
                if request(self.port, "GET", BARE, token)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the gunicorn workers so far (Linux /proc), or 0.0 where unavailable."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self._workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / ticks

    def _workers(self) -> list[int]:
        master = self.process.pid
        try:
            return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def request(port: int, method: str, path: str, token: str, body: bytes | None = None, content_type: str = "") -> tuple:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def load(server: "Server", token: str, *, kind: str, seconds: float, clients: int, segment_id: int) -> dict:
    """`clients` threads sending requests back to back for `seconds`; successes per second and latencies."""
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    # The body is built once; each request only swaps in a new client_uuid, so that the client's own CPU (it
    # shares the machine with the server) goes into sending, not into building 61-point tracks.
    placeholder = str(uuid.UUID(int=0))
    template = json.dumps(log_data(segment_id, client_uuid=placeholder))

    def client() -> None:
        sent = 0
        while time.monotonic() < stop_at and sent < MAX_REQUESTS_PER_ROUND:
            sent += 1
            started = time.perf_counter()
            if kind == "bare":
                status, _body = request(port, "GET", BARE, token)
                ok = status == 200
            else:
                payload = template.replace(placeholder, str(uuid.uuid4()), 1).encode()
                status, _body = request(port, "POST", "/api/v1/patrol-logs/", token, payload)
                ok = status == 201
            elapsed = time.perf_counter() - started
            with lock:
                (latencies if ok else failures).append(elapsed if ok else status)

    port = server.port
    cpu_before, client_before, begin = server.cpu_seconds(), time.process_time(), time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - begin
    return {
        "ok": len(latencies),
        "failed": failures,
        "wall": wall,
        "latencies": latencies,
        "server_cpu": server.cpu_seconds() - cpu_before,
        "client_cpu": time.process_time() - client_before,
    }


def summary(rounds: list[dict]) -> dict:
    ok = sum(r["ok"] for r in rounds)
    wall = sum(r["wall"] for r in rounds)
    latencies = sorted(x for r in rounds for x in r["latencies"])
    failed = [s for r in rounds for s in r["failed"]]
    p = (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000) if latencies else (lambda q: 0)
    server_cpu = sum(r["server_cpu"] for r in rounds)
    return {
        "rps": ok / wall if wall else 0.0,
        "requests": ok,
        "failed": len(failed),
        "p50": p(0.5),
        "p95": p(0.95),
        # Server CPU per request: what the endpoint costs, whatever else the machine is doing meanwhile.
        "cpu_ms": server_cpu / ok * 1000 if ok else 0.0,
        "client_share": sum(r["client_cpu"] for r in rounds) / wall if wall else 0.0,
        "round_rps": [r["ok"] / r["wall"] for r in rounds if r["wall"]],
    }


# --- photos ----------------------------------------------------------------------------------------------------


def twelve_megapixels() -> bytes:
    """A 4000×3000 JPEG that compresses like a phone photo (a few MB): smooth scene, texture, sensor noise, EXIF."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(12)
    height, width = 3000, 4000
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    base = np.stack(
        [
            120 + 80 * np.sin(6 * x + 2 * y),
            140 + 60 * np.cos(5 * y - 3 * x),
            110 + 70 * np.sin(4 * (x + y)),
        ],
        axis=-1,
    )
    coarse = rng.normal(0, 25, (height // 40 + 1, width // 40 + 1, 3)).astype(np.float32)
    texture = np.kron(coarse, np.ones((40, 40, 1), dtype=np.float32))[:height, :width]
    noise = rng.normal(0, 6, (height, width, 3)).astype(np.float32)
    pixels = np.clip(base + texture + noise, 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    exif = Image.Exif()
    exif[0x0112] = 1
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 08:15:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (34.0, 45.0, 0.0), "E", (113.0, 37.0, 30.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def plain_pillow(data: bytes) -> None:
    """What one would write without the pipeline: open, thumbnail, save the thumbnail."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((480, 480))
        image.save(io.BytesIO(), "JPEG", quality=80)


def time_photos(data: bytes, runs: int) -> dict:
    from django.conf import settings

    from patrol.photos import process_photo

    river = settings.RIVER
    pipeline, plain = [], []
    plain_pillow(data)  # warm both (imports, decoder tables)
    process_photo(data, max_bytes=river["PHOTO_MAX_BYTES"], max_pixels=river["PHOTO_MAX_PIXELS"])
    for _ in range(runs):  # interleaved, so that drift in the machine's load hits both alike
        started = time.perf_counter()
        plain_pillow(data)
        plain.append(time.perf_counter() - started)
        started = time.perf_counter()
        process_photo(data, max_bytes=river["PHOTO_MAX_BYTES"], max_pixels=river["PHOTO_MAX_PIXELS"])
        pipeline.append(time.perf_counter() - started)
    return {"pipeline": statistics.median(pipeline) * 1000, "plain": statistics.median(plain) * 1000}


def time_uploads(port: int, token: str, log_id: int, data: bytes, runs: int) -> float:
    """Median milliseconds of `POST /api/v1/patrol-logs/{id}/photos/` with the 12-megapixel file."""
    boundary = "bench" + secrets.token_hex(8)
    timings = []
    for _ in range(runs):
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="client_uuid"\r\n\r\n{uuid.uuid4()}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode(),
            data,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
        started = time.perf_counter()
        status, body = request(
            port,
            "POST",
            f"/api/v1/patrol-logs/{log_id}/photos/",
            token,
            b"".join(parts),
            f"multipart/form-data; boundary={boundary}",
        )
        timings.append(time.perf_counter() - started)
        if status != 201:
            raise RuntimeError(f"photo upload answered {status}: {body[:300]!r}")
    return statistics.median(timings) * 1000


# --- the worst tracks (issue 10) ------------------------------------------------------------------------------


HEAVY_GOAL_MS = 50.0


def heavy_body(kind: str, segment_id: int) -> dict:
    """Yesterday's patrol from 06:00 with the worst track of `kind`, as the phone sends it (JSON values)."""
    from zoneinfo import ZoneInfo

    from bench import heavy_tracks

    zone = ZoneInfo("Asia/Shanghai")
    begin = datetime.combine(datetime.now(zone).date() - timedelta(days=1), clock(6, 0), tzinfo=zone)
    body = log_data(segment_id, client_uuid=str(uuid.UUID(int=0)))
    body.update(
        started_at=begin.isoformat(),
        ended_at=(begin + heavy_tracks.duration(kind)).isoformat(),
        track=heavy_tracks.track(kind, begin),
    )
    return body


def time_heavy_rules(body: dict, runs: int) -> dict:
    """CPU milliseconds of the coverage and vehicle-speed checks on the body's track in this process, as the
    submission computes them (accurate points, the segment's cached line), best and median of `runs`."""
    from django.conf import settings

    from patrol import rules, tracks

    river = settings.RIVER
    points, problems = rules.parse_track(body["track"], max_points=river["TRACK_MAX_POINTS"])
    if problems:
        raise RuntimeError(problems)
    tracks.segment_line(LINE)  # cached per process, as in a worker after its first log on the segment
    timings, coverage, vehicle = [], None, None
    for _ in range(runs):
        started = time.process_time()
        usable = rules.usable(points, max_accuracy_m=river["TRACK_MAX_ACCURACY_M"])
        coverage = tracks.coverage(LINE, usable, buffer_m=river["COVERAGE_BUFFER_M"])
        vehicle = tracks.vehicle_speed(
            points, limit_kmh=river["VEHICLE_SPEED_KMH"], max_accuracy_m=river["TRACK_MAX_ACCURACY_M"]
        )
        timings.append(time.process_time() - started)
    return {
        "points": len(points),
        "best": min(timings) * 1000,
        "median": statistics.median(timings) * 1000,
        "coverage": coverage,
        "vehicle": vehicle,
    }


def time_heavy_posts(server: "Server", token: str, body: dict, runs: int) -> dict:
    """Server CPU and latency (ms) of submitting the body with a new client_uuid, then of sending it again."""
    template = json.dumps(body)
    placeholder = str(uuid.UUID(int=0))
    fresh, replay = [], []
    for _ in range(runs):
        payload = template.replace(placeholder, str(uuid.uuid4()), 1).encode()
        for expected, out in ((201, fresh), (200, replay)):
            cpu_before, started = server.cpu_seconds(), time.perf_counter()
            status, answer = request(server.port, "POST", "/api/v1/patrol-logs/", token, payload)
            out.append(((server.cpu_seconds() - cpu_before) * 1000, (time.perf_counter() - started) * 1000))
            if status != expected:
                raise RuntimeError(f"heavy track answered {status}, expected {expected}: {answer[:300]!r}")
    return {
        "bytes": len(template),
        "cpu": statistics.median(c for c, _wall in fresh),
        "wall": statistics.median(w for _cpu, w in fresh),
        "replay_cpu": statistics.median(c for c, _wall in replay),
        "replay_wall": statistics.median(w for _cpu, w in replay),
    }


# --- main ------------------------------------------------------------------------------------------------------


PARTS = ("throughput", "photos", "heavy")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=12.0, help="measured seconds per endpoint, all rounds")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per endpoint")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--photos", type=int, default=7, help="runs of each photo measurement")
    parser.add_argument("--heavy-runs", type=int, default=3, help="runs of each worst-track measurement")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts to run, of {','.join(PARTS)}")
    parser.add_argument("--database-url", help="a PostgreSQL server to create a throwaway database on")
    args = parser.parse_args()
    if not (0 < args.seconds <= 300 and 1 <= args.rounds <= 20 and 1 <= args.clients <= 64 and 1 <= args.workers <= 64):
        parser.error("--seconds 0–300, --rounds 1–20, --clients 1–64, --workers 1–64")
    if not 1 <= args.heavy_runs <= 20:
        parser.error("--heavy-runs 1–20")
    parts = {part.strip() for part in args.only.split(",") if part.strip()}
    if not parts or not parts <= set(PARTS):
        parser.error(f"--only takes some of {', '.join(PARTS)}")

    workdir = Path(tempfile.mkdtemp(prefix="river-bench-"))
    database = Database(workdir, args.database_url)
    server = None
    heavy: dict[str, tuple[dict, dict]] = {}
    try:
        env = django_env(workdir, database.url)
        token, segment_id, log_id = seed(env)
        info = machine()
        server = Server(env, workdir, args.workers)
        server.wait_ready(token)
        if "throughput" in parts:
            warm = {"seconds": 1.0, "clients": args.clients, "segment_id": segment_id}
            load(server, token, kind="bare", **warm)
            load(server, token, kind="log", **warm)
            rounds: dict[str, list[dict]] = {"bare": [], "log": []}
            for _round in range(args.rounds):  # alternating, so that drift in the machine's load hits both alike
                for kind in ("bare", "log"):
                    rounds[kind].append(
                        load(
                            server,
                            token,
                            kind=kind,
                            seconds=args.seconds / args.rounds,
                            clients=args.clients,
                            segment_id=segment_id,
                        )
                    )
            bare, logs = summary(rounds["bare"]), summary(rounds["log"])
        if "photos" in parts:
            photo = twelve_megapixels()
            photos = time_photos(photo, args.photos)
            upload = time_uploads(server.port, token, log_id, photo, max(1, args.photos // 2))
        if "heavy" in parts:
            from bench import heavy_tracks

            # Every worker gets a first log on the segment (its cached line), as in a server that has run a while.
            for _ in range(args.workers * 2):
                body = json.dumps(log_data(segment_id, client_uuid=str(uuid.uuid4()))).encode()
                request(server.port, "POST", "/api/v1/patrol-logs/", token, body)
            for kind in heavy_tracks.POINTS:
                body = heavy_body(kind, segment_id)
                heavy[kind] = (
                    time_heavy_rules(body, args.heavy_runs),
                    time_heavy_posts(server, token, body, args.heavy_runs),
                )
    finally:
        if server is not None:
            server.stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    print("河湖(库)巡察员管理系统 — ingest benchmark")
    print(f"machine:  {info}")
    print(f"software: {software()}")
    print(
        f"stack:    gunicorn {args.workers} sync workers on {HOST}, {database.vendor}, {args.clients} client threads, "
        f"{args.rounds} × {args.seconds / args.rounds:g} s per endpoint (alternating)"
    )
    print(
        f"load:     1-minute load average {os.getloadavg()[0]:.2f} at the end (other work on the machine skews req/s)"
    )
    failed = 0
    if "throughput" in parts:
        ratio = logs["rps"] / bare["rps"] if bare["rps"] else 0.0
        pair_ratios = [log / b for log, b in zip(logs["round_rps"], bare["round_rps"], strict=True) if b]
        cpu_ratio = bare["cpu_ms"] / logs["cpu_ms"] if logs["cpu_ms"] else 0.0
        print()
        for label, row in (("GET  /api/v1/_bench/ok/   ", bare), ("POST /api/v1/patrol-logs/", logs)):
            print(
                f"{label}  {row['rps']:7.1f} req/s   p50 {row['p50']:6.1f} ms   p95 {row['p95']:6.1f} ms   "
                f"server CPU {row['cpu_ms']:5.1f} ms/req   ({row['requests']} ok, {row['failed']} failed)"
            )
        print(
            f"log submissions / bare endpoint: {ratio:.2f} by throughput "
            f"(rounds {', '.join(f'{r:.2f}' for r in pair_ratios)}), {cpu_ratio:.2f} by server CPU per request   "
            f"(goal ≥ 0.60: {'met' if ratio >= 0.6 else 'MISSED'})"
        )
        print(
            f"client threads used {logs['client_share']:.0%} of a CPU during the log rounds, "
            f"{bare['client_share']:.0%} during the bare endpoint"
        )
        print(
            f"server CPU per submission: {logs['cpu_ms']:.1f} ms in the gunicorn workers   "
            f"(goal ≤ {CPU_GOAL_MS:g} ms: {'met' if logs['cpu_ms'] <= CPU_GOAL_MS else 'MISSED'})"
        )
        failed += bare["failed"] + logs["failed"]
    if "photos" in parts:
        photo_ratio = photos["pipeline"] / photos["plain"] if photos["plain"] else 0.0
        print()
        print(f"12-megapixel JPEG ({len(photo) / 1024 / 1024:.1f} MB, 4000×3000), median of {args.photos}:")
        print(f"  plain Pillow open + thumbnail + save   {photos['plain']:7.1f} ms")
        print(f"  photo pipeline (process_photo)         {photos['pipeline']:7.1f} ms")
        verdict = "met" if photo_ratio <= 1.5 else "MISSED"
        print(f"  pipeline / plain Pillow: {photo_ratio:.2f}×   (goal ≤ 1.5×: {verdict})")
        print(f"  upload through the stack (POST …/photos/, median of {max(1, args.photos // 2)})  {upload:7.1f} ms")
    if "heavy" in parts:
        print()
        print(
            f"worst tracks (bench/heavy_tracks.py), {args.heavy_runs} runs each; coverage + vehicle speed in this "
            f"process (CPU; goal ≤ {HEAVY_GOAL_MS:g} ms), the log through the stack (server CPU, median):"
        )
        print(
            f"  {'track':<8} {'points':>6} {'body':>8}  {'checks best / median':>21}  {'coverage':>8} {'vehicle':>7}  "
            f"{'POST new: CPU / wall':>21}  {'POST again: CPU / wall':>23}"
        )
        for kind, (checks, post) in heavy.items():
            verdict = "met" if checks["best"] <= HEAVY_GOAL_MS else "MISSED"
            print(
                f"  {kind:<8} {checks['points']:>6} {post['bytes'] / 1024:>6.0f}KB  "
                f"{checks['best']:>6.1f} / {checks['median']:>6.1f} ms {verdict:<6}  "
                f"{checks['coverage']:>8.4f} {'yes' if checks['vehicle'] else 'no':>7}  "
                f"{post['cpu']:>7.1f} / {post['wall']:>7.1f} ms  "
                f"{post['replay_cpu']:>9.1f} / {post['replay_wall']:>7.1f} ms"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
