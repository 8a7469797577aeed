"""The township's monthly scoring sheet and the county spot-check page.

The cast (tests/conftest.py): the home township 丰庆路街道 (its office scores its patrollers), the neighbour township
杨金路街道 in the same county 金水区, the far township 官渡镇 in 中牟县. Patrollers are hired on S-HOME from
1 January 2026; May 2026 is over, so its drafts can be finalized.
"""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from assessments import rules, services
from assessments.models import Assessment, DismissalFlag, SpotCheckDraw

pytestmark = pytest.mark.django_db

SHEET = "/assessments/sheet/"
SPOT_CHECK = "/assessments/spot-checks/"
APRIL, MAY = date(2026, 4, 1), date(2026, 5, 1)
JAN_1 = date(2026, 1, 1)


@pytest.fixture
def two(hire, log):
    """Two patrollers of the home township; the first patrolled every day of May, the second ten days."""
    first, second = hire(start=JAN_1), hire(start=JAN_1)
    for day in range(1, 32):
        log(first, date(2026, 5, day))
    for day in range(1, 11):
        log(second, date(2026, 5, day))
    return first, second


@pytest.fixture
def sheet(cast, places, two):
    """The May drafts, prepared by the home township office."""
    services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])
    return {p.pk: Assessment.objects.get(patroller=p, month=MAY, level="township") for p in two}


def form(assessment: Assessment, **parts) -> dict[str, str]:
    """One row of the sheet as the browser sends it: every input, typed values where given."""
    data = {"row": str(assessment.pk)}
    for part in rules.PARTS:
        value = parts.get(part, assessment.scores[part])
        data[f"s-{assessment.pk}-{part}"] = str(value)
        data[f"r-{assessment.pk}-{part}"] = parts.get(f"{part}_reason", assessment.reasons.get(part, ""))
    return data


# The confirm step of "finalize all" for a month in which the township recorded no patrol log.
CONFIRM_NO_LOGS = {"confirm_no_logs": "on", "no_logs_reason": "本月按纸质巡查台账考评"}


def post_sheet(client: Client, action: str, *rows: dict, month: date = MAY, township=None, extra=None):
    data: dict[str, list[str] | str] = {"action": action, "month": rules.month_label(month), **(extra or {})}
    if township is not None:
        data["township"] = str(township.pk)
    rows_ids = [row["row"] for row in rows]
    for row in rows:
        data.update({k: v for k, v in row.items() if k != "row"})
    data["row"] = rows_ids
    return client.post(SHEET, data)


def text(response) -> str:
    return response.content.decode()


# ---- the sheet ------------------------------------------------------------------------------------------------


def test_the_prepare_button_creates_a_draft_for_every_patroller_of_the_month(cast, places, two, web):
    client = web(cast["township_office"])

    response = client.post(SHEET, {"action": "prepare", "month": "2026-05"})

    assert response.status_code == 302
    assert Assessment.objects.filter(month=MAY, township=places["township"], status="draft").count() == 2
    page = client.get(SHEET, {"month": "2026-05"})
    assert "考评表已生成" in text(page)


def test_the_sheet_shows_every_patroller_with_suggestions_and_their_explanations(cast, sheet, two, web):
    page = text(web(cast["township_office"]).get(SHEET, {"month": "2026-05"}))

    first, second = two
    assert first.name in page and second.name in page
    busy, idle = sheet[first.pk], sheet[second.pk]
    assert busy.suggested == {"appearance": 30, "daily_work": 40, "records": 30}
    assert idle.suggested["daily_work"] < 20
    assert "巡查天数31/31" in page  # the daily-work explanation of the first patroller
    assert "巡查天数10/31" in page
    assert f'name="s-{idle.pk}-daily_work" value="{idle.daily_work}"' in page


