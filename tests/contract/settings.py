"""Settings of the contract run (tests/contract/run_schemathesis.py): the production settings, read from the
environment as in a deployment, with one change — a fast password hasher. Schemathesis posts hundreds of made-up
logins, and Django hashes the password even for an unknown username; the run checks the answers' shape and
status codes, not the cost of hashing."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
