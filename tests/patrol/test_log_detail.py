"""The log detail page of the review (issue 13 item 4): the track over the segment, coverage and speed, every
check, action and local answer, the whole note, photos at a readable size with their capture time and place and
their flags explained; and the large photo, served only to whoever may see the log."""

import io
import uuid

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from patrol import photo_renditions, rules, services
from patrol.models import PatrolLog, Photo
from tests.factories import ALL_NORMAL, LAT
from tests.patrol.photo_images import jpeg_bytes, make_exif, picture

pytestmark = pytest.mark.django_db

LONG_NOTE = "在桥下东侧发现一处新倒的建筑垃圾，约两立方米，已拍照并劝离运输车辆。" * 4 + "末尾的话"


def page_of(user, log: PatrolLog):
    client = Client()
    client.force_login(user)
    return client.get(f"/patrol/logs/{log.pk}/")


def large_of(user, photo: Photo):
    client = Client()
    client.force_login(user)
    return client.get(f"/api/v1/photos/{photo.pk}/large/")


@pytest.fixture
def walked_log(cast, patroller, submit, log_body) -> PatrolLog:
    body = log_body(checks={**ALL_NORMAL, "dumping": "problem"}, actions=["stopped", "cleaned"], notes=LONG_NOTE)
    response = submit(cast["patroller"], body)
    assert response.status_code == 201, response.content
    return PatrolLog.objects.get(pk=response.json()["id"])


def add_photo(log: PatrolLog, *, seed: int = 1, size=(2400, 1800), check: str = "dumping", **exif) -> Photo:
    exif.setdefault("taken", log.started_at.astimezone(rules.LOCAL_TZ))
    data = jpeg_bytes(picture(size, seed=seed), exif=make_exif(**exif))
    photo, _created = services.photo_add(
        log=log, by=log.patroller.user, client_uuid=uuid.uuid4(), data=data, check=check
    )
    return photo


def test_the_page_draws_the_track_over_the_segment_and_tells_the_whole_log(cast, walked_log):
    photo = add_photo(walked_log, position=(LAT, 113.6250))
    response = page_of(cast["township_office"], walked_log)
    assert response.status_code == 200
    html = response.content.decode()
    svg = html.split('<svg id="track-map"')[1].split("</svg>")[0]
    assert svg.count('class="map-segment"') == 1
    track = svg.split('class="map-track" d="')[1].split('"')[0]
    assert track.startswith("M") and track.count("L") >= 20  # the 25 fixes walked along the line
    assert f'href="#photo-{photo.pk}"' in svg  # where the photo was taken
    # Coverage, the track's figures and the speed of a walk (about 3.8 km/h).
    coverage = html.split('id="log-coverage"')[1].split("</dd>")[0]
    assert f"{round(walked_log.coverage * 100)}%" in coverage
    speed = html.split('id="log-speed"')[1].split("</dd>")[0]
    assert "平均每小时 3.8 公里" in speed
    # Every check, the actions and the whole note.
    for label in ("入河排污", "倾倒垃圾渣土", "河长公示牌"):
        assert label in html
    assert "有问题" in html
    assert "现场制止、保洁" in html.split('id="log-actions"')[1]
    assert "末尾的话" in html
    # The photo at a readable size through the scoped URL, with its capture time and place and their source.
    assert f'src="/api/v1/photos/{photo.pk}/large/"' in html
    card = html.split(f'id="photo-{photo.pk}"')[1].split("</figure>")[0]
    assert "照片文件EXIF" in card
    assert "34.75000, 113.62500" in card
    assert "originals" not in html


def test_every_flag_is_explained_in_chinese(cast, walked_log):
    photo = add_photo(walked_log)
    PatrolLog.objects.filter(pk=walked_log.pk).update(flags=list(rules.LOG_FLAGS))
    Photo.objects.filter(pk=photo.pk).update(flags=list(rules.PHOTO_FLAGS))
    html = page_of(cast["township_office"], walked_log).content.decode()
    assert "距轨迹50米以内的河段长度不足全长的60%" in html
    assert "持续超过每小时25公里" in html
    assert "拍摄地点距河段超过500米" in html
    assert "可能是截图、编辑或转发的图片" in html
    for code, label in rules.FLAG_LABELS.items():
        assert f'<span class="flag flag-{code}">{label}</span>' in html, code


def test_the_review_links_each_log_to_its_page(cast, walked_log):
    client = Client()
    client.force_login(cast["township_office"])
    html = client.get("/patrol/review/").content.decode()
    assert f'href="/patrol/logs/{walked_log.pk}/"' in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("township_office", 200),
        ("county_office", 200),
        ("city_office", 200),
        ("other_township_office", 404),
        ("other_county_office", 404),
        ("patroller", 403),
        ("supervisor", 403),
    ],
)
def test_the_page_is_for_offices_in_scope(cast, walked_log, who, status):
    assert page_of(cast[who], walked_log).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("patroller", 200),  # the log's own patroller
        ("township_office", 200),
        ("county_office", 200),
        ("city_office", 200),
        ("other_township_office", 404),
        ("other_county_office", 404),
        ("supervisor", 404),
    ],
)
def test_the_large_photo_answers_only_to_who_may_see_the_log(cast, walked_log, who, status):
    photo = add_photo(walked_log)
    response = large_of(cast[who], photo)
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert image.size == (1600, 1200)  # larger than the 480-px thumbnail, never the 2400-px original


def test_another_patroller_gets_404_for_the_large_photo(cast, walked_log, other_patroller):
    photo = add_photo(walked_log)
    assert large_of(other_patroller.user, photo).status_code == 404


def test_the_large_photo_is_made_once_and_kept_in_the_photo_storage(cast, walked_log):
    photo = add_photo(walked_log, size=(900, 600))
    name = photo_renditions.large_name("photos", photo.client_uuid)
    assert not default_storage.exists(name)
    first = large_of(cast["township_office"], photo)
    assert first.status_code == 200
    assert Image.open(io.BytesIO(b"".join(first.streaming_content))).size == (900, 600)  # never enlarged
    assert default_storage.exists(name)
    stored = default_storage.open(name).read()
    second = large_of(cast["township_office"], photo)
    assert b"".join(second.streaming_content) == stored


def test_the_large_photo_of_a_lost_original_is_404(cast, walked_log):
    photo = add_photo(walked_log)
    default_storage.delete(photo.file.name)
    assert large_of(cast["township_office"], photo).status_code == 404


def count_queries(user, log: PatrolLog) -> int:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/patrol/logs/{log.pk}/").status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_whatever_the_number_of_photos(cast, walked_log):
    # 1 the session, 2 its user, 3 the log in scope with patroller, segment, water body and township, 4 its photos,
    # 5 its problem reports with their local items. (A log that answered local items adds one: the county's items.)
    add_photo(walked_log, seed=1, size=(640, 480))
    one = count_queries(cast["county_office"], walked_log)
    for seed in range(2, 7):
        add_photo(walked_log, seed=seed, size=(640, 480), check="")
    assert count_queries(cast["county_office"], walked_log) == one == 5
