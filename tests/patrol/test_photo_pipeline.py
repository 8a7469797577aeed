"""The image pipeline alone (patrol/photos.py): bytes in, facts out, bad files refused with a Chinese message."""

import hashlib
import io
from datetime import UTC, datetime, timedelta, timezone

import imagehash
import pytest
from PIL import Image

from patrol.photos import PhotoRejected, PhotoTooLarge, exif_datetime, exif_position, process_photo
from tests.patrol.photo_images import (
    jpeg_bomb,
    jpeg_bytes,
    make_exif,
    other_format_bytes,
    picture,
    png_bomb,
    png_bytes,
)

LIMITS = {"max_bytes": 15 * 1024 * 1024, "max_pixels": 50_000_000}


def run(data: bytes, **limits):
    return process_photo(data, **{**LIMITS, **limits})


def thumbnail_of(result) -> Image.Image:
    image = Image.open(io.BytesIO(result.thumbnail))
    assert image.format == "JPEG"
    return image


def test_jpeg_with_exif_gives_capture_time_with_its_offset_and_position():
    exif = make_exif(taken="2026:11:20 08:30:15", offset="+08:00", position=(34.7466, 113.6254))

    result = run(jpeg_bytes(picture((1200, 900)), exif=exif))

    assert result.format == "JPEG" and result.extension == ".jpg"
    assert result.taken_at == datetime(2026, 11, 20, 0, 30, 15, tzinfo=UTC)
    assert result.latitude == pytest.approx(34.7466, abs=1e-5)
    assert result.longitude == pytest.approx(113.6254, abs=1e-5)
    assert (result.width, result.height) == (1200, 900)


def test_capture_time_without_offset_is_read_as_zhengzhou_time():
    result = run(jpeg_bytes(exif=make_exif(taken="2026:11:20 08:30:00")))

    assert result.taken_at == datetime(2026, 11, 20, 8, 30, tzinfo=timezone(timedelta(hours=8)))
    assert result.taken_at.utcoffset() == timedelta(hours=8)


def test_a_foreign_offset_in_the_file_is_respected():
    result = run(jpeg_bytes(exif=make_exif(taken="2026:11:20 08:30:00", offset="-05:00")))

    assert result.taken_at == datetime(2026, 11, 20, 13, 30, tzinfo=UTC)


def test_photo_without_exif_has_no_capture_time_and_no_position():
    result = run(jpeg_bytes())

    assert result.taken_at is None
    assert result.latitude is None and result.longitude is None


def test_hashes_are_the_sha256_of_the_original_bytes_and_a_16_digit_phash():
    data = jpeg_bytes()

    result = run(data)

    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert len(result.phash) == 16 and int(result.phash, 16) >= 0
    assert result.size_bytes == len(data)


def test_a_recompressed_copy_has_a_near_identical_phash_and_another_picture_does_not():
    original = run(jpeg_bytes(picture((800, 600), seed=3), quality=95))
    copy = run(jpeg_bytes(picture((800, 600), seed=3).resize((400, 300)), quality=40))
    other = run(jpeg_bytes(picture((800, 600), seed=4)))

    def distance(a, b) -> int:
        return imagehash.hex_to_hash(a.phash) - imagehash.hex_to_hash(b.phash)

    assert original.sha256 != copy.sha256
    assert distance(original, copy) <= 8  # the default PHASH_MAX_DISTANCE
    assert distance(original, other) > 16


def test_thumbnail_is_a_jpeg_480_pixels_on_the_long_side():
    result = run(jpeg_bytes(picture((2000, 1500))))

    thumb = thumbnail_of(result)
    assert thumb.size == (480, 360) == (result.thumbnail_width, result.thumbnail_height)


def test_small_photo_is_not_enlarged_for_its_thumbnail():
    thumb = thumbnail_of(run(jpeg_bytes(picture((300, 200)))))

    assert thumb.size == (300, 200)


