"""The township review page: a day's or month's logs with their flags in Chinese and their thumbnails, who has not
logged, the problem reports with the office's buttons, and the .xlsx export."""

import io
import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from openpyxl import load_workbook

from patrol import rules, selectors, services
from patrol.models import PatrolLog, Photo, ProblemReport
from tests.factories import ALL_NORMAL, escalate, put_in
from tests.patrol.photo_images import jpeg_bytes, make_exif, picture

pytestmark = pytest.mark.django_db

REVIEW = "/patrol/review/"
EXPORT = "/patrol/review.xlsx"
Status = ProblemReport.Status


def page(user, url: str = REVIEW, **params):
    client = Client()
    client.force_login(user)
    return client.get(url, params)


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def flagged_log(cast, patroller, submit, log_body) -> PatrolLog:
    """Today's log by the cast's patroller: dumping found, no photo yet, no track."""
    body = log_body(checks={**ALL_NORMAL, "dumping": "problem"}, actions=["stopped"], track=[])
    response = submit(cast["patroller"], body)
    assert response.status_code == 201, response.content
    return PatrolLog.objects.get(pk=response.json()["id"])


def add_photo(log: PatrolLog, *, seed: int = 1, check: str = "") -> Photo:
    data = jpeg_bytes(picture(seed=seed), exif=make_exif(taken=log.started_at.astimezone(rules.LOCAL_TZ)))
    photo, _created = services.photo_add(
        log=log, by=log.patroller.user, client_uuid=uuid.uuid4(), data=data, check=check
    )
    return photo


def test_the_township_office_sees_the_days_logs_with_their_flags_in_chinese(cast, flagged_log):
    response = page(cast["township_office"])
    assert response.status_code == 200
    html = text_of(response)
    assert flagged_log.patroller.name in html
    assert "倾倒垃圾渣土：有问题" in html
    assert '<span class="flag flag-no_track">无轨迹</span>' in html
    assert '<span class="flag flag-evidence_missing">问题缺少照片</span>' in html


def test_every_flag_code_has_its_chinese_label_on_the_page(cast, flagged_log):
    photo = add_photo(flagged_log)
    # Every code at once, which no real log has (a log without a track cannot also be driven).
    PatrolLog.objects.filter(pk=flagged_log.pk).update(flags=list(rules.LOG_FLAGS))
    Photo.objects.filter(pk=photo.pk).update(flags=list(rules.PHOTO_FLAGS))
    html = text_of(page(cast["township_office"]))
    for code, label in rules.FLAG_LABELS.items():
        assert re.search(r"[\u4e00-\u9fff]", str(label)), code
        assert f'class="flag flag-{code}">{label}</span>' in html, code


def test_thumbnails_come_through_the_protected_url_and_originals_never(cast, flagged_log):
    photo = add_photo(flagged_log, check="dumping")
    office = cast["township_office"]
    html = text_of(page(office))
    url = f"/api/v1/photos/{photo.pk}/thumbnail/"
    assert f'src="{url}"' in html
    assert "originals" not in html
    client = Client()
    client.force_login(office)
    thumbnail = client.get(url)
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    client.force_login(cast["other_township_office"])
    assert client.get(url).status_code == 404


def test_the_missing_log_list_names_who_has_not_logged_today(cast, flagged_log, other_patroller, today, places):
    html = text_of(page(cast["township_office"]))
    missing = html.split('id="missing"')[1].split('id="logs"')[0]
    assert other_patroller.name in missing
    assert flagged_log.patroller.name not in missing
    assert [p.pk for p in selectors.missing_logs(township=places["township"], on=today)] == [other_patroller.pk]


def test_the_month_view_counts_each_patrollers_days_and_lists_the_missed_ones(
    cast, flagged_log, other_patroller, today
):
    response = page(cast["township_office"], month=today.strftime("%Y-%m"))
    assert response.status_code == 200
    rows = {row.patroller.pk: row for row in response.context["review"].attendance}
    days_so_far = today.day  # both contracts began 60 days ago
    assert rows[flagged_log.patroller.pk].contract_days == days_so_far
    assert rows[flagged_log.patroller.pk].logged_days == 1
    assert rows[other_patroller.pk].logged_days == 0
    assert today in rows[other_patroller.pk].missing and today not in rows[flagged_log.patroller.pk].missing


def test_the_missed_days_of_the_month_agree_with_the_missing_log_list_of_each_day(
    cast, patroller, other_patroller, submit, log_body, today, places
):
    for back in (1, 2):
        day = today - timedelta(days=back)
        assert submit(cast["patroller"], log_body(day=day)).status_code == 201
    first = today - timedelta(days=5)
    rows = selectors.attendance(township=places["township"], first=first, last=today, today=today)
    for n in range(6):
        day = first + timedelta(days=n)
        from_month = {row.patroller.pk for row in rows if day in row.missing}
        from_day = {p.pk for p in selectors.missing_logs(township=places["township"], on=day)}
        assert from_month == from_day, day


@pytest.mark.parametrize("role", ["patroller", "village_chief", "supervisor", "outsider"])
def test_roles_other_than_offices_get_403(cast, flagged_log, role):
    assert page(cast[role]).status_code == 403
    assert page(cast[role], EXPORT).status_code == 403


