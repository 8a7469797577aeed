"""The patrol fixtures (a township, its segment with a line, a patroller under contract, log bodies) for backups."""

from tests.patrol.conftest import *  # noqa: F403