def test_the_sheet_in_english_explains_the_suggestions_in_english_and_keeps_them_stored_in_chinese(
    cast, sheet, two, web
):
    client = web(cast["township_office"])

    page = text(client.get(SHEET, {"month": "2026-05"}, HTTP_ACCEPT_LANGUAGE="en"))
    client.post(SHEET, {"action": "prepare", "month": "2026-05"}, HTTP_ACCEPT_LANGUAGE="en")  # prepared again

    assert "Patrolled 31 of 31 days" in page and "Patrolled 10 of 31 days" in page
    assert "巡查天数" not in page
    first, _second = two
    stored = Assessment.objects.get(patroller=first, month=MAY, level="township").explanation
    assert "巡查天数31/31" in stored["daily_work"]  # the record stays in the default language


def test_an_explanation_made_under_other_settings_is_shown_as_it_was_written(cast, sheet, two, web, settings):
    # The weights changed since the draft was prepared: its explanation can no longer be written again.
    settings.RIVER = {**settings.RIVER, "ASSESSMENT_WEIGHTS": {"appearance": 20, "daily_work": 50, "records": 30}}

    page = text(web(cast["township_office"]).get(SHEET, {"month": "2026-05"}, HTTP_ACCEPT_LANGUAGE="en"))

    assert "巡查天数31/31" in page


def test_save_all_stores_each_rows_scores_and_reasons(cast, sheet, two, web):
    first, second = two
    rows = [
        form(sheet[first.pk], appearance=25),
        form(sheet[second.pk], daily_work=30, daily_work_reason="另有纸质巡查记录，核实属实"),
    ]

    response = post_sheet(web(cast["township_office"]), "save", *rows)

    assert response.status_code == 302
    saved_first, saved_second = (Assessment.objects.get(pk=sheet[p.pk].pk) for p in two)
    assert saved_first.appearance == 25 and saved_first.status == "draft"
    assert saved_second.daily_work == 30
    assert saved_second.reasons == {"daily_work": "另有纸质巡查记录，核实属实"}


def test_a_part_far_from_its_suggestion_without_a_reason_is_refused_on_its_own_row(cast, sheet, two, web):
    first, second = two
    far = sheet[second.pk]

    response = post_sheet(
        web(cast["township_office"]),
        "save",
        form(sheet[first.pk], appearance=26),
        form(far, daily_work=far.suggested["daily_work"] + 20),
    )

    assert response.status_code == 400
    page = text(response)
    assert "请填写理由" in page  # the service's message, on the refused row
    assert f'id="a{far.pk}"' in page and "has-errors" in page
    assert f'value="{far.suggested["daily_work"] + 20}"' in page  # what was typed stays in the input
    assert Assessment.objects.get(pk=sheet[first.pk].pk).appearance == 26  # the good row was saved
    assert Assessment.objects.get(pk=far.pk).daily_work == far.suggested["daily_work"]  # the bad one was not


def test_finalize_all_finalizes_the_drafts_and_leaves_a_refused_row_wholly_unsaved(cast, sheet, two, web):
    first, second = two

    response = post_sheet(
        web(cast["township_office"]),
        "finalize",
        form(sheet[first.pk], records=28),
        form(sheet[second.pk], appearance=29, records=31),  # 31 is beyond the records part's 30 points
    )

    assert response.status_code == 400
    assert "资料管理应为0至30之间的整数分" in text(response)
    done, refused = Assessment.objects.get(pk=sheet[first.pk].pk), Assessment.objects.get(pk=sheet[second.pk].pk)
    assert (done.status, done.records) == ("final", 28)
    assert refused.status == "draft"
    assert refused.appearance == sheet[second.pk].appearance  # nothing of the refused row was saved


def test_finalize_all_without_changes_takes_the_suggestions(cast, sheet, two, web):
    response = post_sheet(web(cast["township_office"]), "finalize", *(form(a) for a in sheet.values()))

    assert response.status_code == 302
    finals = Assessment.objects.filter(month=MAY, status="final")
    assert finals.count() == 2
    assert all(a.scores == a.suggested for a in finals)


