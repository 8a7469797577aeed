"""Login benchmark (issue 10): what one password login costs, before (PBKDF2) and after (Argon2). Prints figures.

    .venv/bin/python bench/login.py [--rounds 9]

In one process, on a throwaway SQLite file, with the production settings (DEBUG off, django-axes on), for each
password hasher configuration:

1. the hasher alone: `check_password` of a stored hash (what every login pays, and a failed attempt too);
2. the full token login, `POST /api/v1/auth/token/` through Django's test client (axes, the hash check, the token);
3. the full page login, `POST /accounts/login/` (the session instead of the token).

The configurations: Django's default hasher list (PBKDF2-SHA256 first: the service before issue 10), Django's own
Argon2 hasher first (100 MiB, 8 lanes: for comparison) and the project's (`config/settings.py`: Argon2id at OWASP's
parameters first, PBKDF2 kept to verify old hashes). Then the upgrade: a user whose
hash is still PBKDF2 logs in under the project's settings — the one login that pays both (verify PBKDF2, hash
Argon2) — and the hash stored afterwards is shown to be Argon2. Medians of `--rounds`, after one warm-up.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, machine

PASSWORD = "correct horse battery"  # noqa: S105 - the benchmark's throwaway user


def timed(action, rounds: int) -> list[float]:
    action()  # warm-up: imports, first queries, the hasher's first run
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def figure(times: list[float]) -> str:
    return f"{statistics.median(times):7.1f} ms  (min {min(times):.1f}, max {max(times):.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="river-bench-login-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="bench-login-only-" + "x" * 40,
        SECURE_HTTPS="0",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic for a benchmark

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import check_password, identify_hasher, make_password
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils.crypto import get_random_string

    from accounts.models import Role, User

    call_command("migrate", verbosity=0)
    project_hashers = list(settings.PASSWORD_HASHERS)
    django_default = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]

    def new_user() -> User:
        user = User(username=f"bench_{get_random_string(8)}", role=Role.CITY_OFFICE)
        user.set_password(PASSWORD)
        user.save()
        return user

    def api_login(user: User) -> None:
        response = Client().post(
            "/api/v1/auth/token/",
            {"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content

    def page_login(user: User) -> None:
        response = Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.status_code

    print(f"machine:  {machine()}; Python {platform.python_version()}")
    print(f"rounds:   {args.rounds} (median, after one warm-up)\n")
    for label, hashers in (
        ("before: Django's default hashers (PBKDF2 first)", django_default),
        ("for comparison: Django's own Argon2 parameters first", django_default[2:3] + django_default[:2]),
        ("after:  the project's hashers (Argon2 first, accounts/hashers.py)", project_hashers),
    ):
        with override_settings(PASSWORD_HASHERS=hashers):
            user = new_user()
            hasher = identify_hasher(user.password)
            print(f"{label}\n  stored hash: {hasher.algorithm}, {hasher.safe_summary(user.password)}")
            encoded = user.password
            lines = [
                ("check_password alone", lambda encoded=encoded: check_password(PASSWORD, encoded)),
                ("POST /api/v1/auth/token/", lambda user=user: api_login(user)),
                ("POST /accounts/login/", lambda user=user: page_login(user)),
            ]
            for name, action in lines:
                print(f"  {name:<28}{figure(timed(action, args.rounds))}")
            print()

    upgrades = []
    for _ in range(args.rounds):
        with override_settings(PASSWORD_HASHERS=django_default):
            user = new_user()
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        start = time.perf_counter()
        api_login(user)
        upgrades.append((time.perf_counter() - start) * 1000)
        user.refresh_from_db()
        assert identify_hasher(user.password).algorithm == "argon2", user.password[:20]
    print("upgrade: a PBKDF2 hash logging in under the project's hashers (verify PBKDF2, store Argon2)")
    print(f"  {'POST /api/v1/auth/token/':<28}{figure(upgrades)}  → stored hash afterwards: argon2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
