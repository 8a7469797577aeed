"""What the benchmarks share: the machine they ran on, a throwaway PostgreSQL database with Django set up on it, and
COPY into a model's table (bench/assess.py, bench/overview.py; bench/ingest.py, bench/load.py, bench/login.py for
the machine)."""

import contextlib
import json
import os
import platform
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 50_000  # COPY lines per write


# --- environment ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Machine:
    nproc: int
    cpu: str
    memory: str
    os: str

    def __str__(self) -> str:
        return f"{self.nproc} CPUs, {self.cpu}, {self.memory} RAM; {self.os}"


def machine() -> Machine:
    cpu, memory = platform.processor() or "?", "?"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        kib = next(
            line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
        )
        memory = f"{int(kib) / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return Machine(nproc=os.cpu_count() or 1, cpu=cpu, memory=memory, os=platform.platform())


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"--database-url must name a plain database (letters, digits, _), not {name!r}")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_django(url: str, *, keep: bool = False) -> Iterator[None]:
    """Django set up on a database created for the run at `url` (one of that name is dropped first), migrated, and
    dropped afterwards unless `keep`."""
    recreate_database(url)
    try:
        setup_django(url)
        yield
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if not keep:
            drop_database(url)


def setup_django(url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=url,
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-" + uuid.uuid4().hex * 2,
        DEBUG="0",
        SECURE_HTTPS="0",
        LOG_LEVEL="WARNING",
    )
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"], cwd=ROOT, check=True, env=os.environ
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- COPY --------------------------------------------------------------------------------------------------------


