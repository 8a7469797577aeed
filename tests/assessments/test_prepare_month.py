"""The monthly command (`manage.py prepare_assessments`): every township's drafts at once, exactly as each township
office's prepare would make them, in a number of queries that grows with chunks, not with townships or patrollers."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Role, User
from assessments import services
from assessments.models import Assessment, AssessmentChange
from tests.factories import run_together

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)
JAN_1 = date(2026, 1, 1)
# Everything a prepared draft holds that does not depend on when or by which statement it was written.
COMPARED = [column for column in services.DRAFT_COPY_COLUMNS if column not in ("id", "created_at", "updated_at")]


@pytest.fixture
def far_office(places):
    return User.objects.create(
        username="far_office", role=Role.TOWNSHIP_OFFICE, county=places["other_county"], township=places["far"]
    )


@pytest.fixture
def city(cast, places, segments, hire, log, village_elsewhere, far_office):
    """Patrollers in three townships of two counties, with logs that give them different suggestions."""
    people = [hire(start=JAN_1) for _ in range(3)]
    people.append(hire(start=date(2026, 5, 20)))  # joined mid-month
    people += [
        hire(segment=segments["neighbour"], office=cast["other_township_office"], village=village_elsewhere)
        for _ in range(2)
    ]
    people += [hire(segment=segments["far"], office=far_office, village=places["far_village"]) for _ in range(2)]
    for n, patroller in enumerate(people):
        for day in range(1, 2 + 7 * n % 29):
            log(patroller, date(2026, 5, day))
        if n % 2:
            log(patroller, date(2026, 5, 3), checks={"dumping": "problem"}, flags=["evidence_missing"])
            log(patroller, date(2026, 5, 4), checks={"signboard": "damaged"}, actions=["escalated"], late=timedelta(2))
    return people


def rows_by_patroller(level=Assessment.Level.TOWNSHIP) -> dict[int, dict]:
    return {row["patroller_id"]: row for row in Assessment.objects.filter(level=level).values(*COMPARED)}


def history() -> list[tuple]:
    return sorted(AssessmentChange.objects.values_list("assessment__patroller_id", "action", "user_id", "new"))


def prepare_each_township(cast, places, far_office) -> None:
    for township, office in (
        (places["township"], cast["township_office"]),
        (places["neighbour"], cast["other_township_office"]),
        (places["far"], far_office),
    ):
        services.assessments_prepare(township=township, month=MAY, by=office)


def test_the_month_command_writes_what_every_townships_own_prepare_writes(cast, places, city, far_office):
    prepare_each_township(cast, places, far_office)
    by_townships = rows_by_patroller()
    history_by_townships = [(pid, action, new) for pid, action, _user, new in history()]
    AssessmentChange.objects.all().delete()
    Assessment.objects.all().delete()

    done = services.assessments_prepare_month(month=MAY)

    assert len(by_townships) == len(city) == 8
    assert rows_by_patroller() == {
        pid: {**row, "created_by_id": None} for pid, row in by_townships.items()
    }  # the command runs as the system: nobody is named as creator
    assert [(pid, action, new) for pid, action, _user, new in history()] == history_by_townships
    assert (done.townships, done.patrollers, done.created, done.refreshed) == (3, 8, 8, 0)


def test_one_countys_month_leaves_the_other_counties_alone(places, city):
    done = services.assessments_prepare_month(month=MAY, county=places["county"])

    assert done.patrollers == 6
    assert set(Assessment.objects.values_list("county_id", flat=True)) == {places["county"].pk}


def test_running_the_month_again_creates_nothing_and_keeps_scores_and_finals(cast, places, city, log, assess):
    final = assess(city[0], MAY, passed=False)
    services.assessments_prepare_month(month=MAY)
    scored = Assessment.objects.get(patroller=city[1], month=MAY)
    services.assessment_update(assessment=scored, by=cast["township_office"], scores={"appearance": 5})
    log(city[2], date(2026, 5, 30))  # a late log: that draft's suggestion changes

    done = services.assessments_prepare_month(month=MAY)

    assert (done.created, done.refreshed) == (0, 1)
    assert Assessment.objects.count() == 8
    assert AssessmentChange.objects.filter(action="prepare").count() == 8
    final.refresh_from_db()
    assert final.status == "final" and final.scores == {"appearance": 10, "daily_work": 20, "records": 10}
    scored.refresh_from_db()
    assert scored.scores["appearance"] == 5
    refreshed = Assessment.objects.get(patroller=city[2], month=MAY)
    assert refreshed.facts["logs"] == 1 + 2 * 7 % 29 + 1
    assert refreshed.scores == refreshed.suggested


@pytest.mark.parametrize("who", ["township_office", "county_office", "patroller"])
def test_only_the_city_office_or_the_system_prepares_the_whole_city(cast, who):
    with pytest.raises(PermissionDenied):
        services.assessments_prepare_month(month=MAY, by=cast[who])


def test_a_county_office_prepares_its_own_county_only(cast, places, city):
    with pytest.raises(PermissionDenied):
        services.assessments_prepare_month(month=MAY, county=places["other_county"], by=cast["county_office"])

    done = services.assessments_prepare_month(month=MAY, county=places["county"], by=cast["county_office"])

    assert done.created == 6
    assert set(Assessment.objects.values_list("created_by", flat=True)) == {cast["county_office"].pk}


def test_a_month_not_yet_begun_is_refused(db):
    with pytest.raises(ValidationError):
        services.assessments_prepare_month(month=date(2099, 1, 1))


def test_the_month_takes_the_same_queries_however_many_townships_and_patrollers(
    cast, places, segments, hire, add_patrollers, village_elsewhere, django_assert_num_queries
):
    """The city's facts: 1 savepoint, (PostgreSQL: JIT off for the transaction), 2 contracts, 3 logs, 4 supervision
    reports, 5 release; then for the one chunk: 6 savepoint, 7 its townships locked, 8 existing rows, 9 insert of
    drafts, 10 of history rows, 11 the county's drafts of the same people (refreshed, none here), 12 release."""
    queries = 13 if connection.vendor == "postgresql" else 12
    add_patrollers(2)
    with django_assert_num_queries(queries):
        services.assessments_prepare_month(month=MAY)
    add_patrollers(5)
    for _ in range(3):
        hire(segment=segments["neighbour"], office=cast["other_township_office"], village=village_elsewhere)
    with django_assert_num_queries(queries):
        services.assessments_prepare_month(month=MAY)


