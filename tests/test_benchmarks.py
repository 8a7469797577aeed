"""The benchmark commands of docs/benchmarks.md still run: a tiny province through bench/assess.py on PostgreSQL
(the figures are not checked here — they are measured by hand and recorded in docs/benchmarks.md — but what the
benchmark counts is: every draft made both ways, statements per township prepare flat)."""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the assessment benchmark runs on PostgreSQL")
def test_the_assessment_benchmark_prepares_every_draft_with_flat_statement_counts():
    db = settings.DATABASES["default"]
    name = f"river_bench_smoke_{uuid.uuid4().hex[:8]}"
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    command = [sys.executable, "bench/assess.py", "--patrollers", "60", "--logs", "900", "--large", "12"]
    done = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
        [*command, "--database-url", url], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )

    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    patrollers = int(re.search(r"data:\s+([\d,]+) patrollers", out).group(1).replace(",", ""))
    assert patrollers == 60
    assert re.search(r"for every township \([\d,]+ calls, 60 drafts\)", out)
    assert "(60 drafts created" in out
    assert "(must not grow: flat;" in out
    assert "again (idempotent: 0 created, 0 refreshed)" in out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the overview benchmark runs on PostgreSQL")
def test_the_overview_benchmark_times_every_endpoint_against_the_plain_aggregate():
    db = settings.DATABASES["default"]
    name = f"river_bench_smoke_{uuid.uuid4().hex[:8]}"
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    command = [sys.executable, "bench/overview.py", "--patrollers", "30", "--counties", "2", "--townships", "3"]
    done = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
        [*command, "--requests", "2", "--log-months", "2", "--database-url", url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert re.search(r"data: 2 counties × 3 townships, 60 patrollers", out)
    assert re.search(r"monthly figures rebuilt from the facts: 120 patroller-months", out)
    for label in ("county overview API", "county overview page", "city overview API", "city overview page"):
        assert re.search(rf"{label}\s+p50\s+[\d.]+ ms\s+p95\s+[\d.]+ ms", out), label


@pytest.mark.django_db
def test_the_benchmarks_bare_endpoint_answers_a_token_and_is_not_served_unless_switched_on(cast):
    from knox.models import AuthToken
    from rest_framework.test import APIClient, APIRequestFactory

    from config.bench import BenchOkView

    _, token = AuthToken.objects.create(user=cast["patroller"])
    view = BenchOkView.as_view()
    factory = APIRequestFactory()

    answer = view(factory.get("/api/v1/_bench/ok/", HTTP_AUTHORIZATION=f"Token {token}"))
    assert (answer.status_code, answer.data) == (200, {"ok": True})
    assert view(factory.get("/api/v1/_bench/ok/")).status_code == 401
    assert view(factory.get("/api/v1/_bench/ok/", HTTP_AUTHORIZATION="Token nope")).status_code == 401
    # Off by default (BENCH_ENDPOINTS): a production server has no such path.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/_bench/ok/").status_code == 404


@pytest.mark.slow
def test_the_load_benchmark_runs_its_phone_and_office_mixes_without_an_error():
    """bench/load.py --tiny: a throwaway database, one gunicorn, locust for two seconds per mix (tiny figures)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    command = [sys.executable, "bench/load.py", "--tiny"]
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]
        server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"
        command += ["--database-url", server]
    done = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )

    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    out = done.stdout
    for mix in ("phone", "office"):
        assert re.search(rf"1 server\(s\), mix {mix}: [\d.]+ req/s, \d+ requests, 0 failed", out), out
    # Every request type that ran in the two seconds ran without a failure; a log submission and an office page ran
    # (on a slow machine locust may not reach every task in two seconds, so the others are checked only if present).
    for name in ("POST log (1 Hz track)", "page review"):
        assert re.search(rf"  {re.escape(name)}\s+[1-9]\d*\s+0\s", out), (name, out)
    for name in ("GET sync logs", "page sheet", "export review.xlsx"):
        row = re.search(rf"  {re.escape(name)}\s+(\d+)\s+(\d+)\s", out)
        assert row is None or row.group(2) == "0", (name, out)
