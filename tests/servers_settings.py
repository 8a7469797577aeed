"""Settings of the tests that start real app servers (tests/test_two_servers.py; the overview browser tests' demo
server, with DEBUG on): the production settings, read from the environment as in a deployment (DEBUG off,
PostgreSQL or SQLite, the object store), with two changes — a fast password hasher, and static files served
without the manifest that `collectstatic` would build."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