def _copy_text(value) -> str:
    """A value as a field of COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, date):
        value = value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Copier:
    """COPY … FROM STDIN into `model`'s table in the text format, written in chunks; afterwards the table's id
    sequence is moved past the ids written.

    `columns` are the columns each `add(…)` gives, in that order, as COPY text already (written with str(), None for
    NULL: "t"/"f" for booleans, JSON as text; no tab, newline or backslash); `fixed` gives one value for every row
    (Python values). Every other column of the model takes its field's default: the default, "" for text, NULL where
    the column allows it, the moment of the COPY for auto_now(_add) dates. So a column added to a model with a default
    or NULL needs no change in a benchmark; one with neither stops the run before its table is written, naming it."""

    def __init__(self, cursor, model, columns: list[str], **fixed) -> None:
        from django.db.models import NOT_PROVIDED, AutoField
        from django.utils import timezone

        fields = {field.column: field for field in model._meta.concrete_fields}
        unknown = [column for column in [*columns, *fixed] if column not in fields]
        if unknown:
            raise SystemExit(f"{model._meta.db_table} has no column {', '.join(unknown)}")
        now, rest, missing = timezone.now(), {}, []
        for column, field in fields.items():
            if column in columns or column in fixed:
                continue
            if isinstance(field, AutoField) or field.db_default is not NOT_PROVIDED or field.generated:
                continue  # the database fills it in
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                rest[column] = now
                continue
            rest[column] = field.get_default()
            if rest[column] is None and not field.null:
                missing.append(column)
        if missing:
            raise SystemExit(f"{model._meta.db_table}: the benchmark gives no value for {', '.join(missing)}")
        constant = {column: _copy_text(value) for column, value in {**fixed, **rest}.items()}
        self.cursor, self.table, self.columns = cursor, model._meta.db_table, [*columns, *constant]
        self.suffix = "".join(f"\t{text}" for text in constant.values())
        self.lines: list[str] = []
        self.ids = "id" in columns

    def __enter__(self) -> "Copier":
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.table), sql.SQL(", ").join(map(sql.Identifier, self.columns))
        )
        self.copy = self.cursor.copy(statement)
        self.stream = self.copy.__enter__()
        return self

    def add(self, *values) -> None:
        self.lines.append("\t".join(r"\N" if v is None else str(v) for v in values) + self.suffix)
        if len(self.lines) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.stream.write(("\n".join(self.lines) + "\n").encode())
            self.lines = []

    def __exit__(self, *exc) -> None:
        self.flush()
        self.copy.__exit__(*exc)
        if self.ids and exc[0] is None:
            from psycopg import sql

            setval = "SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT coalesce(max(id), 1) FROM {}))"
            self.cursor.execute(sql.SQL(setval).format(sql.Literal(self.table), sql.Identifier(self.table)))


# --- the places and the people both database benchmarks start from ----------------------------------------------


def copy_places(cursor, county_of: list[int]) -> None:
    """Counties 1…max(county_of); township t (from 1) in county `county_of[t - 1]`, with one village of the same id;
    one river (id 1) for every segment."""
    from rivers.models import County, Township, Village, WaterBody

    with Copier(cursor, County, ["id", "code", "name"], kind=County.Kind.COUNTY) as out:
        for c in range(1, max(county_of) + 1):
            out.add(c, f"B{c:05d}", f"基准县{c}")
    with Copier(cursor, Township, ["id", "county_id", "code", "name"]) as out:
        for t, county in enumerate(county_of, start=1):
            out.add(t, county, f"T{t:06d}", f"基准乡镇{t}")
    with Copier(cursor, Village, ["id", "township_id", "code", "name"]) as out:
        for t in range(1, len(county_of) + 1):
            out.add(t, t, f"V{t:06d}", f"基准村{t}")
    river = {"kind": WaterBody.Kind.RIVER, "basin": WaterBody.Basin.HUAI_RIVER, "length_km": "9000.00"}
    with Copier(cursor, WaterBody, ["id", "code", "name"], **river) as out:
        out.add(1, "BR001", "基准河")


def copy_patrollers(cursor, posts: list[tuple[int, int, int]], start: date, end: date) -> None:
    """Patroller p (from 1) of posts[p - 1] = (county, township, segment): hired by the township, living in its
    village, active, under contract p from `start` to `end` on the segment, and assigned to it."""
    from staffing.models import Assignment, Contract, Patroller

    person = {
        "birth_date": date(1980, 6, 15),
        "sex": Patroller.Sex.MALE,
        "hiring_level": Patroller.HiringLevel.TOWNSHIP,
        "status": Patroller.Status.ACTIVE,
    }
    columns = ["id", "name", "id_number", "phone", "residence_village_id", "hiring_county_id", "hiring_township_id"]
    with Copier(cursor, Patroller, [*columns, "township_id"], **person) as out:
        for p, (c, t, _s) in enumerate(posts, start=1):
            out.add(p, f"巡察员{p}", f"41{p:016d}", f"138{p:08d}", t, c, t, t)
    with Copier(cursor, Contract, ["id", "patroller_id", "segment_id"], start=start, end=end) as out:
        for p, (_c, _t, s) in enumerate(posts, start=1):
            out.add(p, p, s)
    with Copier(cursor, Assignment, ["id", "patroller_id", "segment_id", "contract_id"], start=start) as out:
        for p, (_c, _t, s) in enumerate(posts, start=1):
            out.add(p, p, s, p)


def log_copier(cursor) -> Copier:
    """COPY into the patrol logs; a row: id, client_uuid, patroller_id, segment_id, date, started_at, ended_at,
    checks, actions, coverage, flags, created_at, updated_at; no track, a placeholder fingerprint (nobody sends
    these logs again)."""
    from patrol.models import PatrolLog

    columns = [
        "id", "client_uuid", "patroller_id", "segment_id", "date", "started_at", "ended_at", "checks", "actions",
        "coverage", "flags", "created_at", "updated_at",
    ]  # fmt: skip
    return Copier(cursor, PatrolLog, columns, fingerprint="0" * 64)


def photo_copier(cursor) -> Copier:
    """COPY into the photos of the logs, each 4000×3000; a row: id, log_id, client_uuid, file, thumbnail, sha256,
    phash, check_code, flags, created_at."""
    from patrol.models import Photo

    columns = [
        "id",
        "log_id",
        "client_uuid",
        "file",
        "thumbnail",
        "sha256",
        "phash",
        "check_code",
        "flags",
        "created_at",
    ]
    return Copier(cursor, Photo, columns, width=4000, height=3000)


def user_copier(cursor) -> Copier:
    """COPY into the users, with an unusable password (a benchmark signs them in without one); a row: id, username,
    role, display_name, county_id, township_id."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from accounts.models import User

    columns = ["id", "username", "role", "display_name", "county_id", "township_id"]
    return Copier(cursor, User, columns, password=UNUSABLE_PASSWORD_PREFIX)


def all_fine() -> dict[str, str]:
    """A patrol log's checks (patrol.rules.CHECKS), each at its first value: normal, clean, intact."""
    from patrol import rules

    return {code: values[0] for code, (_label, values) in rules.CHECKS.items()}
