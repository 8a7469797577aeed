#!/usr/bin/env python3
"""The contract run: schemathesis against the live OpenAPI schema of a real server, as a patroller and as offices.

    .venv/bin/python tests/contract/run_schemathesis.py                      # SQLite, a throwaway database file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/river_ci .venv/bin/python tests/contract/run_schemathesis.py

Steps: a fresh database (SQLite in a temporary directory; on PostgreSQL a database named after DATABASE_URL's with
`_contract` appended, dropped and created anew), `migrate` and `seed_demo` (the demo data set and its users),
gunicorn serving the project on a free loopback port with production settings (DEBUG off; tests/contract/
settings.py only swaps in a fast password hasher), one API token per role from `POST /api/v1/auth/token/`, then one
`schemathesis run` per role, side by side, against `/api/v1/schema/` with the checks below and
tests/contract/schemathesis.toml.
The run fails on any 5xx answer, any status code the schema does not document for the operation, any answer whose
Content-Type or body does not match the schema. Everything it started is stopped and removed at the end.

Options: --max-examples N (per operation and phase; default 10), --roles (default patroller,township,county,city:
demo_city is also the admin superuser, whom the role checks let through everywhere),
--seed (default 1: a failure reproduces), --keep-server-log FILE.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script: the server helpers are tests/servers.py

from tests.servers import BIN, free_port, fresh_database, server_environment, start_gunicorn, stop, wait_until_up  # noqa: E402

HERE = Path(__file__).resolve().parent
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
PASSWORD = secrets.token_urlsafe(12)
# Demo users (seed_demo) whose tokens the run uses: a patroller and the offices that act through the API.
USERS = {
    "patroller": "demo_patroller",
    "village_chief": "demo_village_chief",
    "supervisor": "demo_supervisor",
    "township": "demo_township",
    "county": "demo_county",
    "city": "demo_city",
}


def log(message: str) -> None:
    print(f"== contract: {message}", flush=True)


def run(args: list[str], env: dict) -> None:
    subprocess.run(args, cwd=ROOT, env=env, check=True)  # noqa: S603 - our own commands


def token(base: str, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(  # noqa: S310 - a loopback URL built here
        f"{base}/api/v1/auth/token/", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return json.load(answer)["token"]


def schemathesis(base: str, api_token: str, options, env: dict, workdir: Path, output) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [
            str(BIN / "schemathesis"),
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"{base}/api/v1/schema/",
            "--url",
            base,
            "--checks",
            CHECKS,
            "--max-examples",
            str(options.max_examples),
            "--seed",
            str(options.seed),
            "--workers",
            "1",
            "--no-color",
        ],
        cwd=workdir,
        env={**env, "RIVER_CONTRACT_TOKEN": api_token},
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--roles", default="patroller,township,county,city")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-server-log", type=Path, help="copy the server's log here")
    options = parser.parse_args()
    roles = [role.strip() for role in options.roles.split(",") if role.strip()]
    unknown = sorted(set(roles) - set(USERS))
    if unknown:
        parser.error(f"unknown roles {unknown}; choose among {sorted(USERS)}")

    workdir = Path(tempfile.mkdtemp(prefix="river-contract-"))
    server = None
    runs: dict[str, tuple] = {}
    server_log = workdir / "server.log"
    started = time.monotonic()
    try:
        with fresh_database(os.environ.get("DATABASE_URL"), workdir, "contract") as database_url:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            env = {
                **server_environment(database_url, workdir, "tests.contract.settings"),
                "MEDIA_ROOT": str(workdir / "media"),
            }
            log(f"database {database_url.rsplit('/', 1)[-1]}: migrate and seed the demo data")
            run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
            run([sys.executable, "manage.py", "seed_demo", "--force", f"--password={PASSWORD}"], env)

            log(f"server on {base}")
            # gunicorn answers a request line over 4094 bytes with its own HTML 400 before Django sees it;
            # schemathesis writes such query strings. Here there is no such limit, so that the run checks what the
            # application answers.
            server = start_gunicorn(
                port, env, server_log, "--workers", "2", "--timeout", "120", "--limit-request-line", "0"
            )
            wait_until_up(f"{base}/api/v1/schema/?format=json", server, timeout=60)

            # One schemathesis process per role, side by side, each with one worker: schemathesis' threads
            # (--workers 2) crash Python 3.11.7 now and then inside Hypothesis ("AST constructor recursion depth
            # mismatch", a CPython race in ast.parse between threads); processes share nothing.
            for role in roles:
                log(f"schemathesis as {USERS[role]} (max {options.max_examples} examples per operation)")
                output = (workdir / f"schemathesis-{role}.log").open("w")
                runs[role] = (output, schemathesis(base, token(base, USERS[role]), options, env, workdir, output))
            failed = []
            for role, (output, process) in runs.items():
                process.wait()
                output.close()
                log(f"schemathesis as {USERS[role]}: {'passed' if process.returncode == 0 else 'FAILED'}")
                print((workdir / f"schemathesis-{role}.log").read_text(), flush=True)
                if process.returncode != 0:
                    failed.append(role)
            if server.poll() is not None:
                log(f"the server died during the run (exit {server.returncode})")
                failed.append("server")
    finally:
        for output, process in runs.values():
            if process.poll() is None:
                process.kill()
                process.wait()
            output.close()
        if server is not None:
            stop(server)
        if options.keep_server_log and server_log.exists():
            shutil.copyfile(server_log, options.keep_server_log)
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - started
    if failed:
        log(f"FAILED for {', '.join(failed)} in {elapsed:.0f} s")
        return 1
    log(f"passed for {', '.join(roles)} in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