def test_finalizing_a_second_failing_month_raises_a_flag_and_the_page_says_so(cast, places, hire, assess, web):
    patroller = hire(start=JAN_1)
    assess(patroller, APRIL, passed=False)
    services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])
    draft = Assessment.objects.get(patroller=patroller, month=MAY)
    client = web(cast["township_office"])

    response = post_sheet(client, "finalize", form(draft, appearance=5, daily_work=5, records=5), extra=CONFIRM_NO_LOGS)

    assert response.status_code == 302
    flag = DismissalFlag.objects.get(patroller=patroller)
    assert (flag.rule, flag.status, flag.months) == ("consecutive_2", "open", ["2026-04", "2026-05"])
    assert "已生成辞退提示" in text(client.get(response.url))


def test_the_finalize_button_waits_until_the_month_is_over(cast, places, hire, web):
    hire(start=timezone.localdate().replace(day=1))
    this_month = rules.month_start(timezone.localdate())
    services.assessments_prepare(township=places["township"], month=this_month, by=cast["township_office"])

    page = text(web(cast["township_office"]).get(SHEET, {"month": rules.month_label(this_month)}))

    assert 'value="finalize" class="danger" disabled' in page
    assert "月份结束后才能定稿" in page


def test_the_county_office_reads_a_township_sheet_without_inputs_and_may_not_save(cast, places, sheet, web):
    client = web(cast["county_office"])

    page = client.get(SHEET, {"month": "2026-05", "township": places["township"].pk})

    assert page.status_code == 200
    assert 'name="row"' not in text(page)
    assert (
        post_sheet(client, "save", *(form(a) for a in sheet.values()), township=places["township"]).status_code == 403
    )


@pytest.mark.parametrize("who", ["patroller", "village_chief", "supervisor", "outsider"])
def test_the_sheet_is_for_offices_only(cast, who, web):
    assert web(cast[who]).get(SHEET).status_code == 403


@pytest.mark.parametrize("who", ["other_township_office", "other_county_office"])
def test_a_township_outside_the_offices_scope_is_not_found(cast, places, who, web):
    assert web(cast[who]).get(SHEET, {"township": places["township"].pk}).status_code == 404


def test_another_township_office_cannot_post_into_the_home_sheet(cast, places, sheet, web):
    response = post_sheet(
        web(cast["other_township_office"]), "save", *(form(a) for a in sheet.values()), township=places["township"]
    )

    assert response.status_code == 404
    assert not Assessment.objects.filter(edited=True).exists()


@pytest.mark.parametrize("size", [1, 4])
def test_the_sheet_takes_the_same_queries_however_many_patrollers(
    cast, places, hire, web, size, django_assert_num_queries
):
    for _ in range(size):
        hire(start=JAN_1)
    services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])
    client = web(cast["township_office"])
    # 1 the session, 2 its user, 3 the township is in scope, 4 the township with its county, 5 the month's
    # assessments with patroller, township, county and who finalized them, 6 whether the township has any log that
    # month (the confirm step of "finalize all" when it has none).
    with django_assert_num_queries(6):
        assert client.get(SHEET, {"month": "2026-05"}).status_code == 200


# ---- the spot check -------------------------------------------------------------------------------------------


@pytest.fixture
def county_staff(cast, segments, hire, village_elsewhere):
    """Twelve patrollers in the home township and one in the neighbour township: the draw takes two."""
    people = [hire(start=JAN_1) for _ in range(12)]
    people.append(
        hire(
            start=JAN_1, segment=segments["neighbour"], office=cast["other_township_office"], village=village_elsewhere
        )
    )
    return people


def post_spot_check(client: Client, action: str, *rows: dict, month: date = MAY, extra=None):
    data: dict = {"action": action, "month": rules.month_label(month), "row": [row["row"] for row in rows]}
    data.update(extra or {})
    for row in rows:
        data.update({k: v for k, v in row.items() if k != "row"})
    return client.post(SPOT_CHECK, data)


