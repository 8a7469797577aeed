"""The multipart body of `POST /api/v1/patrol-logs/{id}/photos/` (API.md). The answer is patrol.serializers'
PhotoSerializer, the same shape a log shows its photos in.

A plain Serializer, not a ModelSerializer: that would add a unique validator on client_uuid and answer a replay
with 400 where API.md wants the stored photo with 200. What the file IS (format, size, pixels) is decided by the
pipeline (patrol.photos), never by the name or content type the phone sends."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api import UUIDStringField
from patrol import rules


class PhotoUploadSerializer(serializers.Serializer):
    client_uuid = UUIDStringField(label=_("客户端编号"), help_text=_("手机为每张照片生成的UUID，重发时不变"))
    file = serializers.FileField(
        label=_("照片"),
        allow_empty_file=True,  # the pipeline refuses it with its own message
        use_url=False,
        help_text=_("JPEG或PNG照片(HEIC请以JPEG格式上传)"),
    )
    check = serializers.ChoiceField(
        choices=rules.CHECK_CHOICES,
        required=False,
        allow_blank=True,
        default="",
        label=_("对应检查项"),
        help_text=_("照片所证明的检查项编码，可不填"),
    )
