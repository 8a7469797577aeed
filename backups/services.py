"""Backups that restore (docs/deploy.md "Backups"): `manage.py backup` and `manage.py restore`.

A backup is one directory `river-backup-<UTC time>/` (or the same as a .tar with `--archive`):

- `database.dump`: PostgreSQL, `pg_dump --format=custom` of a snapshot exported by a REPEATABLE READ, READ ONLY
  transaction; the row counts and the photo list of the manifest are read in that same transaction, so they
  describe exactly what the dump holds while the service keeps running;
- `database.sqlite3`: SQLite, a copy made with SQLite's online backup API (consistent while others write);
- `media/<storage>/<name>`: every file of the default storage and of the photo fields' storage, read through the
  storage API (local disk or an S3-compatible object store alike). The database is dumped first: a photo's file is
  written before its row commits (patrol.services.photos), so every photo row in the dump has its file; a file
  without a row (an upload still in flight) is harmless;
- `manifest.json`: engine and tool versions, the latest migration of each app, the row count of every table,
  and every file with its size and SHA-256, photos with their row, so that a restore can be checked.

A restore refuses a database that holds data (anything beyond what `migrate` itself writes) unless forced, puts
the database back (PostgreSQL: every table dropped, then `pg_restore`; SQLite: the backup API copies the file
into the live database), writes every file back through the storage API, and checks row counts and checksums.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "river-backup-"
# What `migrate` writes into an empty database by itself: a database with rows only here holds no data.
MIGRATE_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (shown to the operator)."""


@dataclass
class Snapshot:
    tables: dict[str, int]
    photos: list[dict]
    migrations: dict[str, str]


# --- storages --------------------------------------------------------------------------------------------------


def storages_to_copy() -> dict[str, Storage]:
    """The storages holding media: "default", and "photos" when the photo fields use another storage."""
    from patrol.models import Photo

    found: dict[str, Storage] = {"default": default_storage}
    for field_name in ("file", "thumbnail"):
        storage = Photo._meta.get_field(field_name).storage
        if not any(_same_storage(storage, known) for known in found.values()):
            found["photos"] = storage
    return found


def _same_storage(one: Storage, other: Storage) -> bool:
    if one is other:
        return True
    try:
        return one.deconstruct() == other.deconstruct()
    except (AttributeError, TypeError, ValueError):
        return False


def walk(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name in a storage, through its listdir (a directory tree or an object store's prefixes)."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:  # a local media root not created yet
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from walk(storage, f"{path}/{directory}" if path else directory)


def _copy_out(storage: Storage, name: str, target: Path) -> tuple[int, str]:
    """Copy one stored file to `target`; (size, sha256)."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as source, target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _stored_digest(storage: Storage, name: str) -> str | None:
    if not storage.exists(name):
        return None
    digest = hashlib.sha256()
    with storage.open(name, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"unsafe file name in the backup: {name!r}")
    return path


# --- the database ----------------------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("NAME", "PGDATABASE")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])  # through the environment, never on a command line
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def tool_version(tool: str) -> tuple[int, str]:
    """(major, full) of pg_dump or pg_restore on this machine."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not installed (PostgreSQL client tools, the server's major version or newer)")
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.(\d+))?", out)
    if not match:
        raise BackupError(f"cannot read the version of {tool}: {out!r}")
    return int(match.group(1)), match.group(0)


def server_version() -> tuple[int, str]:
    connection.ensure_connection()
    number = connection.pg_version  # e.g. 150020
    major = number // 10000
    return major, f"{major}.{number % 10000}"


