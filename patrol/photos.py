"""The photo pipeline (SPEC §5): bytes in, a `ProcessedPhoto` out — no database, no files, no settings.

What it guarantees for an upload that passes:
- it IS a JPEG or PNG, judged by its content (Pillow restricted to those decoders); the name or content type the
  phone sent is never consulted. HEIC is accepted only when it arrives converted to JPEG (what iOS sends when
  asked for "most compatible"); a real HEIC container is refused like any other unknown format;
- the pixel count is bounded per call (`max_pixels`) from the header alone, before any pixel is decoded, so a
  decompression bomb (huge declared size, tiny file) costs nothing;
- the whole image stream decodes (a truncated or corrupt file is refused);
- a JPEG thumbnail (long side `thumbnail_size`) with the EXIF orientation applied, the SHA-256 of the original
  bytes, a perceptual hash (ImageHash phash, 16 hex digits), the EXIF capture time and GPS position.

Memory: the original bytes plus ONE decoded image. For JPEG, Pillow's draft mode decodes at a reduced DCT scale
(1/2…1/8) just large enough for the thumbnail, so a 12-megapixel photo is never held at full size; PNG has no
such mode and is decoded once. The orientation is applied to the thumbnail only; the original is kept untouched.
"""

import hashlib
import io
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import imagehash
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Decoders Pillow may try. MPO (multi-picture JPEG from some phones) is opened by the JPEG decoder.
ALLOWED_DECODERS = ("JPEG", "PNG")
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png"}

# Phones without an offset in their EXIF are set to local time: Zhengzhou.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")

THUMBNAIL_SIZE = 480
THUMBNAIL_QUALITY = 80

# EXIF tags (TIFF/EXIF 2.32 numbering).
TAG_ORIENTATION = 0x0112
IFD_EXIF = 0x8769
IFD_GPS = 0x8825
TAG_DATETIME_ORIGINAL = 0x9003
TAG_DATETIME_DIGITIZED = 0x9004
TAG_OFFSET_TIME_ORIGINAL = 0x9011
TAG_OFFSET_TIME_DIGITIZED = 0x9012
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4

_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


class PhotoRejected(Exception):
    """The upload is not an acceptable photo; `message` is for the user, `status` the HTTP status to answer."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PhotoTooLarge(PhotoRejected):
    status = 413


@dataclass(frozen=True)
class ProcessedPhoto:
    format: str  # "JPEG" or "PNG" (the original's format)
    extension: str  # ".jpg" / ".png", for the stored original
    size_bytes: int
    width: int  # after the EXIF orientation
    height: int
    sha256: str
    phash: str  # 64-bit perceptual hash, 16 hex digits
    taken_at: datetime | None  # aware
    latitude: float | None
    longitude: float | None
    thumbnail: bytes  # JPEG
    thumbnail_width: int
    thumbnail_height: int


def too_large_message(max_bytes: int) -> str:
    return _("照片文件过大，最大允许%(size)s MB。") % {"size": f"{max_bytes / 1024 / 1024:g}"}


def process_photo(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    thumbnail_size: int = THUMBNAIL_SIZE,
) -> ProcessedPhoto:
    """Check and digest one uploaded photo. Raises PhotoTooLarge (413) or PhotoRejected (400)."""
    if len(data) > max_bytes:
        raise PhotoTooLarge(too_large_message(max_bytes))
    if not data:
        raise PhotoRejected(_("照片文件为空。"))
    sha256 = hashlib.sha256(data).hexdigest()

    image = _open(data)
    try:
        width, height = image.size
        if width < 1 or height < 1 or width * height > max_pixels:
            raise PhotoRejected(
                _("图片尺寸过大(%(width)s×%(height)s像素)，最多允许%(limit)s万像素。")
                % {"width": width, "height": height, "limit": max_pixels // 10_000}
            )
        source_format = ACCEPTED_FORMATS[image.format]
        exif = _read_exif(image)
        thumb = _thumbnail(image, thumbnail_size)
    finally:
        image.close()

    if _swaps_axes(exif.orientation):
        width, height = height, width
    phash = str(imagehash.phash(thumb))
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=THUMBNAIL_QUALITY)
    return ProcessedPhoto(
        format=source_format,
        extension=EXTENSIONS[source_format],
        size_bytes=len(data),
        width=width,
        height=height,
        sha256=sha256,
        phash=phash,
        taken_at=exif.taken_at,
        latitude=exif.latitude,
        longitude=exif.longitude,
        thumbnail=out.getvalue(),
        thumbnail_width=thumb.width,
        thumbnail_height=thumb.height,
    )


def _open(data: bytes) -> Image.Image:
    """Identify the format by content (header only; no pixels decoded yet)."""
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_DECODERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own global backstop (about 179 megapixels); our per-call limit is normally lower.
        raise PhotoRejected(_("图片尺寸过大，疑似恶意构造的文件。")) from None
    except UnidentifiedImageError:
        raise PhotoRejected(_("不是可识别的图片：只接受JPEG或PNG格式的照片(HEIC请以JPEG格式上传)。")) from None
    except Exception:  # any decoder failure on client input is a 400, never a 500
        raise PhotoRejected(_("图片文件不完整或已损坏，请重新拍摄或上传。")) from None
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise PhotoRejected(_("不是可识别的图片：只接受JPEG或PNG格式的照片(HEIC请以JPEG格式上传)。"))
    return image


def _thumbnail(image: Image.Image, size: int) -> Image.Image:
    """Decode (at reduced scale for JPEG), shrink to `size` on the long side, fix orientation, RGB."""
    try:
        # Image.thumbnail uses JPEG draft mode by itself: the DCT is decoded at the smallest scale that still
        # leaves twice the target size (reducing_gap), then resampled. Decoding reads the whole stream, so a
        # truncated file fails here.
        image.thumbnail((size, size), Image.Resampling.LANCZOS)
        thumb = _to_rgb(image)
        return ImageOps.exif_transpose(thumb)
    except PhotoRejected:
        raise
    except Exception:  # truncated/corrupt streams raise OSError, SyntaxError, ValueError…
        raise PhotoRejected(_("图片文件不完整或已损坏，请重新拍摄或上传。")) from None


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB for a JPEG thumbnail; transparency goes on white (not black), 16-bit greys are scaled down."""
    if image.mode == "RGB":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        background.info = image.info
        return background
    converted = image.convert("RGB")
    converted.info = image.info  # keeps the EXIF for exif_transpose
    return converted