def test_chunks_are_whole_townships(cast, places, segments, hire, village_elsewhere):
    for _ in range(2):
        hire(start=JAN_1)
    for _ in range(3):
        hire(segment=segments["neighbour"], office=cast["other_township_office"], village=village_elsewhere)

    done = services.assessments_prepare_month(month=MAY, chunk=1)

    assert (done.transactions, done.created) == (2, 5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_drafts_sent_by_copy_are_the_same_rows_as_by_bulk_create(monkeypatch, city):
    services.assessments_prepare_month(month=MAY)
    by_insert, history_by_insert = rows_by_patroller(), history()
    AssessmentChange.objects.all().delete()
    Assessment.objects.all().delete()
    monkeypatch.setattr(services, "COPY_FROM", 1)

    services.assessments_prepare_month(month=MAY)

    assert rows_by_patroller() == by_insert
    assert history() == history_by_insert
    # The sequences moved on: rows created later get fresh ids.
    services.assessments_prepare_month(month=date(2026, 4, 1))
    assert Assessment.objects.filter(month=date(2026, 4, 1)).count() == 7


def test_the_copy_columns_are_every_column_of_the_tables():
    assert set(services.DRAFT_COPY_COLUMNS) == {f.column for f in Assessment._meta.concrete_fields}
    assert set(services.CHANGE_COPY_COLUMNS) == {f.column for f in AssessmentChange._meta.concrete_fields}


def test_the_command_prepares_the_month_and_says_what_it_did(city):
    out = StringIO()

    call_command("prepare_assessments", "--month", "2026-05", stdout=out)

    assert Assessment.objects.count() == 8
    assert "8 patroller(s) in 3 township(s), 8 draft(s) created, 0 refreshed" in out.getvalue()


def test_the_command_reports_its_progress_chunk_by_chunk(city):
    out = StringIO()

    call_command("prepare_assessments", "--month", "2026-05", "--chunk", "1", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("2026-05 全市: facts read for 3 township(s) in ")
    assert lines[0].endswith("; 3 chunk(s) to write")
    chunks = [line.split(" patroller(s)")[0].split(": ") for line in lines[1:4]]
    assert [label for label, _ in chunks] == ["chunk 1/3", "chunk 2/3", "chunk 3/3"]
    so_far = [int(count) for _, count in chunks]
    assert so_far == sorted(set(so_far)) and so_far[-1] == 8  # a township per chunk, counted as they commit
    assert "8 patroller(s) in 3 township(s), 8 draft(s) created, 0 refreshed, in 3 transaction(s)" in lines[4]


def test_the_command_takes_a_county_by_its_code(places, city):
    call_command(
        "prepare_assessments", "--month", "2026-05", "--county", places["other_county"].code, stdout=StringIO()
    )

    assert Assessment.objects.count() == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--month", "2026-5"],
        ["--month", "2099-01"],
        ["--month", "2026-05", "--county", "x"],
    ],
)
def test_the_command_refuses_a_bad_month_or_county(db, args):
    with pytest.raises(CommandError):
        call_command("prepare_assessments", *args, stdout=StringIO())


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
def test_the_month_and_a_townships_own_prepare_at_the_same_moment_write_each_draft_once(cast, places, hire):
    for _ in range(5):
        hire(start=JAN_1)

    def prepare(i: int):
        if i % 2:
            return services.assessments_prepare_month(month=MAY)
        return services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])

    results = run_together(prepare, count=4)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Assessment.objects.count() == 5
    assert AssessmentChange.objects.filter(action="prepare").count() == 5
