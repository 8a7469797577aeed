"""Images made on the spot for the photo tests: JPEG/PNG with or without EXIF, bombs, fakes."""

import io
import random
import struct
import zlib
from datetime import datetime

from PIL import Image

from tests.factories import LAT, local

# A point on the home segment's line in the photo tests (贾鲁河, Zhengzhou).
ON_SEGMENT = (34.7466, 113.6254)
# The middle of the home segment's line (tests/factories.py HOME_LINE).
ON_LINE = (LAT, 113.6255)


def dms(value: float) -> tuple[float, float, float]:
    """Decimal degrees → (degrees, minutes, seconds) as EXIF wants them."""
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return float(degrees), float(minutes), seconds


def make_exif(
    *,
    taken: datetime | str | None = None,
    offset: str | None = None,
    position: tuple[float, float] | None = None,
    orientation: int | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if taken is not None:
        sub = exif.get_ifd(0x8769)
        sub[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S") if isinstance(taken, datetime) else taken
        if offset is not None:
            sub[0x9011] = offset
    if position is not None:
        latitude, longitude = position
        gps = exif.get_ifd(0x8825)
        gps[1] = "N" if latitude >= 0 else "S"
        gps[2] = dms(latitude)
        gps[3] = "E" if longitude >= 0 else "W"
        gps[4] = dms(longitude)
    return exif


def picture(size: tuple[int, int] = (640, 480), *, seed: int = 1) -> Image.Image:
    """A picture with coarse structure drawn from `seed`, so that different seeds look (and hash) different."""
    rng = random.Random(seed)
    grid = Image.new("RGB", (8, 6))
    grid.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(8 * 6)])
    return grid.resize(size, Image.Resampling.BILINEAR)


def jpeg_bytes(image: Image.Image | None = None, *, exif: Image.Exif | None = None, quality: int = 90) -> bytes:
    image = image or picture()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **({"exif": exif.tobytes()} if exif is not None else {}))
    return out.getvalue()


def png_bytes(image: Image.Image | None = None, *, exif: Image.Exif | None = None) -> bytes:
    image = image or picture()
    out = io.BytesIO()
    # As bytes: Pillow's PNG writer skips an Exif object whose only entries are sub-IFDs.
    image.save(out, "PNG", **({"exif": exif.tobytes()} if exif is not None else {}))
    return out.getvalue()


def other_format_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    picture().save(out, fmt)
    return out.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header declares an enormous image (10 gigapixels by default)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * 1024)  # a sliver of pixel data: the rest would come from "decompression"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def jpeg_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A small real JPEG whose frame header (SOF0) is rewritten to declare a huge size."""
    data = bytearray(jpeg_bytes(Image.new("L", (16, 16), 128)))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def during(day, minute: int = 10) -> datetime:
    return local(day, 8, minute)


def good_photo(day, *, seed: int = 1, position=ON_LINE, taken: datetime | None = None, **exif) -> bytes:
    """A JPEG taken during the patrol (08:10), on the segment's line, unless told otherwise."""
    taken = taken or during(day)
    return jpeg_bytes(
        picture(seed=seed),
        exif=make_exif(taken=taken.strftime("%Y:%m:%d %H:%M:%S"), offset="+08:00", position=position, **exif),
    )
