"""The demo patrol logs of `seed_demo`: months of daily logs in the demo county where every flag shows, problem
reports in every state of their workflow, photos through the real pipeline, and nothing new on a second run.

The demo city is seeded once for the package (tests/demo/conftest.py, six weeks of logs); one test checks it all.
"""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from patrol import demo, rules, selectors
from patrol.models import PatrolLog, Photo, ProblemEvent, ProblemReport
from rivers import demo as register
from rivers.models import County
from staffing.models import Contract

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-city")]


def flag_counts(model) -> Counter:
    counts: Counter = Counter()
    for flags in model.objects.values_list("flags", flat=True):
        counts.update(flags)
    return counts


def rows() -> tuple[int, int, int, int]:
    return (
        PatrolLog.objects.count(),
        Photo.objects.count(),
        ProblemReport.objects.count(),
        ProblemEvent.objects.count(),
    )


def test_seed_demo_adds_weeks_of_patrols_showing_every_flag_and_a_second_run_adds_nothing(demo_city):
    assert "演示巡查日志" in demo_city.output
    days = demo_city.days
    today = timezone.localdate()

    # Every county of the city has logs (the overview shows a patrol rate for each); the demo county's story —
    # escalations, photos, local items — stays in the demo county.
    assert set(County.objects.values_list("pk", flat=True)) == set(
        PatrolLog.objects.values_list("segment__township__county_id", flat=True).distinct()
    )
    assert (
        not PatrolLog.objects.exclude(segment__township__county__code=register.DEMO_COUNTY_CODE)
        .filter(Q(actions__icontains=rules.ESCALATED) | ~Q(local_checks={}))
        .exists()
    )
    assert not Photo.objects.exclude(log__segment__township__county__code=register.DEMO_COUNTY_CODE).exists()
    # Daily logs of the demo county's patrollers, some days missed, none in the future.
    logs = PatrolLog.objects.filter(segment__township__county__code=register.DEMO_COUNTY_CODE)
    patrollers = logs.values("patroller").distinct().count()
    # Everyone of the demo county under contract two weeks ago and still a week ago (at least eight days on duty:
    # even a lazy patroller walks some of them) has logs. How many that is depends on the season: the demo's new
    # hires start on 1 January, so early in January it is the renewing half of the roster.
    two_weeks_ago, a_week_ago = today - timedelta(days=14), today - timedelta(days=7)
    on_duty = set(
        Contract.objects.filter(
            patroller__is_demo=True,
            segment__township__county__code=register.DEMO_COUNTY_CODE,
            start__lte=two_weeks_ago,
            end__gte=a_week_ago,
        )
        .exclude(terminated_on__lt=a_week_ago)
        .values_list("patroller_id", flat=True)
    )
    assert len(on_duty) > 20
    assert on_duty <= set(logs.values_list("patroller_id", flat=True))
    assert logs.values("date").distinct().count() >= days - 1  # today's walks may not have happened yet
    assert logs.count() < patrollers * days
    assert not logs.filter(date__gt=today).exists()

    # Every flag code shows, on realistic data: most logs are clean walks, in the demo county and elsewhere.
    assert set(rules.LOG_FLAGS) <= set(flag_counts(PatrolLog)), flag_counts(PatrolLog)
    assert set(rules.PHOTO_FLAGS) <= set(flag_counts(Photo)), flag_counts(Photo)
    clean = sum(1 for flags in logs.values_list("flags", flat=True) if not flags)
    assert clean > 0.7 * logs.count()
    elsewhere = PatrolLog.objects.exclude(segment__township__county__code=register.DEMO_COUNTY_CODE)
    assert sum(1 for flags in elsewhere.values_list("flags", flat=True) if not flags) > 0.7 * elsewhere.count()
    # Only a picture really used twice is a duplicate (the drawn pictures do not look alike by accident).
    for photo in Photo.objects.filter(flags__icontains='"duplicate_photo"'):
        assert Photo.objects.filter(sha256=photo.sha256).exclude(log=photo.log).exists()

    # Photos went through the pipeline, from the demo logins' phones.
    photos = Photo.objects.select_related("log__patroller__user")
    assert photos.count() >= 5
    assert {p.log.patroller.user.username for p in photos} <= set(demo.PHOTO_USERS)
    assert all(p.thumbnail and p.sha256 and p.phash for p in photos)

    # Escalations are reports at every stage, some overdue, each with a history ending in its status.
    statuses = Counter(ProblemReport.objects.values_list("status", flat=True))
    assert {"assigned", "resolved", "closed", "reopened"} <= set(statuses), statuses
    assert ProblemReport.objects.filter(selectors.overdue_q(today)).exists()
    for report in ProblemReport.objects.prefetch_related("events"):
        events = list(report.events.all())
        assert events[0].from_status == "" and events[-1].to_status == report.status
        assert all(e.at >= report.created_at for e in events)

    before = rows()
    again = demo.seed_patrol_logs(stdout=io.StringIO(), now=demo_city.started)
    assert (again.logs, again.photos, again.moved) == (0, 0, 0)
    assert rows() == before
