"""The rule settings that must agree are checked together when the project starts (issue 9 item 6): the pass mark
is the lower bound of the 合格 band, the weights add up to 100, the grade bands rise."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from config.env import river_settings_problems

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "ASSESSMENT_WEIGHTS": {"appearance": 30, "daily_work": 40, "records": 30},
    "PASS_MARK": 60,
    "GRADE_BANDS": {"excellent": 90, "good": 75, "pass": 60},
    "SUGGESTION_REASON_GAP": 10,
    "LOG_LATE_DAYS": 3,
    "SPOT_CHECK_SHARE": Decimal("0.10"),
}


def test_the_projects_own_settings_agree():
    assert river_settings_problems(settings.RIVER) == []
    assert river_settings_problems(GOOD) == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"PASS_MARK": 65}, "RIVER_PASS_MARK (65) must equal the lower bound of the 合格 band, RIVER_GRADE_PASS (60)"),
        ({"PASS_MARK": 59}, "must equal the lower bound of the 合格 band"),
        ({"GRADE_BANDS": {"excellent": 90, "good": 75, "pass": 80}, "PASS_MARK": 80}, "must rise"),
        ({"GRADE_BANDS": {"excellent": 75, "good": 75, "pass": 60}}, "must rise"),
        ({"GRADE_BANDS": {"excellent": 101, "good": 75, "pass": 60}}, "must rise"),
        ({"ASSESSMENT_WEIGHTS": {"appearance": 30, "daily_work": 40, "records": 40}}, "add up to 100"),
        ({"ASSESSMENT_WEIGHTS": {"appearance": -10, "daily_work": 80, "records": 30}}, "add up to 100"),
        ({"ASSESSMENT_WEIGHTS": {"appearance": 30, "daily_work": 70}}, "must name exactly"),
        ({"LOG_LATE_DAYS": -1}, "RIVER_LOG_LATE_DAYS must not be negative"),
        ({"SPOT_CHECK_SHARE": Decimal("0")}, "RIVER_SPOT_CHECK_SHARE"),
        ({"SPOT_CHECK_SHARE": Decimal("1.5")}, "RIVER_SPOT_CHECK_SHARE"),
        ({"APPLICANT_WEIGHTS": {"exam": 60, "interview": 60}}, "weights must add up to 100, not 120"),
        ({"EXCELLENT_MIN_MONTHS": 0}, "RIVER_EXCELLENT_MIN_MONTHS must be a whole number from 1 to 12"),
        ({"EXCELLENT_MIN_MONTHS": 13}, "RIVER_EXCELLENT_MIN_MONTHS must be a whole number from 1 to 12"),
    ],
)
def test_each_disagreement_is_named(change, named):
    problems = river_settings_problems({**GOOD, **change})

    assert len(problems) == 1
    assert named in problems[0]


def test_the_pass_mark_and_the_band_may_move_together():
    assert river_settings_problems({**GOOD, "PASS_MARK": 65, "GRADE_BANDS": {**GOOD["GRADE_BANDS"], "pass": 65}}) == []


def python_with(code: str, *, settings_module: str, **variables: str) -> subprocess.CompletedProcess:
    """`code` run by a new interpreter under `settings_module` with these environment variables (and none of the
    caller's DEBUG, STATIC_COMPRESS or RIVER_* ones)."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "STATIC_COMPRESS") and not k.startswith("RIVER_")
    }
    return subprocess.run(  # noqa: S603 - our own interpreter, code written in this module
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**inherited, "DJANGO_SETTINGS_MODULE": settings_module, **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_fails_loudly_on_a_pass_mark_outside_the_band():
    done = python_with(
        "import django; django.setup()",
        settings_module="config.settings_test",
        RIVER_PASS_MARK="65",
        RIVER_WEIGHT_RECORDS="40",
    )

    assert done.returncode != 0
    assert "ImproperlyConfigured: Inconsistent RIVER settings" in done.stderr
    assert "RIVER_PASS_MARK (65) must equal" in done.stderr
    assert "add up to 100" in done.stderr  # every problem at once


def test_nothing_another_app_server_needs_is_kept_in_a_process():
    """Sessions, login lockouts and caches would silently differ between app servers if kept per process or on a
    server's disk (docs/deploy.md "Several app servers"; tests/test_two_servers.py shows the whole of it)."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    per_process = {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    }
    assert {cache["BACKEND"] for cache in settings.CACHES.values()}.isdisjoint(per_process)


@pytest.mark.parametrize(
    ("compress", "backend"),
    [
        (None, "whitenoise.storage.CompressedManifestStaticFilesStorage"),
        ("1", "whitenoise.storage.CompressedManifestStaticFilesStorage"),
        ("0", "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"),
    ],
)
def test_production_static_files_are_hashed_and_compressed_unless_told_not_to(compress, backend):
    """README: STATIC_COMPRESS=0 leaves out the .gz/.br copies (a proxy compresses); the names stay hashed."""
    variables = {"SECRET_KEY": "a-test-secret-that-is-long-enough-for-the-checks-0123456789"}
    if compress is not None:
        variables["STATIC_COMPRESS"] = compress
    done = python_with(
        "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])",
        settings_module="config.settings",
        **variables,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == backend
