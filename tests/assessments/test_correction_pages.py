"""Corrections from the web pages (SPEC §6): the "申请更正" form of a patroller's year page, the corrections list
where the county office approves or rejects, and its .xlsx download.

The cast (tests/conftest.py): the home township 丰庆路街道 scores its patrollers, its county 金水区 decides corrections;
the neighbour township is in the same county, the far one in 中牟县. May 2026 is finalized at township level with
10/20/10 (total 40, 不合格) and the reason "现场核查" on every part (the `assess` fixture).
"""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from assessments import services
from assessments.models import Assessment, Correction

pytestmark = pytest.mark.django_db

LIST = "/assessments/corrections/"
XLSX = "/assessments/corrections.xlsx"
JAN_1, APRIL, MAY, JUNE = date(2026, 1, 1), date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)
CORRECTED = {"appearance": 25, "daily_work": 30, "records": 25}
REASONS = dict.fromkeys(CORRECTED, "复核")


@pytest.fixture
def may(hire, assess) -> Assessment:
    """A patroller's final township assessment of May 2026: 10/20/10, total 40, 不合格."""
    return assess(hire(start=JAN_1), MAY, passed=False)


@pytest.fixture
def pending(cast, may) -> Correction:
    """The home township office asks to correct May to 25/30/25."""
    return services.correction_request(
        assessment=may, by=cast["township_office"], scores=CORRECTED, reasons=REASONS, reason="补交了当月的纸质巡查记录"
    )


def year_page(patroller_id: int) -> str:
    return f"/assessments/patrollers/{patroller_id}/"


def text(response) -> str:
    return response.content.decode()


def request_form(assessment: Assessment, *, reason: str = "补交了当月的纸质巡查记录", **typed) -> dict[str, str]:
    """The "申请更正" form of one assessment as the browser sends it: the current parts unless typed, blank reasons
    unless typed."""
    data = {"assessment": str(assessment.pk), "reason": reason}
    for part in CORRECTED:
        data[f"s-{assessment.pk}-{part}"] = str(typed.get(part, assessment.scores[part]))
        data[f"r-{assessment.pk}-{part}"] = typed.get(f"{part}_reason", "")
    return data


def decide(client: Client, correction: Correction, action: str, note: str = ""):
    return client.post(f"/assessments/corrections/{correction.pk}/{action}/", {"note": note})


def far_from_suggestion(assessment: Assessment) -> int:
    """An appearance score more than the gap (10) from its suggestion, and not the current one."""
    return 30 if assessment.suggested_appearance <= 15 else 0


# ---- the request form on the year page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "has_form"), [("township_office", True), ("county_office", True), ("city_office", False)]
)
def test_the_request_form_is_shown_to_the_office_that_scored_and_its_county_office(cast, may, web, who, has_form):
    page = text(web(cast[who]).get(year_page(may.patroller_id), {"year": 2026}))

    assert may.patroller.name in page
    assert (f'id="correct{may.pk}"' in page) is has_form
    assert ("提交更正申请" in page) is has_form


def test_a_draft_month_has_no_request_form(cast, places, may, web):
    services.assessments_prepare(township=places["township"], month=JUNE, by=cast["township_office"])
    june = Assessment.objects.get(patroller_id=may.patroller_id, month=JUNE)

    page = text(web(cast["township_office"]).get(year_page(may.patroller_id), {"year": 2026}))

    assert f'id="correct{may.pk}"' in page
    assert f'id="correct{june.pk}"' not in page


def test_posting_a_request_for_a_draft_is_answered_with_the_services_message(cast, places, may, web):
    services.assessments_prepare(township=places["township"], month=JUNE, by=cast["township_office"])
    june = Assessment.objects.get(patroller_id=may.patroller_id, month=JUNE)

    response = web(cast["township_office"]).post(
        year_page(may.patroller_id), request_form(june, appearance=12, appearance_reason="复核")
    )

    assert response.status_code == 400
    assert "草稿可以直接修改，无需申请更正。" in text(response)
    assert not Correction.objects.exists()


def test_the_township_office_gets_no_form_for_the_countys_spot_check(cast, may, assess, web):
    spot_check = assess(may.patroller, MAY, passed=True, level=Assessment.Level.COUNTY)

    township_page = text(web(cast["township_office"]).get(year_page(may.patroller_id), {"year": 2026}))
    county_page = text(web(cast["county_office"]).get(year_page(may.patroller_id), {"year": 2026}))

    assert f'id="correct{may.pk}"' in township_page and f'id="correct{spot_check.pk}"' not in township_page
    assert f'id="correct{may.pk}"' in county_page and f'id="correct{spot_check.pk}"' in county_page