def test_the_county_office_draws_and_sees_the_seed_and_the_sample(cast, county_staff, web):
    client = web(cast["county_office"])

    response = post_spot_check(client, "draw")

    assert response.status_code == 302
    draw = SpotCheckDraw.objects.get()
    page = text(client.get(SPOT_CHECK, {"month": "2026-05"}))
    assert f'<dd class="mono" id="draw-seed">{draw.seed}</dd>' in page
    names = {p.pk: p.name for p in county_staff}
    for pk in draw.patrollers:
        assert names[pk] in page
    assert page.count('name="row"') == len(draw.patrollers) == 2


def test_drawing_again_shows_the_same_sample(cast, county_staff, web):
    client = web(cast["county_office"])
    post_spot_check(client, "draw")
    first = text(client.get(SPOT_CHECK, {"month": "2026-05"}))
    draw = SpotCheckDraw.objects.get()

    response = post_spot_check(client, "draw")

    assert SpotCheckDraw.objects.count() == 1
    assert SpotCheckDraw.objects.get().patrollers == draw.patrollers
    again = client.get(response.url)
    assert "已经抽样" in text(again)
    assert str(draw.seed) in text(again)
    assert first.split('id="draw-seed"')[1][:40] == text(again).split('id="draw-seed"')[1][:40]


def test_the_county_scores_its_sample_with_the_same_inputs_and_sees_the_township_result(
    cast, places, county_staff, web
):
    services.assessments_prepare(township=places["township"], month=MAY, by=cast["township_office"])
    client = web(cast["county_office"])
    post_spot_check(client, "draw")
    county_rows = list(Assessment.objects.filter(level="county", month=MAY))

    response = post_spot_check(
        client, "finalize", *(form(a, records=a.records) for a in county_rows), extra=CONFIRM_NO_LOGS
    )

    assert response.status_code == 302
    assert set(Assessment.objects.filter(level="county").values_list("status", flat=True)) == {"final"}
    page = text(client.get(SPOT_CHECK, {"month": "2026-05"}))
    assert "乡级考评" in page


def test_a_refused_county_row_shows_its_error(cast, county_staff, web):
    client = web(cast["county_office"])
    post_spot_check(client, "draw")
    row = Assessment.objects.filter(level="county").first()

    response = post_spot_check(client, "save", form(row, appearance=99))

    assert response.status_code == 400
    assert "河湖面貌应为0至30之间的整数分" in text(response)


def test_the_city_office_reads_a_county_spot_check_but_cannot_draw(cast, places, county_staff, web):
    services.spot_check_draw(county=places["county"], month=MAY, by=cast["county_office"])
    client = web(cast["city_office"])

    page = client.get(SPOT_CHECK, {"month": "2026-05", "county": places["county"].pk})

    assert page.status_code == 200
    assert 'value="draw"' not in text(page) and 'name="row"' not in text(page)
    response = client.post(SPOT_CHECK, {"action": "draw", "month": "2026-05", "county": places["county"].pk})
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["township_office", "patroller", "village_chief", "supervisor", "outsider"])
def test_the_spot_check_page_is_for_county_and_city_offices(cast, who, web):
    assert web(cast[who]).get(SPOT_CHECK).status_code == 403


def test_another_countys_spot_check_is_not_found(cast, places, web):
    response = web(cast["other_county_office"]).get(SPOT_CHECK, {"county": places["county"].pk})

    assert response.status_code == 404


@pytest.mark.parametrize("more", [False, True])
def test_the_spot_check_page_takes_the_same_queries_however_large_the_sample(
    cast, places, segments, hire, village_elsewhere, web, more, django_assert_num_queries
):
    for _ in range(25 if more else 3):
        hire(start=JAN_1)
    services.spot_check_draw(county=places["county"], month=MAY, by=cast["county_office"])
    client = web(cast["county_office"])
    # 1 the session, 2 its user, 3 the county is in scope, 4 the county, 5 the month's draw, 6 the county rows,
    # 7 the township rows of the sample, 8 the townships of the open rows without a log that month (the confirm
    # step), 9 the county's recent draws.
    with django_assert_num_queries(9):
        assert client.get(SPOT_CHECK, {"month": "2026-05"}).status_code == 200
