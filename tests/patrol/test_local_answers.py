"""A log answers the local check items (第八条) in force on its date for its segment under `local_checks`; local
problems need photos and are escalated like fixed ones; the answers read back, and show on the review page and in
its export. Also the new action `mediation` (第七条) (issue 9, item 7).
"""

import hashlib
import io
import json
import uuid
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.dateparse import parse_datetime
from openpyxl import load_workbook

from patrol import services
from patrol.models import PatrolLog, ProblemReport
from tests.factories import as_serialized
from tests.patrol.photo_images import jpeg_bytes, picture

pytestmark = pytest.mark.django_db

LOGS = "/api/v1/patrol-logs/"
EMBANKMENT = [
    {"value": "intact", "label": "完好"},
    {"value": "cracked", "label": "有裂缝", "problem": True},
    {"value": "collapsed", "label": "有塌陷", "problem": True},
]


@pytest.fixture
def items(cast, today):
    """The county-wide yes/no `sand_mining` (from 3 days ago) and the home township's list item `embankment` (from
    today), both as if added a week ago."""
    added = today - timedelta(days=7)
    county = services.local_check_create(
        by=cast["county_office"],
        code="sand_mining",
        name="非法采砂",
        kind="yes_no",
        starts_on=today - timedelta(days=3),
        today=added,
    )
    township = services.local_check_create(
        by=cast["township_office"],
        code="embankment",
        name="堤防护坡",
        kind="choice",
        options=EMBANKMENT,
        starts_on=today,
        today=added,
    )
    return {"county": county, "township": township}


FINE = {"sand_mining": "normal", "embankment": "intact"}


def errors_of(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["errors"]


def test_a_log_answering_every_item_in_force_is_stored_and_read_back(cast, patroller, items, submit, log_body):
    response = submit(cast["patroller"], log_body(local_checks=dict(FINE)))

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["local_checks"] == FINE
    assert PatrolLog.objects.get(pk=answer["id"]).local_checks == FINE
    assert answer == as_serialized(answer["id"])
    assert answer["flags"] == []


def test_a_missing_answer_is_refused_naming_the_item(cast, patroller, items, submit, log_body):
    errors = errors_of(submit(cast["patroller"], log_body(local_checks={"sand_mining": "normal"})))
    assert list(errors) == ["local_checks"]
    assert "堤防护坡" in errors["local_checks"][0] and "embankment" in errors["local_checks"][0]
    assert not PatrolLog.objects.exists()


def test_a_log_without_local_checks_is_refused_when_items_are_in_force(cast, patroller, items, submit, log_body):
    body = log_body()
    body.pop("local_checks", None)
    messages = errors_of(submit(cast["patroller"], body))["local_checks"]
    assert len(messages) == 2 and "非法采砂" in messages[0] and "堤防护坡" in messages[1]


def test_an_unknown_code_and_a_value_off_the_list_are_refused_naming_them(cast, patroller, items, submit, log_body):
    body = log_body(local_checks={**FINE, "embankment": "normal", "weather": "sunny"})
    messages = " ".join(errors_of(submit(cast["patroller"], body))["local_checks"])
    assert "weather" in messages
    assert "堤防护坡" in messages and "intact、cracked、collapsed" in messages


def test_an_item_of_another_township_is_unknown_here(cast, patroller, items, submit, log_body, today):
    services.local_check_create(
        by=cast["other_township_office"],
        code="neighbour_only",
        name="邻镇检查",
        kind="yes_no",
        starts_on=today - timedelta(days=1),
        today=today - timedelta(days=2),
    )
    body = log_body(local_checks={**FINE, "neighbour_only": "normal"})
    assert "neighbour_only" in errors_of(submit(cast["patroller"], body))["local_checks"][0]


def test_local_answers_must_be_an_object(cast, patroller, items, submit, log_body):
    assert "local_checks" in errors_of(submit(cast["patroller"], log_body(local_checks=["normal"])))


def test_a_log_dated_the_day_before_an_items_start_does_not_answer_it(cast, patroller, items, submit, log_body, today):
    yesterday = today - timedelta(days=1)
    # The township item starts today: yesterday's log answers the county item only, and may not answer it.
    ok = submit(cast["patroller"], log_body(day=yesterday, local_checks={"sand_mining": "normal"}))
    assert ok.status_code == 201, ok.json()
    too_many = submit(cast["patroller"], log_body(day=yesterday, local_checks=dict(FINE)))
    assert "embankment" in errors_of(too_many)["local_checks"][0]
    # Its first day needs it.
    assert (
        "堤防护坡"
        in errors_of(submit(cast["patroller"], log_body(local_checks={"sand_mining": "normal"})))["local_checks"][0]
    )


def test_a_retired_item_is_answered_up_to_the_day_before_it_retires(cast, patroller, items, submit, log_body, today):
    item = items["county"]
    item.retired_on, item.retired_at, item.retired_by = today, item.created_at, cast["county_office"]
    item.save()  # as if retired yesterday from today on (the service allows tomorrow at the earliest)
    yesterday = today - timedelta(days=1)

    assert submit(cast["patroller"], log_body(day=yesterday, local_checks={"sand_mining": "normal"})).status_code == 201
    assert submit(cast["patroller"], log_body(local_checks={"embankment": "intact"})).status_code == 201
    assert "sand_mining" in errors_of(submit(cast["patroller"], log_body(local_checks=dict(FINE))))["local_checks"][0]


def test_a_replay_with_local_checks_answers_the_stored_log_and_other_answers_conflict(
    cast, patroller, items, submit, log_body
):
    body = log_body(local_checks=dict(FINE))
    first = submit(cast["patroller"], body)
    assert first.status_code == 201

    again = submit(cast["patroller"], {**body, "local_checks": dict(reversed(list(FINE.items())))})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]

    changed = submit(cast["patroller"], {**body, "local_checks": {**FINE, "embankment": "cracked"}})
    assert changed.status_code == 409
    assert PatrolLog.objects.count() == 1


