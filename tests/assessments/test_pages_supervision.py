"""Supervision reports on the web (第十二条): the phone form of village chiefs and volunteer
supervisors, and the township office's confirm/reject list."""

from datetime import date

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, SupervisionReport

pytestmark = pytest.mark.django_db

LIST = "/assessments/supervision/"
NEW = "/assessments/supervision/new/"
JAN_1 = date(2026, 1, 1)


@pytest.fixture
def patroller(hire):
    """An active patroller on S-HOME, which passes the village chief's village 柳林村."""
    return hire(start=JAN_1)


@pytest.fixture
def report(cast, patroller):
    return services.supervision_report_file(
        by=cast["supervisor"], patroller=patroller, observed_on=date(2026, 5, 12), text="连续三天未见巡河。"
    )


def text(response) -> str:
    return response.content.decode()


def test_a_village_chief_files_a_report_from_the_form(cast, patroller, web):
    client = web(cast["village_chief"])
    form = client.get(NEW)
    assert form.status_code == 200
    assert patroller.name in text(form)

    response = client.post(NEW, {"patroller": patroller.pk, "observed_on": "2026-05-12", "text": "河面垃圾无人清理"})

    assert response.status_code == 302
    report = SupervisionReport.objects.get()
    assert (report.patroller, report.reporter, report.status) == (patroller, cast["village_chief"], "pending")
    listing = text(client.get(LIST))
    assert "河面垃圾无人清理" in listing and "待核实" in listing


def test_the_form_shows_the_services_errors_by_their_fields(cast, patroller, web):
    tomorrow = timezone.localdate().toordinal() + 1

    response = web(cast["supervisor"]).post(
        NEW, {"patroller": patroller.pk, "observed_on": date.fromordinal(tomorrow).isoformat(), "text": "未巡河"}
    )

    assert response.status_code == 400
    assert "发现日期不能晚于今天" in text(response)
    assert not SupervisionReport.objects.exists()


def test_a_reporter_cannot_name_a_patroller_outside_their_area(cast, segments, hire, village_elsewhere, web):
    elsewhere = hire(
        start=JAN_1, segment=segments["neighbour"], office=cast["other_township_office"], village=village_elsewhere
    )

    response = web(cast["supervisor"]).post(NEW, {"patroller": elsewhere.pk, "observed_on": "2026-05-12", "text": "x"})

    assert response.status_code == 400
    assert elsewhere.name not in text(response)
    assert not SupervisionReport.objects.exists()


@pytest.mark.parametrize("who", ["patroller", "township_office", "county_office", "city_office", "outsider"])
def test_only_village_chiefs_and_supervisors_file_reports(cast, patroller, web, who):
    client = web(cast[who])

    assert client.get(NEW).status_code == 403
    data = {"patroller": patroller.pk, "observed_on": "2026-05-12", "text": "未巡河"}
    assert client.post(NEW, data).status_code == 403
    assert not SupervisionReport.objects.exists()


def test_the_township_office_confirms_and_the_months_draft_suggestion_drops(cast, places, patroller, report, web):
    services.assessments_prepare(township=places["township"], month=date(2026, 5, 1), by=cast["township_office"])
    before = Assessment.objects.get(patroller=patroller).suggested_daily_work
    client = web(cast["township_office"])
    assert "属实" in text(client.get(LIST))

    response = client.post(f"/assessments/supervision/{report.pk}/confirm/", {"note": "暗访核实"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.decision_note, report.decided_by) == (
        "confirmed",
        "暗访核实",
        cast["township_office"],
    )
    assert Assessment.objects.get(patroller=patroller).suggested_daily_work <= before
    assert Assessment.objects.get(patroller=patroller).facts["supervision_confirmed"] == 1


def test_the_township_office_rejects(cast, report, web):
    response = web(cast["township_office"]).post(f"/assessments/supervision/{report.pk}/reject/", {"note": "有轨迹"})

    assert response.status_code == 302
    assert SupervisionReport.objects.get(pk=report.pk).status == "rejected"


def test_the_county_office_reads_reports_but_the_township_decides(cast, report, web):
    client = web(cast["county_office"])

    page = text(client.get(LIST))

    assert "连续三天未见巡河" in page and "不属实</button>" not in page
    assert client.post(f"/assessments/supervision/{report.pk}/confirm/", {}).status_code == 403
    assert SupervisionReport.objects.get(pk=report.pk).status == "pending"


@pytest.mark.parametrize(
    ("who", "status"), [("other_township_office", 404), ("patroller", 403), ("village_chief", 403)]
)
def test_no_one_else_decides(cast, report, web, who, status):
    assert web(cast[who]).post(f"/assessments/supervision/{report.pk}/confirm/", {}).status_code == status
    assert SupervisionReport.objects.get(pk=report.pk).status == "pending"


def test_a_reporter_sees_only_their_own_reports_and_a_patroller_none(cast, report, web):
    assert "连续三天未见巡河" in text(web(cast["supervisor"]).get(LIST))
    assert "连续三天未见巡河" not in text(web(cast["village_chief"]).get(LIST))
    assert web(cast["patroller"]).get(LIST).status_code == 403


@pytest.mark.parametrize("count", [1, 4])
def test_the_list_takes_the_same_queries_however_many_reports(cast, patroller, web, count, django_assert_num_queries):
    for n in range(count):
        services.supervision_report_file(
            by=cast["supervisor"], patroller=patroller, observed_on=date(2026, 5, 1 + n), text="未巡河"
        )
    client = web(cast["township_office"])
    # 1 the session, 2 its user, 3 the number of reports, 4 the page of reports with patroller, reporter,
    # township and who decided.
    with django_assert_num_queries(4):
        assert client.get(LIST).status_code == 200


def test_the_form_names_each_patrollers_segment(cast, patroller, web):
    page = text(web(cast["supervisor"]).get(NEW))

    assert f'<option value="{patroller.pk}">{patroller.name}（贾鲁河丰庆路段）</option>' in page
    assert 'enctype="multipart/form-data"' in page and 'name="photo"' in page


def test_a_report_with_a_photo_shows_it_to_the_office_and_to_no_one_outside(cast, patroller, web):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from tests.patrol.photo_images import jpeg_bytes, make_exif

    exif = make_exif(position=(34.8, 113.6))
    upload = SimpleUploadedFile("scene.jpg", jpeg_bytes(exif=exif), content_type="image/jpeg")
    response = web(cast["supervisor"]).post(
        NEW, {"patroller": patroller.pk, "observed_on": "2026-05-12", "text": "河面垃圾无人清理", "photo": upload}
    )

    assert response.status_code == 302
    report = SupervisionReport.objects.get()
    photo_url = f"/assessments/supervision/{report.pk}/photo/"
    assert f'src="{photo_url}"' in text(web(cast["township_office"]).get(LIST))
    shown = web(cast["township_office"]).get(photo_url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    image = Image.open(BytesIO(b"".join(shown.streaming_content)))
    assert image.format == "JPEG" and not image.getexif()  # the reporter's position is not kept
    assert web(cast["other_township_office"]).get(photo_url).status_code == 404
    assert web(cast["patroller"]).get(photo_url).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_by_the_field(cast, patroller, web):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("scene.jpg", b"not an image at all", content_type="image/jpeg")
    response = web(cast["supervisor"]).post(
        NEW, {"patroller": patroller.pk, "observed_on": "2026-05-12", "text": "未巡河", "photo": upload}
    )

    assert response.status_code == 400
    assert not SupervisionReport.objects.exists()
