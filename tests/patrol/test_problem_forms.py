"""The problem forms of the review page (issue 13 item 4): the photos of the fix are uploaded with the resolution
(multipart files, not typed photo ids), shown on the card and served to whoever may see the report; after a failed
action the error stands next to that form and what was typed is kept."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from patrol.models import ProblemReport, ResolutionPhoto
from tests.factories import escalate, put_in
from tests.patrol.photo_images import jpeg_bytes, picture

pytestmark = pytest.mark.django_db

REVIEW = "/patrol/review/"
Status = ProblemReport.Status


@pytest.fixture
def assigned(cast, patroller, submit, log_body, today) -> ProblemReport:
    report = ProblemReport.objects.get(log_id=escalate(submit, log_body, cast["patroller"]))
    return put_in(report, Status.ASSIGNED, deadline=today + timedelta(days=5))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def photo_file(name="fixed.jpg", seed=3, size=(2000, 1500)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(picture(size, seed=seed)), content_type="image/jpeg")


def card_of(html: str, report: ProblemReport) -> str:
    return html.split(f'id="problem-{report.pk}"')[1].split("</article>")[0]


def test_the_resolve_form_takes_photo_files_not_ids(cast, assigned):
    card = card_of(signed_in(cast["township_office"]).get(REVIEW).content.decode(), assigned)
    form = card.split(f'id="problem-{assigned.pk}-resolve"')[1].split("</form>")[0]
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file" name="uploads"' in form and "multiple" in form
    assert 'name="photos"' not in form


def test_photos_uploaded_with_the_resolution_are_kept_shown_and_served_in_scope(cast, assigned):
    office = signed_in(cast["township_office"])
    response = office.post(
        f"/patrol/problems/{assigned.pk}/resolve/",
        {"note": "已清运完毕", "uploads": [photo_file(seed=3), photo_file("b.png", seed=4)], "next": REVIEW},
    )
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.status == Status.RESOLVED and assigned.resolution_note == "已清运完毕"
    photos = list(assigned.uploaded_photos.order_by("id"))
    assert len(photos) == 2 and all(p.uploaded_by == cast["township_office"] for p in photos)
    assert all(default_storage.exists(p.file.name) and default_storage.exists(p.thumbnail.name) for p in photos)

    card = card_of(office.get(REVIEW, {"township": assigned.township_id}).content.decode(), assigned)
    for photo in photos:
        assert f'src="/api/v1/resolution-photos/{photo.pk}/thumbnail/"' in card
        assert f'href="/api/v1/resolution-photos/{photo.pk}/large/"' in card
    large = office.get(f"/api/v1/resolution-photos/{photos[0].pk}/large/")
    assert large.status_code == 200
    assert Image.open(io.BytesIO(b"".join(large.streaming_content))).size == (1600, 1200)
    # The API's reading of the report lists them too.
    data = office.get(f"/api/v1/problem-reports/{assigned.pk}/").json()
    assert [p["id"] for p in data["resolution_uploads"]] == [p.pk for p in photos]
    for who, status in [
        ("county_office", 200),
        ("city_office", 200),
        ("patroller", 200),  # the patroller who reported the problem
        ("other_township_office", 404),
        ("other_county_office", 404),
    ]:
        answer = signed_in(cast[who]).get(f"/api/v1/resolution-photos/{photos[0].pk}/thumbnail/")
        assert answer.status_code == status, who


def test_a_refused_photo_resolves_nothing_keeps_the_note_and_says_why_next_to_the_form(cast, assigned):
    office = signed_in(cast["township_office"])
    bad = SimpleUploadedFile("notes.jpg", b"this is no picture", content_type="image/jpeg")
    response = office.post(
        f"/patrol/problems/{assigned.pk}/resolve/",
        {"note": "河岸垃圾已清运<完毕>", "uploads": [photo_file(), bad], "next": REVIEW},
        follow=True,
    )
    assigned.refresh_from_db()
    assert assigned.status == Status.ASSIGNED
    assert ResolutionPhoto.objects.count() == 0
    html = response.content.decode()
    form = card_of(html, assigned).split(f'id="problem-{assigned.pk}-resolve"')[1].split("</form>")[0]
    assert "第2张照片：不是可识别的图片" in form
    assert 'value="河岸垃圾已清运&lt;完毕&gt;"' in form
    assert "请重新选择照片" in form
    # Shown once: not also at the top of the page, and gone on the next visit.
    assert html.count("第2张照片") == 1
    assert "第2张照片" not in office.get(REVIEW).content.decode()


def test_a_failed_assignment_keeps_what_was_typed_in_its_own_form(cast, assigned, today):
    office = signed_in(cast["township_office"])
    past = (today - timedelta(days=3)).isoformat()
    response = office.post(
        f"/patrol/problems/{assigned.pk}/assign/",
        {"assignee": "镇环卫所王站长", "deadline": past, "next": REVIEW},
        follow=True,
    )
    html = response.content.decode()
    form = card_of(html, assigned).split(f'id="problem-{assigned.pk}-assign"')[1].split("</form>")[0]
    assert "办理期限不能早于今天。" in form
    assert 'value="镇环卫所王站长"' in form and f'value="{past}"' in form
    resolve = card_of(html, assigned).split(f'id="problem-{assigned.pk}-resolve"')[1].split("</form>")[0]
    assert "办理期限不能早于今天" not in resolve


def test_the_api_still_takes_photo_ids(cast, assigned, api):
    answer = api.as_user(cast["township_office"]).post(
        f"/api/v1/problem-reports/{assigned.pk}/resolve/", {"note": "已处理"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["resolution_uploads"] == []