def _count_tables(cursor, tables: list[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from the catalogue, quoted
        counts[table] = cursor.fetchone()[0]
    return counts


def _photo_query(quote: Callable[[str], str]) -> str:
    from patrol.models import Photo

    columns = ", ".join(quote(Photo._meta.get_field(f).column) for f in ("id", "file", "thumbnail", "sha256"))
    return f"SELECT {columns} FROM {quote(Photo._meta.db_table)} ORDER BY 1"  # noqa: S608 - model names, quoted


def _photo_rows(rows) -> list[dict]:
    return [{"id": pk, "file": file, "thumbnail": thumb, "sha256": sha} for pk, file, thumb, sha in rows]


def _migrations(cursor, quote: Callable[[str], str]) -> dict[str, str]:
    table = MigrationRecorder.Migration._meta.db_table
    cursor.execute(f"SELECT app, name FROM {quote(table)} ORDER BY app, name")  # noqa: S608 - fixed names
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = name
    return latest


def dump_postgresql(target: Path) -> tuple[Snapshot, dict]:
    dump_major, dump_full = tool_version("pg_dump")
    server_major, server_full = server_version()
    if dump_major < server_major:
        raise BackupError(
            f"pg_dump {dump_full} is older than the server ({server_full}): install pg_dump {server_major} or newer"
        )
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        done = subprocess.run(  # noqa: S603 - pg_dump found on PATH, fixed arguments
            [shutil.which("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", "--no-password", "-f", target],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[-2000:]}")
        tables = connection.introspection.table_names(cursor)
        snapshot = Snapshot(
            tables=_count_tables(cursor, tables, quote),
            photos=_photo_rows(_fetch(cursor, _photo_query(quote))),
            migrations=_migrations(cursor, quote),
        )
    return snapshot, {"pg_dump": dump_full, "server": server_full, "major": dump_major}


def _fetch(cursor, sql: str) -> list:
    cursor.execute(sql)
    return cursor.fetchall()


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def copy_sqlite(target: Path) -> Snapshot:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)  # SQLite's online backup API: consistent while others write
    return read_sqlite(target)


def read_sqlite(path: Path) -> Snapshot:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        cursor = db.cursor()
        catalogue = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        tables = [row[0] for row in _fetch(cursor, catalogue)]
        return Snapshot(
            tables=_count_tables(cursor, tables, _sqlite_quote),
            photos=_photo_rows(_fetch(cursor, _photo_query(_sqlite_quote))),
            migrations=_migrations(cursor, _sqlite_quote),
        )


def live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return _count_tables(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


def holds_data() -> dict[str, int]:
    """Tables with rows beyond what `migrate` writes by itself (empty: the database may be restored over)."""
    return {table: n for table, n in live_counts().items() if n and table not in MIGRATE_TABLES}


# --- backup ----------------------------------------------------------------------------------------------------


def backup_create(*, output: Path, media: bool = True, archive: bool = False, keep: int = 0, progress=None) -> Path:
    """Write a backup into `output`; its path (a directory, or a .tar with `archive`)."""
    say = progress or (lambda _message: None)
    output.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    work = output / f"{PREFIX}{stamp}"
    suffix = 1
    while work.exists() or work.with_suffix(".tar").exists():
        suffix += 1
        work = output / f"{PREFIX}{stamp}-{suffix}"
    work.mkdir(mode=0o700)  # personal data (ID numbers, phones): readable by the service's user only
    try:
        manifest: dict = {"format": FORMAT, "created_at": timezone.now().isoformat(), "engine": connection.vendor}
        if connection.vendor == "postgresql":
            snapshot, manifest["postgresql"] = dump_postgresql(work / "database.dump")
            manifest["database"] = "database.dump"
        elif connection.vendor == "sqlite":
            snapshot = copy_sqlite(work / "database.sqlite3")
            manifest["database"] = "database.sqlite3"
        else:
            raise BackupError(f"unsupported database engine: {connection.vendor}")
        say(f"database: {len(snapshot.tables)} tables, {sum(snapshot.tables.values())} rows")
        manifest.update(tables=snapshot.tables, migrations=snapshot.migrations)

        files: dict[tuple[str, str], dict] = {}
        manifest["files"] = []
        for key, storage in storages_to_copy().items():
            for number, name in enumerate(walk(storage), start=1):
                target = work / "media" / key / _safe_name(name)
                if media:
                    size, sha = _copy_out(storage, name, target)
                else:
                    size, sha = storage.size(name), _stored_digest(storage, name)
                entry = {"storage": key, "name": name, "size": size, "sha256": sha}
                manifest["files"].append(entry)
                files[(key, name)] = entry
                if number % 1000 == 0:
                    say(f"media ({key}): {number} files")
        manifest["media"] = "copied" if media else "listed"
        say(f"media: {len(files)} files {'copied' if media else 'listed'}")
        manifest["photos"] = _photo_checks(snapshot.photos, files)
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    result = work
    if archive:
        result = work.with_suffix(".tar")
        with tarfile.open(result, "w") as tar:
            tar.add(work, arcname=work.name)
        result.chmod(0o600)
        shutil.rmtree(work)
    if keep:
        prune(output, keep)
    return result


def _photo_checks(photos: list[dict], files: dict[tuple[str, str], dict]) -> list[dict]:
    """Every photo row with the SHA-256 of its stored original and thumbnail (None when the file is missing) and
    whether the original still matches the hash recorded at upload."""
    key = "photos" if any(k == "photos" for k, _name in files) else "default"
    checked = []
    for photo in photos:
        original = files.get((key, photo["file"]), {}).get("sha256")
        thumbnail = files.get((key, photo["thumbnail"]), {}).get("sha256") if photo["thumbnail"] else None
        checked.append(
            {
                **photo,
                "file_sha256": original,
                "thumbnail_sha256": thumbnail,
                "intact": original is not None and original == photo["sha256"],
            }
        )
    return checked


def prune(output: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in `output`; the deleted paths."""
    backups = sorted(p for p in output.iterdir() if p.name.startswith(PREFIX))
    removed = backups[:-keep] if len(backups) > keep else []
    for path in removed:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return removed


# --- restore ---------------------------------------------------------------------------------------------------


def open_backup(path: Path) -> tuple[Path, Callable[[], None]]:
    """The backup's directory (a .tar is unpacked into a temporary one) and what to call when done."""
    if path.is_dir():
        return path, lambda: None
    if not tarfile.is_tarfile(path):
        raise BackupError(f"not a backup directory or .tar: {path}")
    temporary = Path(tempfile.mkdtemp(prefix="river-restore-", dir=path.parent))
    with tarfile.open(path) as tar:
        tar.extractall(temporary, filter="data")  # no absolute paths, links out or devices
    inner = [p for p in temporary.iterdir() if p.is_dir()]
    if len(inner) != 1:
        shutil.rmtree(temporary)
        raise BackupError(f"unexpected archive layout: {path}")
    return inner[0], lambda: shutil.rmtree(temporary, ignore_errors=True)


def read_manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable {MANIFEST} in {directory}: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def restore_database(directory: Path, manifest: dict) -> None:
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"the backup is of {manifest['engine']}, this database is {connection.vendor}")
    source = directory / manifest["database"]
    if not source.is_file():
        raise BackupError(f"missing {source}")
    if connection.vendor == "postgresql":
        _restore_postgresql(source, manifest)
    else:
        _restore_sqlite(source)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _restore_postgresql(source: Path, manifest: dict) -> None:
    restore_major, restore_full = tool_version("pg_restore")
    if restore_major < manifest["postgresql"]["major"]:
        raise BackupError(
            f"pg_restore {restore_full} cannot read a dump of pg_dump {manifest['postgresql']['pg_dump']}: "
            f"install pg_restore {manifest['postgresql']['major']} or newer"
        )
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if tables:
            cursor.execute(f"DROP TABLE {', '.join(quote(t) for t in tables)} CASCADE")
    done = subprocess.run(  # noqa: S603 - pg_restore found on PATH, fixed arguments
        [
            shutil.which("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            "-d",
            connection.settings_dict["NAME"],
            source,
        ],
        env=_pg_env(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()[-2000:]}")


def _restore_sqlite(source: Path) -> None:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("cannot restore SQLite inside a transaction")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup:
        backup.backup(connection.connection)  # replaces the live database's pages, under SQLite's own locks


def restore_media(directory: Path, manifest: dict, progress=None) -> tuple[int, int]:
    """Write every file of the backup back through its storage; (written, already there)."""
    say = progress or (lambda _message: None)
    if manifest.get("media") != "copied":
        say("media: the backup holds a listing only; the object store is restored by its own means")
        return 0, 0
    targets = storages_to_copy()
    written = present = 0
    for entry in manifest["files"]:
        storage = targets.get(entry["storage"]) or default_storage
        source = directory / "media" / entry["storage"] / _safe_name(entry["name"])
        if _file_digest(source) != entry["sha256"]:
            raise BackupError(f"damaged file in the backup: {entry['name']}")
        if _stored_digest(storage, entry["name"]) == entry["sha256"]:
            present += 1
            continue
        if storage.exists(entry["name"]):
            storage.delete(entry["name"])
        with source.open("rb") as handle:
            saved = storage.save(entry["name"], File(handle, name=entry["name"]))
        if saved != entry["name"]:
            raise BackupError(f"the storage renamed {entry['name']} to {saved}")
        written += 1
        if written % 1000 == 0:
            say(f"media: {written} files written")
    return written, present


def verify(manifest: dict) -> list[str]:
    """What differs between the restored service and the manifest: row counts and photo checksums."""
    problems = []
    counts = live_counts()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"{table}: {counts.get(table)} rows, the backup has {expected}")
    if manifest.get("media") == "copied":
        targets = storages_to_copy()
        key = "photos" if "photos" in targets else "default"
        for photo in manifest["photos"]:
            for field, digest in (("file", photo["file_sha256"]), ("thumbnail", photo["thumbnail_sha256"])):
                if digest and _stored_digest(targets[key], photo[field]) != digest:
                    problems.append(f"photo {photo['id']}: {photo[field]} differs from the backup")
    return problems


def close_connections() -> None:
    connections.close_all()
