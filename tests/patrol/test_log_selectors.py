"""Reads other parts of the system build on: flag counts per patroller-month and the missing-log list."""

from datetime import timedelta

import pytest

from patrol import selectors
from patrol.models import PatrolLog

pytestmark = pytest.mark.django_db


def test_flag_counts_add_up_log_and_photo_flags_per_patroller(
    cast, patroller, other_patroller, submit, log_body, today, django_assert_num_queries
):
    submit(cast["patroller"], log_body(track=[]))  # no_track
    submit(cast["patroller"], log_body(day=today - timedelta(days=1), track=[]))  # no_track
    submit(other_patroller.user, log_body())  # clean
    log = PatrolLog.objects.filter(patroller=patroller).first()
    log.photos.create(client_uuid="6f1c0000-0000-4000-8000-0000000000c1", sha256="1" * 64, flags=["no_exif"])
    log.photos.create(client_uuid="6f1c0000-0000-4000-8000-0000000000c2", sha256="2" * 64)

    # Queries: the logs' flags, the flagged photos of those logs.
    with django_assert_num_queries(2):
        counts = selectors.flag_counts(
            patroller_ids=[patroller.pk, other_patroller.pk], date_from=today - timedelta(days=30), date_to=today
        )
    assert counts[patroller.pk] == {"no_track": 2, "no_exif": 1}
    assert counts[other_patroller.pk] == {}


def test_flag_counts_only_count_logs_dated_in_the_range(cast, patroller, submit, log_body, today):
    submit(cast["patroller"], log_body(day=today - timedelta(days=2), track=[]))
    counts = selectors.flag_counts(patroller_ids=[patroller.pk], date_from=today - timedelta(days=1), date_to=today)
    assert counts[patroller.pk] == {}


def test_missing_logs_lists_patrollers_on_duty_without_a_log_that_day(
    cast, places, patroller, other_patroller, submit, log_body, today
):
    submit(cast["patroller"], log_body())
    assert selectors.missing_logs(township=places["township"], on=today) == [other_patroller]
    yesterday = today - timedelta(days=1)
    assert set(selectors.missing_logs(township=places["township"], on=yesterday)) == {patroller, other_patroller}
    assert selectors.missing_logs(township=places["neighbour"], on=today) == []