def test_a_request_through_the_page_files_a_pending_correction(cast, may, web):
    client = web(cast["township_office"])
    typed = {**CORRECTED, **{f"{part}_reason": "复核" for part in CORRECTED}}

    response = client.post(year_page(may.patroller_id), request_form(may, **typed))

    assert response.status_code == 302
    correction = Correction.objects.get(assessment=may)
    assert (correction.status, correction.scores) == ("pending", CORRECTED)
    assert (correction.reason, correction.requested_by) == ("补交了当月的纸质巡查记录", cast["township_office"])
    may.refresh_from_db()
    assert may.total == 40  # nothing changes before the county office approves
    page = text(client.get(response["Location"]))
    assert "已提交" in page and "更正待审批" in page
    assert "提交更正申请" not in page  # one pending correction per assessment


def test_a_part_left_as_it_is_keeps_its_reason_and_needs_no_new_one(cast, may, web):
    typed = {"appearance": far_from_suggestion(may), "appearance_reason": "补拍了河面照片"}

    response = web(cast["township_office"]).post(year_page(may.patroller_id), request_form(may, **typed))

    assert response.status_code == 302
    correction = Correction.objects.get(assessment=may)
    assert correction.scores == {**may.scores, "appearance": far_from_suggestion(may)}
    assert correction.reasons == {"appearance": "补拍了河面照片"}


def test_a_part_too_far_from_its_suggestion_without_a_reason_shows_the_error_and_files_nothing(cast, may, web):
    far = far_from_suggestion(may)

    response = web(cast["township_office"]).post(year_page(may.patroller_id), request_form(may, appearance=far))

    assert response.status_code == 400
    page = text(response)
    expected = f"河湖面貌评分{far}与建议分{may.suggested_appearance}相差超过10分，请填写理由。"
    assert expected in page
    assert f'value="{far}"' in page  # what was typed is still there
    assert f'id="correct{may.pk}" open' in page
    assert not Correction.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"reason": ""}, "请填写更正原因。"),
        ({"records": 31, "records_reason": "复核"}, "资料管理应为0至30之间的整数分。"),
        ({}, "更正后的评分与原评分相同。"),
    ],
)
def test_the_services_other_refusals_are_shown_in_the_form(cast, may, web, typed, message):
    form = request_form(may, **{"appearance": 12, "appearance_reason": "复核", **typed}) if typed else request_form(may)

    response = web(cast["township_office"]).post(year_page(may.patroller_id), form)

    assert response.status_code == 400
    assert message in text(response)
    assert not Correction.objects.exists()


def test_an_office_the_service_refuses_is_told_why(cast, may, web):
    client = web(cast["city_office"])

    response = client.post(year_page(may.patroller_id), request_form(may, appearance=12, appearance_reason="复核"))

    assert response.status_code == 302
    assert "只有评分的河长办或所在县(市、区)河长办可以申请更正。" in text(client.get(response["Location"]))
    assert not Correction.objects.exists()


def test_an_office_of_another_township_cannot_post_a_request(cast, may, web):
    response = web(cast["other_township_office"]).post(
        year_page(may.patroller_id), request_form(may, appearance=12, appearance_reason="复核")
    )

    assert response.status_code == 404
    assert not Correction.objects.exists()


# ---- the corrections list: approve and reject ----------------------------------------------------------------------


def test_the_county_office_approves_and_the_year_page_keeps_the_change(cast, may, pending, web):
    client = web(cast["county_office"])

    response = decide(client, pending, "approve", note="同意")

    assert response.status_code == 302 and response["Location"] == LIST
    may.refresh_from_db()
    assert (may.scores, may.total, may.passed) == (CORRECTED, 80, True)
    year = text(client.get(year_page(may.patroller_id), {"year": 2026}))
    assert "10/20/10，总分40" in year and "25/30/25，总分80" in year  # old and new in the history
    assert "补交了当月的纸质巡查记录" in year and "已批准" in year


def test_the_approval_note_says_what_changed(cast, pending, web):
    client = web(cast["county_office"])

    page = text(client.post(f"/assessments/corrections/{pending.pk}/approve/", {"note": "同意"}, follow=True))

    assert "总分由40分改为80分" in page
    assert "county_office 于" in page and "批准：同意" in page


def test_the_county_office_rejects_and_the_assessment_stays(cast, may, pending, web):
    client = web(cast["county_office"])

    page = text(client.post(f"/assessments/corrections/{pending.pk}/reject/", {"note": "证据不足"}, follow=True))

    pending.refresh_from_db()
    may.refresh_from_db()
    assert pending.status == "rejected" and pending.decision_note == "证据不足"
    assert (may.scores, may.total) == ({"appearance": 10, "daily_work": 20, "records": 10}, 40)
    assert "考核结果不变" in page and "驳回：证据不足" in page
    assert "批准</button>" not in page


def test_the_list_shows_the_scores_before_the_correction_even_after_approval(cast, pending, web):
    client = web(cast["county_office"])
    decide(client, pending, "approve")

    page = text(client.get(LIST))

    card = page.split(f'id="correction{pending.pk}"')[1].split("</section>")[0]
    assert "总分 40 不合格" in card and "80 良好" in card
    appearance = card.split("河湖面貌")[1].split("</tr>")[0]
    assert '<td class="num">10</td>' in appearance and "<strong>25</strong>" in appearance


