"""What the rules share: the numbers that are settings."""

from django.conf import settings


def setting(key: str, default):
    """A number of settings.RIVER, read when a rule is called without it (so tests can pass their own)."""
    return settings.RIVER.get(key, default)
