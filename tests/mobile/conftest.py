"""The phone app's tests build on the patrol cast: an active patroller on S-HOME (tests/patrol/conftest.py)."""

from tests.patrol.conftest import (  # noqa: F401 - fixtures
    hire_patroller,
    home_segment,
    log_body,
    other_patroller,
    patrol_now,
    patroller,
    submit,
    today,
)
