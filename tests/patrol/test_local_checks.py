"""Local check items (第八条): who keeps which, the dates they apply, the checklist phones render, and how the
offices' list reads (issue 9, item 7).

The world (tests/conftest.py): 金水区 with the home township 丰庆路街道 (S-HOME, the cast's patroller) and the
neighbour 杨金路街道; 中牟县 with 官渡镇.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patrol import rules, services
from patrol.models import LocalCheck
from patrol.selectors import local_checks
from staffing.models import AuditEntry

pytestmark = pytest.mark.django_db

CHECKLIST = "/api/v1/checklist/"
ITEMS = "/api/v1/local-checks/"
FIXED = [
    "sewage_outfall",
    "dumping",
    "reclamation",
    "illegal_building",
    "illegal_fishing",
    "surface_cleanliness",
    "signboard",
]
EMBANKMENT = [{"label": "完好"}, {"label": "有裂缝", "problem": True}, {"label": "有塌陷", "problem": True}]


@pytest.fixture
def add_item(cast, today):
    """add_item(office, code, starts_on=…, …) → an item added by `office` through the service. Items normally start
    tomorrow at the earliest: a start in the past is made as if added that long ago (`today` of the service)."""

    def add(office: str, code: str, *, starts_on: date | None = None, kind: str = "yes_no", options=(), name=""):
        starts_on = starts_on or today + timedelta(days=1)
        return services.local_check_create(
            by=cast[office],
            code=code,
            name=name or f"检查{code}",
            kind=kind,
            options=list(options),
            starts_on=starts_on,
            today=min(today, starts_on - timedelta(days=1)),
        )

    return add


# --- who keeps which items ------------------------------------------------------------------------------------


def test_a_township_office_adds_items_for_its_township_and_a_county_office_county_wide_ones(cast, add_item, places):
    mine = add_item("township_office", "embankment", kind="choice", options=EMBANKMENT)
    county_wide = add_item("county_office", "sand_mining")

    assert (mine.county, mine.township) == (places["county"], places["township"])
    assert (county_wide.county, county_wide.township) == (places["county"], None)
    assert [v.as_json() for v in mine.values] == [
        {"value": "v1", "label": "完好", "problem": False},
        {"value": "v2", "label": "有裂缝", "problem": True},
        {"value": "v3", "label": "有塌陷", "problem": True},
    ]
    assert mine.created_by == cast["township_office"] and mine.created_at is not None
    entry = AuditEntry.objects.get(entity="local_check", entity_id=mine.pk)
    assert (entry.action, entry.user, entry.new["code"]) == ("create", cast["township_office"], "embankment")


@pytest.mark.parametrize("role", ["city_office", "patroller", "village_chief", "supervisor"])
def test_only_township_and_county_offices_keep_items(cast, today, role):
    with pytest.raises(PermissionDenied):
        services.local_check_create(
            by=cast[role], code="sand_mining", name="非法采砂", kind="yes_no", starts_on=today + timedelta(days=1)
        )


def test_a_code_names_one_item_in_the_whole_county_for_ever(cast, add_item, today):
    add_item("county_office", "sand_mining")
    for office in ("township_office", "other_township_office", "county_office"):
        with pytest.raises(ValidationError) as error:
            add_item(office, "sand_mining")
        assert "已在金水区使用过" in error.value.message_dict["code"][0]
    # Another county may use it; a retired item keeps its code.
    assert add_item("other_county_office", "sand_mining").county.name == "中牟县"


@pytest.mark.parametrize(
    ("code", "field"),
    [("dumping", "code"), ("Sand", "code"), ("x", "code"), ("采砂", "code"), ("ok_code", None)],
)
def test_codes_are_lower_case_words_and_never_a_fixed_checks(add_item, code, field):
    if field is None:
        assert add_item("township_office", code).code == code
        return
    with pytest.raises(ValidationError) as error:
        add_item("township_office", code)
    assert field in error.value.message_dict


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([{"label": "完好"}], "2至8个"),
        ([{"label": f"值{n}"} for n in range(9)], "2至8个"),
        ([{"label": "完好"}, {"label": "完好", "problem": True}], "不能重复"),
        ([{"label": "裂缝", "problem": True}, {"label": "塌陷", "problem": True}], "不算问题"),
        ([{"label": "完好"}, {"label": "有裂缝", "value": "Bad Code"}], "选项编码"),
    ],
    ids=["one value", "nine values", "repeated", "all problems", "bad value code"],
)
def test_a_list_item_needs_two_to_eight_distinct_values_one_of_them_fine(add_item, options, message):
    with pytest.raises(ValidationError) as error:
        add_item("township_office", "embankment", kind="choice", options=options)
    assert message in " ".join(error.value.message_dict["values"])


def test_items_start_tomorrow_at_the_earliest(cast, today):
    def create(starts_on):
        return services.local_check_create(
            by=cast["county_office"], code="sand_mining", name="非法采砂", kind="yes_no", starts_on=starts_on
        )

    with pytest.raises(ValidationError) as error:
        create(today)
    assert "最早为明天" in error.value.message_dict["starts_on"][0]
    assert create(today + timedelta(days=1)).starts_on == today + timedelta(days=1)


def test_retiring_keeps_the_item_and_applies_from_tomorrow_at_the_earliest(cast, add_item, today):
    item = add_item("township_office", "embankment", starts_on=today - timedelta(days=10))
    office = cast["township_office"]

    with pytest.raises(ValidationError):
        services.local_check_retire(item=item, by=office, retired_on=today)
    retired = services.local_check_retire(
        item=item, by=office, retired_on=today + timedelta(days=1), reason="堤防已加固"
    )

    assert (retired.retired_on, retired.retired_by, retired.retire_reason) == (
        today + timedelta(days=1),
        office,
        "堤防已加固",
    )
    assert retired.in_force_on(today) and not retired.in_force_on(today + timedelta(days=1))
    entry = AuditEntry.objects.get(entity="local_check", entity_id=item.pk, action="retire")
    assert (entry.old["retired_on"], entry.new["retired_on"], entry.reason) == (
        None,
        (today + timedelta(days=1)).isoformat(),
        "堤防已加固",
    )
    # Once retired, it stays retired.
    with pytest.raises(ValidationError) as error:
        services.local_check_retire(
            item=retired, by=office, retired_on=today + timedelta(days=5), today=today + timedelta(days=2)
        )
    assert "已于" in error.value.message_dict["retired_on"][0]
    assert LocalCheck.objects.filter(pk=item.pk).exists()


def test_an_item_retired_on_its_first_day_never_applies(cast, add_item, today):
    start = today + timedelta(days=3)
    item = add_item("county_office", "sand_mining", starts_on=start)
    with pytest.raises(ValidationError):
        services.local_check_retire(item=item, by=cast["county_office"], retired_on=start - timedelta(days=1))
    item = services.local_check_retire(item=item, by=cast["county_office"], retired_on=start)
    assert not any(item.in_force_on(start + timedelta(days=n)) for n in range(-1, 3))


@pytest.mark.parametrize("office", ["county_office", "other_township_office", "city_office"])
def test_only_the_office_that_keeps_an_item_retires_it(cast, add_item, today, office):
    item = add_item("township_office", "embankment")
    with pytest.raises(PermissionDenied):
        services.local_check_retire(item=item, by=cast[office], retired_on=today + timedelta(days=2))


# --- the checklist --------------------------------------------------------------------------------------------


def test_a_patroller_gets_the_seven_fixed_checks_then_their_county_and_township_items(
    cast, api, patroller, add_item, today, places
):
    add_item("county_office", "sand_mining", starts_on=today - timedelta(days=3), name="非法采砂")
    add_item(
        "township_office",
        "embankment",
        starts_on=today - timedelta(days=1),
        kind="choice",
        options=EMBANKMENT,
        name="堤防护坡",
    )
    add_item("other_township_office", "neighbour_only", starts_on=today - timedelta(days=1))
    add_item("other_county_office", "far_only", starts_on=today - timedelta(days=1))

    answer = api.as_user(cast["patroller"]).get(CHECKLIST).json()

    assert answer["date"] == today.isoformat()
    assert [c["code"] for c in answer["checks"]] == [*FIXED, "sand_mining", "embankment"]
    assert answer["checks"][0] == {
        "code": "sewage_outfall",
        "name": "入河排污",
        "local": False,
        "kind": "yes_no",
        "values": [
            {"value": "normal", "label": "正常", "problem": False},
            {"value": "problem", "label": "有问题", "problem": True},
        ],
    }
    cleanliness = answer["checks"][5]
    assert (cleanliness["kind"], [v["value"] for v in cleanliness["values"] if v["problem"]]) == (
        "choice",
        ["floating_debris", "dirty"],
    )
    assert answer["checks"][6]["kind"] == "choice"
    assert answer["checks"][7] == {
        "code": "sand_mining",
        "name": "非法采砂",
        "local": True,
        "kind": "yes_no",
        "area": {"level": "county", "id": places["county"].pk, "name": "金水区"},
        "values": [
            {"value": "normal", "label": "正常", "problem": False},
            {"value": "problem", "label": "有问题", "problem": True},
        ],
    }
    assert answer["checks"][8]["area"] == {"level": "township", "id": places["township"].pk, "name": "丰庆路街道"}
    assert [v["label"] for v in answer["checks"][8]["values"]] == ["完好", "有裂缝", "有塌陷"]
    assert [a["value"] for a in answer["actions"]] == [
        "stopped",
        "escalated",
        "cleaned",
        "assisted_enforcement",
        "mediation",
        "outreach",
    ]
    assert {"value": "mediation", "label": "配合涉水纠纷调解"} in answer["actions"]


def test_the_checklist_of_a_day_holds_the_items_in_force_that_day(cast, api, patroller, add_item, today):
    start = today + timedelta(days=5)
    item = add_item("township_office", "embankment", starts_on=start)
    services.local_check_retire(item=item, by=cast["township_office"], retired_on=start + timedelta(days=2))
    client = api.as_user(cast["patroller"])

    def codes(day: date) -> list[str]:
        return [c["code"] for c in client.get(CHECKLIST, {"date": day.isoformat()}).json()["checks"]][7:]

    assert codes(start - timedelta(days=1)) == []
    assert codes(start) == ["embankment"]
    assert codes(start + timedelta(days=1)) == ["embankment"]
    assert codes(start + timedelta(days=2)) == []


def test_an_office_gets_the_checklist_of_its_scope(cast, api, add_item, places, today):
    add_item("county_office", "sand_mining", starts_on=today - timedelta(days=2))
    add_item("township_office", "embankment", starts_on=today - timedelta(days=2))
    add_item("other_township_office", "neighbour_only", starts_on=today - timedelta(days=2))

    def codes(role: str, **query) -> list[str]:
        response = api.as_user(cast[role]).get(CHECKLIST, query)
        assert response.status_code == 200, response.json()
        return [c["code"] for c in response.json()["checks"]][7:]

    assert codes("township_office") == ["sand_mining", "embankment"]
    assert codes("other_township_office") == ["sand_mining", "neighbour_only"]
    assert codes("county_office") == ["sand_mining"]
    assert codes("county_office", township=places["neighbour"].pk) == ["sand_mining", "neighbour_only"]
    assert codes("city_office") == []
    assert codes("city_office", county=places["county"].pk) == ["sand_mining"]
    assert codes("city_office", township=places["township"].pk) == ["sand_mining", "embankment"]
    assert codes("village_chief") == ["sand_mining", "embankment"]
    assert api.as_user(cast["township_office"]).get(CHECKLIST, {"township": places["far"].pk}).status_code == 404
    assert api.as_user(cast["county_office"]).get(CHECKLIST, {"date": "2026-02-30"}).status_code == 400


def test_a_patroller_without_a_duty_that_day_gets_the_fixed_checks(cast, api, patroller, add_item, today):
    add_item("township_office", "embankment", starts_on=today - timedelta(days=2))
    before_contract = today - timedelta(days=100)
    answer = api.as_user(cast["patroller"]).get(CHECKLIST, {"date": before_contract.isoformat()}).json()
    assert [c["code"] for c in answer["checks"]] == FIXED


def test_labels_come_in_the_requests_language_and_office_names_as_written(cast, api, patroller, add_item, today):
    add_item(
        "township_office",
        "embankment",
        starts_on=today - timedelta(days=1),
        kind="choice",
        options=EMBANKMENT,
        name="堤防护坡",
    )
    add_item("county_office", "sand_mining", starts_on=today - timedelta(days=1), name="非法采砂")

    answer = api.as_user(cast["patroller"]).get(CHECKLIST, HTTP_ACCEPT_LANGUAGE="en").json()

    by_code = {c["code"]: c for c in answer["checks"]}
    assert by_code["sewage_outfall"]["name"] == "Sewage outfall"
    assert [v["label"] for v in by_code["signboard"]["values"]] == ["Intact", "Damaged", "Missing"]
    assert [v["label"] for v in by_code["sand_mining"]["values"]] == ["Normal", "Problem"]
    assert by_code["embankment"]["name"] == "堤防护坡"  # the office's own words
    assert {"value": "mediation", "label": "Helped mediate a water dispute"} in answer["actions"]


def _count(client, url: str, **query) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200, response.content
    return response.json(), len(queries)


def test_the_checklist_takes_the_same_queries_however_many_items(cast, api, patroller, add_item, today):
    client = api.as_user(cast["patroller"])
    for n in range(2):
        add_item("township_office", f"town_{n}", starts_on=today - timedelta(days=1))
        add_item("county_office", f"county_{n}", starts_on=today - timedelta(days=1))
    few, few_queries = _count(client, CHECKLIST)
    for n in range(2, 8):
        add_item("township_office", f"town_{n}", starts_on=today - timedelta(days=1))
        add_item("county_office", f"county_{n}", starts_on=today - timedelta(days=1), kind="choice", options=EMBANKMENT)
    many, many_queries = _count(client, CHECKLIST)

    assert (len(few["checks"]), len(many["checks"])) == (7 + 4, 7 + 16)
    # 1–2. the token with its user, the user's other tokens (knox); 3. the patroller's duty that day with its
    # segment; 4. the items in force for the segment's township and county, with their county and township.
    assert few_queries == many_queries == 4


# --- the offices' list ----------------------------------------------------------------------------------------


def test_each_office_lists_the_items_of_its_scope_with_their_state(cast, api, add_item, today, places):
    add_item("county_office", "sand_mining", starts_on=today - timedelta(days=5))
    upcoming = add_item("township_office", "embankment", starts_on=today + timedelta(days=3))
    add_item("other_township_office", "neighbour_only", starts_on=today - timedelta(days=5))
    add_item("other_county_office", "far_only", starts_on=today - timedelta(days=5))

    def listed(role: str, **query) -> list[tuple[str, str]]:
        response = api.as_user(cast[role]).get(ITEMS, query)
        assert response.status_code == 200, response.json()
        return [(row["code"], row["status"]) for row in response.json()["results"]]

    assert listed("township_office") == [("sand_mining", "in_force"), ("embankment", "upcoming")]
    assert listed("county_office") == [
        ("sand_mining", "in_force"),
        ("embankment", "upcoming"),
        ("neighbour_only", "in_force"),
    ]
    assert listed("county_office", township=places["neighbour"].pk) == [
        ("sand_mining", "in_force"),
        ("neighbour_only", "in_force"),
    ]
    assert listed("city_office", status="upcoming") == [("embankment", "upcoming")]
    assert len(listed("city_office")) == 4
    row = api.as_user(cast["township_office"]).get(f"{ITEMS}{upcoming.pk}/").json()
    assert row["area"] == {"level": "township", "id": places["township"].pk, "name": "丰庆路街道"}
    assert (row["kind"], row["status_label"], row["created_by"]) == ("yes_no", "未启用", str(cast["township_office"]))


def test_an_office_adds_and_retires_an_item_through_the_api(cast, api, today):
    client = api.as_user(cast["township_office"])
    body = {
        "code": "embankment",
        "name": "堤防护坡",
        "kind": "choice",
        "values": [{"label": "完好"}, {"label": "有裂缝", "problem": True, "value": "cracked"}],
        "starts_on": (today + timedelta(days=1)).isoformat(),
    }
    created = client.post(ITEMS, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["values"] == [
        {"value": "v1", "label": "完好", "problem": False},
        {"value": "cracked", "label": "有裂缝", "problem": True},
    ]
    again = client.post(ITEMS, body, format="json")
    assert again.status_code == 400 and "code" in again.json()["errors"]
    today_start = client.post(ITEMS, {**body, "code": "other", "starts_on": today.isoformat()}, format="json")
    assert today_start.status_code == 400 and "starts_on" in today_start.json()["errors"]

    retire = client.post(
        f"{ITEMS}{created.json()['id']}/retire/", {"retired_on": (today + timedelta(days=4)).isoformat()}, format="json"
    )
    assert retire.status_code == 200, retire.json()
    assert (retire.json()["retired_on"], retire.json()["retired_by"]) == (
        (today + timedelta(days=4)).isoformat(),
        str(cast["township_office"]),
    )


def test_the_item_list_takes_the_same_queries_however_many_items(cast, api, add_item, today):
    client = api.as_user(cast["county_office"])
    for n in range(2):
        add_item("township_office", f"town_{n}")
        add_item("county_office", f"county_{n}", kind="choice", options=EMBANKMENT)
    few, few_queries = _count(client, ITEMS, page_size=500)
    for n in range(2, 8):
        add_item("township_office", f"town_{n}")
        item = add_item("county_office", f"county_{n}")
        services.local_check_retire(item=item, by=cast["county_office"], retired_on=today + timedelta(days=3))
    many, many_queries = _count(client, ITEMS, page_size=500)

    assert (few["count"], many["count"]) == (4, 16)
    # 1–2. token and knox's clean-up; 3. the count; 4. the page of items with county, township, who added and who
    # retired them.
    assert few_queries == many_queries == 4


def test_the_fixed_check_kinds_follow_their_vocabularies():
    assert [code for code, kind in rules.CHECK_KINDS.items() if kind == rules.CHOICE] == [
        "surface_cleanliness",
        "signboard",
    ]


def test_the_checklist_sql_names_the_models_tables():
    """`items_in_force` is written in SQL (it runs on every submission): it must read the models' own tables."""
    from rivers.models import County, Township

    tables = (LocalCheck._meta.db_table, County._meta.db_table, Township._meta.db_table)
    assert tables == ("patrol_localcheck", "rivers_county", "rivers_township")
    for table in tables:
        assert table in local_checks._OF_TOWNSHIP