def test_exif_orientation_is_applied_to_the_thumbnail_and_the_reported_size():
    # Stored landscape with a red left edge; orientation 6 means "rotate 90° clockwise to view".
    stored = Image.new("RGB", (640, 480), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 80, 480))

    result = run(jpeg_bytes(stored, exif=make_exif(orientation=6)))

    assert (result.width, result.height) == (480, 640)
    thumb = thumbnail_of(result).convert("RGB")
    assert thumb.size == (360, 480)
    red, _green, blue = thumb.getpixel((180, 10))  # the top edge is red once rotated
    assert red > 200 and blue < 60
    red, _green, blue = thumb.getpixel((180, 470))
    assert blue > 200 and red < 60


def test_png_is_accepted_and_keeps_its_format():
    result = run(png_bytes(picture((500, 400))))

    assert result.format == "PNG" and result.extension == ".png"
    assert thumbnail_of(result).size == (480, 384)


def test_png_exif_is_read_too():
    result = run(png_bytes(exif=make_exif(taken="2026:11:20 08:30:00", position=(34.75, 113.62))))

    assert result.taken_at == datetime(2026, 11, 20, 8, 30, tzinfo=timezone(timedelta(hours=8)))
    assert result.latitude == pytest.approx(34.75, abs=1e-5)


def test_transparent_png_gets_a_white_background_in_its_thumbnail():
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, 100, 100))

    thumb = thumbnail_of(run(png_bytes(image))).convert("RGB")

    assert thumb.getpixel((150, 50)) >= (240, 240, 240)
    green = thumb.getpixel((50, 50))
    assert green[1] > 100 and green[0] < 40


@pytest.mark.parametrize("mode", ["P", "L", "LA", "I;16", "1"])
def test_pngs_of_every_colour_mode_make_a_thumbnail(mode):
    image = picture((120, 90)).convert("RGBA" if mode == "LA" else "RGB")
    image = image.convert("L").convert(mode) if mode in ("I;16", "1", "LA") else image.convert(mode)

    result = run(png_bytes(image))

    assert thumbnail_of(result).mode in ("RGB", "L")


def test_cmyk_jpeg_is_accepted():
    result = run(jpeg_bytes(picture().convert("CMYK")))

    assert thumbnail_of(result).mode == "RGB"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "WEBP", "ICO"])
def test_other_image_formats_are_refused(fmt):
    with pytest.raises(PhotoRejected) as refused:
        run(other_format_bytes(fmt))

    assert refused.value.status == 400
    assert "只接受JPEG或PNG" in refused.value.message


@pytest.mark.parametrize(
    "data",
    [b"just some text, not a photo\n" * 10, b"%PDF-1.7\n" + b"0" * 500, b"\xff\xd8\xff" + b"\x00" * 100],
    ids=["text", "pdf", "jpeg-magic-then-garbage"],
)
def test_non_images_are_refused(data):
    with pytest.raises(PhotoRejected) as refused:
        run(data)

    assert refused.value.status == 400


def test_a_heic_container_is_refused_as_an_unknown_format():
    # The start of an ISO-BMFF/HEIF file ("ftypheic"): only HEIC converted to JPEG is accepted.
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200

    with pytest.raises(PhotoRejected, match="HEIC"):
        run(heic)


def test_heic_converted_to_jpeg_is_accepted_whatever_it_was_called():
    # The pipeline never sees the name: content decides.
    assert run(jpeg_bytes()).format == "JPEG"


