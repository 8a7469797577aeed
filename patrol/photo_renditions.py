"""The large rendition of a photo (long side ≤ LARGE_SIZE px, JPEG): what a reviewer opens to read a photo, where the
480-px thumbnail is too small. Made from the private original on first request and kept in the same storage as the
original (through Django's storage API only, never a file path: the storage may be object storage), so the next
request streams it. The original itself is never served.

Race: two first requests at once both render; the storage keeps both names (it suffixes a taken one) and each
answers its own, so neither waits for a lock. Later requests find the canonical name.
"""

import io
from uuid import UUID

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps

from patrol.photos import ALLOWED_DECODERS, _to_rgb

LARGE_SIZE = 1600
LARGE_QUALITY = 85


def large_name(kind: str, client_uuid: UUID) -> str:
    """`private/patrol/<kind>/large/ab/abcdef….jpg` — under private/, which no URL serves."""
    hex_ = UUID(str(client_uuid)).hex
    return f"private/patrol/{kind}/large/{hex_[:2]}/{hex_}.jpg"


def render_large(data: bytes, size: int = LARGE_SIZE) -> bytes:
    """A JPEG of `data` with its long side at most `size` px, the EXIF orientation applied, no metadata kept."""
    with Image.open(io.BytesIO(data), formats=ALLOWED_DECODERS) as image:
        image.thumbnail((size, size), Image.Resampling.LANCZOS)  # JPEG draft mode: never decoded at full size
        picture = ImageOps.exif_transpose(_to_rgb(image))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=LARGE_QUALITY, optimize=True)
    return out.getvalue()


def large_rendition(original: FieldFile, name: str):
    """An open binary file of the large rendition of `original` (made and stored under `name` when missing).
    FileNotFoundError when the original is gone."""
    storage = original.storage
    if storage.exists(name):
        try:
            return storage.open(name, "rb")
        except FileNotFoundError:  # removed in between: render again
            pass
    with storage.open(original.name, "rb") as handle:
        data = handle.read()
    rendered = render_large(data)
    saved = storage.save(name, ContentFile(rendered))
    return storage.open(saved, "rb")