def test_a_replay_still_answers_after_its_items_changed(cast, patroller, items, submit, log_body, today):
    body = log_body(local_checks=dict(FINE))
    first = submit(cast["patroller"], body).json()
    services.local_check_create(
        by=cast["county_office"],
        code="late_item",
        name="后加检查项",
        kind="yes_no",
        starts_on=today,
        today=today - timedelta(days=1),
    )  # made as if added yesterday: the stored log would now miss it
    again = submit(cast["patroller"], body)
    assert (again.status_code, again.json()["id"]) == (200, first["id"])


def test_a_fingerprint_without_local_answers_is_unchanged():
    """Logs stored before local items existed must stay replays: their canonical form has no local_checks."""
    from patrol import rules

    args = {
        "client_uuid": uuid.UUID(int=1),
        "patroller_id": 1,
        "segment_id": 2,
        "day": date(2026, 11, 20),
        "started_at": parse_datetime("2026-11-20T08:00:00+08:00"),
        "ended_at": parse_datetime("2026-11-20T09:00:00+08:00"),
        "checks": {"dumping": "normal"},
        "actions": [],
        "notes": "",
        "track": [],
    }
    # The canonical form of the previous release, spelled out: the same ten keys, no local_checks.
    before = {
        "client_uuid": str(args["client_uuid"]),
        "patroller": 1,
        "segment": 2,
        "date": "2026-11-20",
        "started_at": "2026-11-20T08:00:00+08:00",
        "ended_at": "2026-11-20T09:00:00+08:00",
        "checks": {"dumping": "normal"},
        "actions": [],
        "notes": "",
        "track": [],
    }
    encoded = json.dumps(before, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert (
        rules.fingerprint(**args) == rules.fingerprint(**args, local_checks={}) == hashlib.sha256(encoded).hexdigest()
    )
    assert rules.fingerprint(**args) != rules.fingerprint(**args, local_checks={"sand_mining": "normal"})


def test_a_local_problem_needs_a_photo_and_a_photo_tagged_with_its_code_clears_it(
    cast, patroller, items, submit, log_body, api, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    log = submit(cast["patroller"], log_body(local_checks={**FINE, "embankment": "cracked"})).json()
    assert log["flags"] == ["evidence_missing"]

    client = api.as_user(cast["patroller"])
    wrong = client.post(
        f"{LOGS}{log['id']}/photos/",
        {"client_uuid": str(uuid.uuid4()), "file": _jpeg(), "check": "neighbour_only"},
        format="multipart",
    )
    assert wrong.status_code == 400 and "check" in wrong.json()["errors"]
    tagged = client.post(
        f"{LOGS}{log['id']}/photos/",
        {"client_uuid": str(uuid.uuid4()), "file": _jpeg(), "check": "embankment"},
        format="multipart",
    )
    assert tagged.status_code == 201, tagged.json()
    assert tagged.json()["check"] == "embankment"
    assert client.get(f"{LOGS}{log['id']}/").json()["flags"] == []


def test_a_photo_of_a_fixed_check_does_not_cover_a_local_problem(
    cast, patroller, items, submit, log_body, api, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    body = log_body(
        checks={**log_body()["checks"], "dumping": "problem"}, local_checks={**FINE, "sand_mining": "problem"}
    )
    log = submit(cast["patroller"], body).json()
    client = api.as_user(cast["patroller"])
    client.post(
        f"{LOGS}{log['id']}/photos/",
        {"client_uuid": str(uuid.uuid4()), "file": _jpeg(), "check": "dumping"},
        format="multipart",
    )
    assert client.get(f"{LOGS}{log['id']}/").json()["flags"] == ["evidence_missing"]


def test_an_escalated_local_problem_becomes_a_problem_report_named_after_the_item(
    cast, patroller, items, submit, log_body, api
):
    body = log_body(local_checks={**FINE, "sand_mining": "problem"}, actions=["stopped", "escalated"])
    response = submit(cast["patroller"], body)
    assert response.status_code == 201, response.json()

    report = ProblemReport.objects.get()
    assert (report.category, report.local_check, report.category_label) == (
        "sand_mining",
        items["county"],
        "非法采砂",
    )
    listed = api.as_user(cast["township_office"]).get("/api/v1/problem-reports/").json()["results"]
    assert [(r["category"], r["category_label"], r["local_check"]) for r in listed] == [
        ("sand_mining", "非法采砂", items["county"].pk)
    ]


def test_escalating_needs_a_problem_fixed_or_local(cast, patroller, items, submit, log_body):
    fine = submit(cast["patroller"], log_body(local_checks=dict(FINE), actions=["escalated"]))
    assert "actions" in errors_of(fine)
    assert not ProblemReport.objects.exists()


def test_mediation_is_an_action_stored_in_the_order_of_article_7(cast, patroller, submit, log_body):
    response = submit(cast["patroller"], log_body(actions=["outreach", "mediation", "stopped"]))
    assert response.status_code == 201, response.json()
    assert response.json()["actions"] == ["stopped", "mediation", "outreach"]


def test_the_review_page_and_its_export_show_local_answers_and_mediation(
    cast, patroller, items, submit, log_body, web, today
):
    body = log_body(local_checks={**FINE, "embankment": "cracked"}, actions=["mediation"])
    assert submit(cast["patroller"], body).status_code == 201
    office = web(cast["township_office"])

    page = office.get("/patrol/review/", {"date": today.isoformat()}).content.decode()
    assert "堤防护坡：有裂缝" in page  # the problem, in the problems column
    assert "非法采砂 正常" in page  # every local answer
    assert "配合涉水纠纷调解" in page

    export = office.get("/patrol/review.xlsx", {"date": today.isoformat()})
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    header, row = list(book["巡查日志"].iter_rows(values_only=True))[:2]
    assert header[5:8] == ("发现问题", "本地检查项", "处置措施")
    assert row[5] == "堤防护坡：有裂缝"
    assert row[6] == "非法采砂：正常；堤防护坡：有裂缝"
    assert row[7] == "配合涉水纠纷调解"


def test_the_schema_documents_local_checks_and_the_checklist(api, cast):
    schema = api.as_user(cast["city_office"]).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    body = schema["components"]["schemas"]["PatrolLogInputRequest"]["properties"]
    assert body["local_checks"]["type"] == "object"
    assert body["actions"]["items"]["$ref"] == "#/components/schemas/ActionEnum"
    assert "mediation" in schema["components"]["schemas"]["ActionEnum"]["enum"]
    assert "local_checks" in schema["components"]["schemas"]["PatrolLog"]["properties"]
    assert "/api/v1/checklist/" in schema["paths"]
    assert "/api/v1/local-checks/{id}/retire/" in schema["paths"]


def _jpeg():
    return SimpleUploadedFile("IMG_0001.jpg", jpeg_bytes(picture(seed=5)), content_type="image/jpeg")
