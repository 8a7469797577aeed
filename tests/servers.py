"""Real servers for the tests and runs that need them: a free loopback port, a fresh database beside DATABASE_URL's,
the environment of a production-like server process, gunicorn started on the project, waiting until it answers, and
stopping it. Used by tests/test_two_servers.py, tests/test_request_limits_http.py, the overview browser tests' demo
server and the contract run (tests/contract/run_schemathesis.py, run as a script). Plain standard library: nothing
here needs Django.
"""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def fresh_database(url: str | None, folder: Path, suffix: str) -> Iterator[str]:
    """The URL of a fresh, empty database, removed afterwards: a SQLite file in `folder` unless `url` names
    PostgreSQL; then a database named after `url`'s with `_<suffix>` appended, dropped and created anew."""
    if not url or url.startswith("sqlite"):
        yield f"sqlite:///{folder / f'{suffix}.sqlite3'}"
        return
    import psycopg  # PostgreSQL only; in requirements.txt

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))

    def execute(sql: str) -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql)

    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_environment(database_url: str, folder: Path, settings: str) -> dict[str, str]:
    """The environment of a server process with production settings (DEBUG off, a fresh secret, HTTPS switches off
    on loopback) over `database_url`, static files in `folder`/static; none of the caller's Django or object-store
    variables is passed on."""
    static = folder / "static"
    static.mkdir(exist_ok=True)  # the API serves no assets; an empty STATIC_ROOT keeps whitenoise quiet
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OBJECT_STORAGE"))}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": HOST,
        "SECURE_HTTPS": "0",
        "STATIC_ROOT": str(static),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def start_gunicorn(port: int, env: dict[str, str], log: Path, *options: str) -> subprocess.Popen:
    """gunicorn serving the project (its gunicorn.conf.py applies) on the loopback `port`, output to `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"{HOST}:{port}", *options],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    """Until `url` answers (any HTTP status); RuntimeError if the process stops first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} stopped on start (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=30):  # noqa: S310 - a loopback URL built by the caller
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(*processes: subprocess.Popen) -> None:
    """Terminate the processes, then kill whichever is still running after 20 s."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