def _swaps_axes(orientation: int | None) -> bool:
    return orientation in (5, 6, 7, 8)


# --- EXIF ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExifFacts:
    orientation: int | None = None
    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


def _read_exif(image: Image.Image) -> ExifFacts:
    """Orientation, capture time and position. Broken EXIF is treated as absent, never as a broken photo."""
    try:
        exif = image.getexif()
    except Exception:  # a malformed EXIF block must not refuse an otherwise good photo
        return ExifFacts()
    orientation = _safe(lambda: exif.get(TAG_ORIENTATION))
    sub = _safe(lambda: exif.get_ifd(IFD_EXIF)) or {}
    gps = _safe(lambda: exif.get_ifd(IFD_GPS)) or {}
    taken_at = exif_datetime(sub.get(TAG_DATETIME_ORIGINAL), sub.get(TAG_OFFSET_TIME_ORIGINAL))
    if taken_at is None:
        taken_at = exif_datetime(sub.get(TAG_DATETIME_DIGITIZED), sub.get(TAG_OFFSET_TIME_DIGITIZED))
    latitude, longitude = exif_position(gps)
    return ExifFacts(
        orientation=orientation if isinstance(orientation, int) else None,
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
    )


def _safe(read):
    try:
        return read()
    except Exception:  # see _read_exif
        return None


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value).strip().strip("\x00").strip() if value is not None else ""


def exif_datetime(value, offset=None) -> datetime | None:
    """'YYYY:MM:DD HH:MM:SS' (+ OffsetTime '+08:00') → aware datetime; no offset → Asia/Shanghai."""
    text = _text(value)
    if not text:
        return None
    try:
        naive = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    match = _OFFSET.match(_text(offset))
    if match:
        sign = -1 if match.group(1) == "-" else 1
        hours, minutes = int(match.group(2)), int(match.group(3))
        if hours <= 14 and minutes < 60:
            return naive.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
    return naive.replace(tzinfo=LOCAL_TZ)


def exif_position(gps: dict) -> tuple[float | None, float | None]:
    """GPS IFD → (latitude, longitude) in decimal degrees, or (None, None) when absent or implausible.

    Degrees/minutes/seconds are rationals; the refs N/S and E/W give the sign. Phones without a fix often write
    zeros, which would put the photo in the Gulf of Guinea: treated as absent.
    """
    latitude = _degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), negative="S", limit=90)
    longitude = _degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), negative="W", limit=180)
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None, None
    return latitude, longitude


def _degrees(value, ref, *, negative: str, limit: float) -> float | None:
    try:
        parts = [float(part) for part in value] if isinstance(value, (tuple, list)) else [float(value)]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not 1 <= len(parts) <= 3 or not all(math.isfinite(part) and part >= 0 for part in parts):
        return None
    degrees = sum(part / 60**index for index, part in enumerate(parts))
    if degrees > limit:
        return None
    if _text(ref).upper().startswith(negative):
        degrees = -degrees
    return round(degrees, 7)
