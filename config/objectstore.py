"""Where uploaded files live (settings STORAGES["default"], docs/deploy.md "Object storage").

Local files under MEDIA_ROOT by default (`make run`); with OBJECT_STORAGE_BUCKET set, any S3-compatible object
store (MinIO, Ceph, a cloud's OSS, AWS S3) through django-storages. Every file goes through Django's storage API
(`FieldFile.save/open`, `Storage.delete`), so nothing else changes between the two.

Objects are written without an ACL header: they get the bucket's own (private) permissions, and no URL of the
store is ever given out. Photo thumbnails reach users through the app (patrol.api.photos), which checks scope on
every request; originals are never served. Should a URL ever be asked of the storage (`FieldFile.url`), it is a
signed one that lives five minutes.
"""

import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

S3_BACKEND = "storages.backends.s3.S3Storage"
# A signed URL, should one ever be produced, is valid for this many seconds.
SIGNED_URL_SECONDS = 300


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    access_key_id: str = "",
    secret_access_key: str = "",
    region: str = "",
    prefix: str = "",
    addressing_style: str = "",
) -> dict:
    """The STORAGES entry of an S3-compatible bucket. Empty keys fall back to boto3's own lookup (AWS_* variables,
    an instance role); an endpoint (anything but AWS itself) gets path-style addressing unless told otherwise."""
    from botocore.config import Config

    if addressing_style not in ("", "auto", "path", "virtual"):
        raise ImproperlyConfigured(
            f"OBJECT_STORAGE_ADDRESSING_STYLE must be auto, path or virtual, got {addressing_style!r}"
        )
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key_id or None,
            "secret_key": secret_access_key or None,
            "region_name": region or None,
            "location": prefix.strip("/"),
            "default_acl": None,
            # A name already taken gets a random suffix (roster filings keep their uploaded name); photo names
            # carry a random part of their own (patrol.models), so two racing uploads never share an object.
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": SIGNED_URL_SECONDS,
            "client_config": Config(
                s3={"addressing_style": addressing_style or ("path" if endpoint_url else "auto")},
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
                # Checksums only where the S3 API requires them: several S3-compatible stores refuse the newer
                # default trailing checksums of boto3.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        },
    }


def is_object_storage(storage) -> bool:
    return hasattr(storage, "bucket_name")


def storage_reachable(storage) -> bool:
    """Can files be written now? The bucket answers (HEAD bucket), or a file can be made (and is removed at once)
    in the media folder, or in the nearest folder above it that exists (a fresh install). Raises nothing."""
    try:
        if is_object_storage(storage):
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
            return True
        folder = Path(storage.location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        with tempfile.TemporaryFile(dir=folder, prefix=".healthz-"):
            return True
    except Exception:  # any failure of the store (network, credentials, missing bucket) means "not reachable"
        return False


@contextmanager
def durable_with_files() -> Iterator[Callable]:
    """A durable transaction whose files are removed again unless it commits.

        with durable_with_files() as keep:
            ...
            obj.file.save(name, content, save=True)
            keep(obj.file)

    Any failure inside the block or of the commit itself deletes every file passed to `keep` (a failure to delete is
    logged with the file's name and never hides the real error): a row and its file are committed together or not
    at all, and a request that fails leaves no orphan in the store. Durable: inside another transaction, whose
    later rollback could not remove the files, it refuses at once (RuntimeError)."""
    from django.db import transaction  # not at import: the settings import this module

    written: list[tuple[object, str]] = []

    def keep(field_file) -> None:
        if field_file and field_file.name:
            written.append((field_file.storage, field_file.name))

    try:
        with transaction.atomic(durable=True):
            yield keep
    except BaseException:
        for storage, name in written:
            try:
                storage.delete(name)
            except Exception:
                logger.exception("cleanup failed, orphan file left: %s", name)
        raise