def test_without_a_login_the_page_asks_to_sign_in(flagged_log):
    response = Client().get(REVIEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_township_office_sees_its_own_township_only(cast, flagged_log, places):
    """The scope rule of every page (config.web.township_for): another township is not found; without one named,
    the office's own."""
    assert page(cast["other_township_office"], township=places["township"].pk).status_code == 404
    response = page(cast["other_township_office"])
    assert response.status_code == 200
    assert response.context["review"].township == places["neighbour"]
    assert flagged_log.patroller.name not in text_of(response)


def test_the_county_office_picks_a_township_of_its_county_and_no_other(cast, flagged_log, places):
    response = page(cast["county_office"], township=places["township"].pk)
    assert response.status_code == 200 and flagged_log.patroller.name in text_of(response)
    assert page(cast["county_office"], township=places["far"].pk).status_code == 404
    assert page(cast["other_county_office"], township=places["township"].pk).status_code == 404


@pytest.fixture
def overdue_report(cast, patroller, submit, log_body, today) -> ProblemReport:
    report = ProblemReport.objects.get(log_id=escalate(submit, log_body, cast["patroller"]))
    return put_in(report, Status.ASSIGNED, deadline=today - timedelta(days=2))


def test_overdue_reports_come_first_highlighted_with_the_buttons_their_status_allows(
    cast, overdue_report, submit, log_body
):
    fresh = ProblemReport.objects.get(log_id=escalate(submit, log_body, cast["patroller"]))
    response = page(cast["township_office"])
    html = text_of(response)
    assert [item["report"].pk for item in response.context["problem_rows"]] == [overdue_report.pk, fresh.pk]
    card = html.split(f'id="problem-{overdue_report.pk}"')[0].rsplit("<article", 1)[1]
    assert "overdue" in card
    assert "已逾期" in html
    assert f"/patrol/problems/{overdue_report.pk}/resolve/" in html
    assert f"/patrol/problems/{overdue_report.pk}/accept/" not in html
    assert f"/patrol/problems/{fresh.pk}/accept/" in html


def test_the_city_office_reads_the_reports_without_buttons(cast, overdue_report, places):
    html = text_of(page(cast["city_office"], township=places["township"].pk))
    assert f'id="problem-{overdue_report.pk}"' in html
    assert "/patrol/problems/" not in html


def test_a_button_moves_the_report_through_the_same_service(cast, overdue_report):
    client = Client()
    office = cast["township_office"]
    client.force_login(office)
    response = client.post(
        f"/patrol/problems/{overdue_report.pk}/resolve/", {"note": "已清运", "photos": "", "next": REVIEW}
    )
    assert response.status_code == 302 and response["Location"] == REVIEW
    overdue_report.refresh_from_db()
    assert overdue_report.status == Status.RESOLVED and overdue_report.resolution_note == "已清运"
    assert overdue_report.events.order_by("-id").first().by == office
    assert "完成" in text_of(client.get(REVIEW))


def test_a_button_the_status_does_not_allow_shows_why_and_changes_nothing(cast, overdue_report):
    client = Client()
    client.force_login(cast["township_office"])
    response = client.post(f"/patrol/problems/{overdue_report.pk}/accept/", {"next": REVIEW}, follow=True)
    assert "问题当前状态为“已交办”，不能受理。" in text_of(response)
    overdue_report.refresh_from_db()
    assert overdue_report.status == Status.ASSIGNED


@pytest.mark.parametrize(("role", "code"), [("patroller", 403), ("city_office", 403), ("other_township_office", 404)])
def test_the_buttons_answer_others_403_or_404(cast, overdue_report, role, code):
    client = Client()
    client.force_login(cast[role])
    assert client.post(f"/patrol/problems/{overdue_report.pk}/resolve/", {"note": "x"}).status_code == code
    overdue_report.refresh_from_db()
    assert overdue_report.status == Status.ASSIGNED


def test_the_export_opens_with_the_logs_the_missing_and_the_reports(
    cast, flagged_log, other_patroller, overdue_report, today
):
    response = page(cast["township_office"], EXPORT, date=today.isoformat())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["巡查日志", "未提交日志", "问题上报"]
    logs = list(book["巡查日志"].iter_rows(values_only=True))
    assert logs[0][:3] == ("日期", "巡察员", "河段")
    names = {row[1] for row in logs[1:]}
    assert flagged_log.patroller.name in names
    flagged = next(row for row in logs[1:] if row[10] and "无轨迹" in row[10])
    assert "问题缺少照片" in flagged[10]
    missing = list(book["未提交日志"].iter_rows(values_only=True))
    assert any(row[0] == other_patroller.name and today.isoformat() in row[4] for row in missing[1:])
    reports = list(book["问题上报"].iter_rows(values_only=True))
    assert any(row[1] == "倾倒垃圾渣土" and row[7] == "是" for row in reports[1:])


@pytest.mark.parametrize("more", [False, True])
def test_the_page_takes_the_same_queries_however_many_logs_photos_and_reports(
    cast, patroller, other_patroller, submit, log_body, django_assert_num_queries, more
):
    escalate(submit, log_body, cast["patroller"])
    if more:
        for n in range(3):
            log = PatrolLog.objects.get(pk=escalate(submit, log_body, cast["patroller"]))
            add_photo(log, seed=10 + n, check="dumping")
        escalate(submit, log_body, other_patroller.user)
    client = Client()
    client.force_login(cast["township_office"])
    # 1 the session, 2 its user, 3 the office's township with its county (none named: the first in scope), 4 the
    # number of logs, 5 the page of logs with patroller and segment, 6 their photos, 7 the flags of the period's
    # logs, 8 the flags of their photos, 9 the assignments on duty in the period with contract and patroller, 10 the
    # days each patroller logged, 11 the open reports with log, patroller and places, 12 their photos, 13 the photos
    # of their fixes chosen among log photos, 14 those uploaded with the fix, 15 their events.
    with django_assert_num_queries(15):
        assert client.get(REVIEW).status_code == 200