@pytest.mark.parametrize("who", ["township_office", "city_office"])
def test_offices_that_do_not_decide_read_the_correction_without_buttons(cast, may, pending, web, who):
    page = text(web(cast[who]).get(LIST))

    assert may.patroller.name in page and "补交了当月的纸质巡查记录" in page
    assert "批准</button>" not in page and "驳回</button>" not in page


def test_the_township_office_posting_a_decision_is_told_the_county_decides(cast, pending, web):
    client = web(cast["township_office"])

    response = decide(client, pending, "approve")

    assert response.status_code == 302
    assert "更正须由县级河长办审批。" in text(client.get(LIST))
    assert Correction.objects.get(pk=pending.pk).status == "pending"


@pytest.mark.parametrize("who", ["other_county_office", "other_township_office"])
def test_offices_of_other_places_neither_see_nor_decide(cast, may, pending, web, who):
    client = web(cast[who])

    assert may.patroller.name not in text(client.get(LIST))
    assert decide(client, pending, "approve").status_code == 404
    assert decide(client, pending, "reject").status_code == 404
    assert Correction.objects.get(pk=pending.pk).status == "pending"


@pytest.mark.parametrize("who", ["patroller", "village_chief", "supervisor", "outsider"])
def test_the_corrections_pages_are_for_offices(cast, pending, web, who):
    client = web(cast[who])

    assert client.get(LIST).status_code == 403
    assert client.get(XLSX).status_code == 403
    assert decide(client, pending, "approve").status_code == 403
    assert Correction.objects.get(pk=pending.pk).status == "pending"


def test_a_decided_correction_cannot_be_decided_again(cast, pending, web):
    client = web(cast["county_office"])
    decide(client, pending, "reject")

    response = decide(client, pending, "approve")

    assert "该更正申请已审批。" in text(client.get(response["Location"]))
    assert Correction.objects.get(pk=pending.pk).status == "rejected"


def test_waiting_corrections_come_first_and_the_list_filters_by_status_and_month(cast, hire, assess, web):
    first, second = hire(start=JAN_1), hire(start=JAN_1)
    april = services.correction_request(
        assessment=assess(first, APRIL, passed=False),
        by=cast["township_office"],
        scores=CORRECTED,
        reasons=REASONS,
        reason="四月复核",
    )
    may = services.correction_request(
        assessment=assess(second, MAY, passed=False),
        by=cast["township_office"],
        scores=CORRECTED,
        reasons=REASONS,
        reason="五月复核",
    )
    client = web(cast["county_office"])
    decide(client, may, "reject")  # the newer one is decided: the older, still waiting, comes first

    page = text(client.get(LIST))
    assert page.index("四月复核") < page.index("五月复核")
    rejected = text(client.get(LIST, {"status": "rejected"}))
    assert "五月复核" in rejected and "四月复核" not in rejected
    in_april = text(client.get(LIST, {"month": "2026-04"}))
    assert "四月复核" in in_april and "五月复核" not in in_april
    assert april.status == "pending"


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_takes_the_same_queries_however_many_corrections(
    cast, hire, assess, web, count, django_assert_num_queries
):
    for _ in range(count):
        services.correction_request(
            assessment=assess(hire(start=JAN_1), MAY, passed=False),
            by=cast["township_office"],
            scores=CORRECTED,
            reasons=REASONS,
            reason="复核",
        )
    client = web(cast["county_office"])
    # 1 the session, 2 its user, 3 the number of corrections, 4 the page of corrections with assessment, patroller,
    # township, who asked and who decided, 5 the finalizations and corrections of their assessments (the old scores),
    # 6 the county's townships for the filter.
    with django_assert_num_queries(6):
        assert client.get(LIST).status_code == 200


# ---- the download -------------------------------------------------------------------------------------------------


def test_the_corrections_download_has_a_line_per_correction_with_old_and_new_scores(cast, may, pending, web):
    client = web(cast["county_office"])
    decide(client, pending, "approve")

    response = client.get(XLSX)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:7] == ("申请时间", "巡察员", "乡镇(街道)", "考核月份", "考核层级", "河湖面貌原分", "河湖面貌更正为")
    (line,) = rows[2:]
    assert line[1:5] == (may.patroller.name, "丰庆路街道", "2026年5月", "乡级考评")
    assert line[5:14] == (10, 25, 20, 30, 10, 25, 40, 80, "合格")
    assert "补交了当月的纸质巡查记录" in line and "已批准" in line and "county_office" in line


def test_the_download_follows_the_filters_and_the_scope(cast, pending, web):
    county = web(cast["county_office"])

    def lines(client, **query) -> int:
        response = client.get(XLSX, query)
        return len(list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows())) - 2

    assert lines(county) == 1
    assert lines(county, status="approved") == 0
    assert lines(web(cast["other_county_office"])) == 0