@pytest.mark.parametrize("make", [jpeg_bytes, png_bytes], ids=["jpeg", "png"])
def test_truncated_files_are_refused_as_incomplete(make):
    data = make(picture((800, 600)))

    with pytest.raises(PhotoRejected) as refused:
        run(data[: len(data) // 2])

    assert refused.value.status == 400
    assert "不完整" in refused.value.message


def test_a_truncated_large_jpeg_is_refused_even_though_it_is_decoded_at_reduced_scale():
    data = jpeg_bytes(picture((3000, 2000)))

    with pytest.raises(PhotoRejected, match="不完整"):
        run(data[: int(len(data) * 0.9)])


@pytest.mark.parametrize("bomb", [png_bomb, jpeg_bomb], ids=["png", "jpeg"])
def test_decompression_bombs_are_refused_from_their_header(bomb):
    data = bomb()
    assert len(data) < 5_000

    with pytest.raises(PhotoRejected) as refused:
        run(data)

    assert refused.value.status == 400


def test_the_pixel_limit_is_the_one_given_not_pillows_global_one():
    data = png_bomb(3000, 3000)  # 9 megapixels: far below Pillow's own limit

    with pytest.raises(PhotoRejected, match="万像素"):
        run(data, max_pixels=8_000_000)


def test_an_image_at_the_pixel_limit_passes():
    assert run(jpeg_bytes(picture((400, 300))), max_pixels=120_000).width == 400


def test_an_oversize_file_is_refused_with_413_before_decoding():
    with pytest.raises(PhotoTooLarge) as refused:
        run(b"not even an image" * 100, max_bytes=1000)

    assert refused.value.status == 413
    assert "过大" in refused.value.message


def test_an_empty_file_is_refused():
    with pytest.raises(PhotoRejected):
        run(b"")


def test_broken_exif_values_count_as_absent_not_as_a_broken_photo():
    exif = make_exif(taken="0000:00:00 00:00:00", position=(0.0, 0.0))

    result = run(jpeg_bytes(exif=exif))

    assert result.taken_at is None and result.latitude is None


@pytest.mark.parametrize(
    ("value", "offset", "expected"),
    [
        ("2026:11:20 08:30:00", "+08:00", datetime(2026, 11, 20, 0, 30, tzinfo=UTC)),
        ("2026:11:20 08:30:00", None, datetime(2026, 11, 20, 0, 30, tzinfo=UTC)),
        ("2026:11:20 08:30:00", "garbage", datetime(2026, 11, 20, 0, 30, tzinfo=UTC)),
        (b"2026:11:20 08:30:00\x00", "+0000", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
        ("2026:11:20 08:30:00.123", "+08:00", datetime(2026, 11, 20, 0, 30, tzinfo=UTC)),
        ("    :  :     :  :  ", None, None),
        ("", None, None),
        (None, None, None),
        ("2026:13:45 08:30:00", None, None),
    ],
)
def test_exif_datetimes(value, offset, expected):
    assert exif_datetime(value, offset) == expected


@pytest.mark.parametrize(
    ("gps", "expected"),
    [
        ({1: "N", 2: (34.0, 44.0, 47.76), 3: "E", 4: (113.0, 37.0, 31.44)}, (34.7466, 113.6254)),
        ({1: "S", 2: (33.0, 30.0, 0.0), 3: "W", 4: (70.0, 15.0, 0.0)}, (-33.5, -70.25)),
        ({1: "N", 2: (34.5,), 3: "E", 4: (113.25,)}, (34.5, 113.25)),
        ({1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)}, (None, None)),
        ({1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (113.0, 0.0, 0.0)}, (None, None)),
        ({1: "N", 2: (float("nan"), 0.0, 0.0), 3: "E", 4: (113.0, 0.0, 0.0)}, (None, None)),
        ({1: "N", 2: "garbage", 3: "E", 4: (113.0, 0.0, 0.0)}, (None, None)),
        ({3: "E", 4: (113.0, 0.0, 0.0)}, (None, None)),
        ({}, (None, None)),
    ],
)
def test_exif_positions(gps, expected):
    latitude, longitude = exif_position(gps)
    if expected[0] is None:
        assert (latitude, longitude) == (None, None)
    else:
        assert latitude == pytest.approx(expected[0], abs=1e-5)
        assert longitude == pytest.approx(expected[1], abs=1e-5)


def test_a_multi_picture_jpeg_from_a_phone_is_accepted_as_jpeg():
    out = io.BytesIO()
    picture(seed=1).save(out, "MPO", save_all=True, append_images=[picture(seed=2)])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"

    result = run(out.getvalue())

    assert result.format == "JPEG" and result.extension == ".jpg"
