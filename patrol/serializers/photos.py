"""API shapes of photos (API.md): `PhotoSerializer`, a photo as a log shows it and as the upload answers, and the
multipart body of `POST /api/v1/patrol-logs/{id}/photos/`.

The upload is a plain Serializer, not a ModelSerializer: that would add a unique validator on client_uuid and
answer a replay with 400 where API.md wants the stored photo with 200. What the file IS (format, size, pixels) is
decided by the pipeline (patrol.photos), never by the name or content type the phone sends.

`taken_at`, `latitude`, `longitude`, `accuracy` are optional: the capture time and place the phone read from the
original before downscaling it (or its clock and GPS at capture). The file's own EXIF wins where it has a value
(patrol.rules.photo_evidence)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import UUIDStringField
from patrol import rules
from patrol.models import Photo
from patrol.rules.photo_evidence import Reported
from patrol.selectors import thumbnail_url


class PhotoUploadSerializer(serializers.Serializer):
    client_uuid = UUIDStringField(label=_("客户端编号"), help_text=_("手机为每张照片生成的UUID，重发时不变"))
    file = serializers.FileField(
        label=_("照片"),
        allow_empty_file=True,  # the pipeline refuses it with its own message
        use_url=False,
        help_text=_("JPEG或PNG照片(HEIC请以JPEG格式上传)"),
    )
    check = serializers.CharField(
        max_length=rules.LOCAL_CODE_MAX,
        required=False,
        allow_blank=True,
        default="",
        label=_("对应检查项"),
        help_text=_("照片所证明的检查项编码(第七条的检查项，或该日志回答的本地检查项)，可不填"),
    )
    taken_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        label=_("拍摄时间"),
        help_text=_("手机报告的拍摄时间(ISO 8601，带时区)；照片文件自带EXIF拍摄时间时以文件为准"),
    )
    latitude = serializers.FloatField(
        required=False, allow_null=True, default=None, min_value=-90, max_value=90, label=_("纬度")
    )
    longitude = serializers.FloatField(
        required=False, allow_null=True, default=None, min_value=-180, max_value=180, label=_("经度")
    )
    accuracy = serializers.FloatField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=100_000,
        label=_("定位精度(米)"),
        help_text=_("手机报告的拍摄地点(纬度、经度，WGS84)及其精度；照片文件自带EXIF位置时以文件为准"),
    )

    def validate(self, attrs: dict) -> dict:
        latitude, longitude, accuracy = attrs.get("latitude"), attrs.get("longitude"), attrs.get("accuracy")
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            raise serializers.ValidationError({missing: [_("纬度和经度须同时提供。")]})
        if accuracy is not None and latitude is None:
            raise serializers.ValidationError({"accuracy": [_("没有拍摄地点时不能提供定位精度。")]})
        taken_at = attrs.get("taken_at")
        if taken_at is not None and not rules.EARLIEST_YEAR <= taken_at.year <= rules.LATEST_YEAR:
            raise serializers.ValidationError({"taken_at": [_("拍摄时间不合理，请检查手机日期。")]})
        if latitude == 0 and longitude == 0:
            # What phones without a fix write (the Gulf of Guinea): no position, as for EXIF (patrol.photos).
            attrs["latitude"] = attrs["longitude"] = attrs["accuracy"] = None
        attrs["reported"] = Reported(
            taken_at=taken_at,
            latitude=attrs["latitude"],
            longitude=attrs["longitude"],
            accuracy=attrs.get("accuracy"),
        )
        return attrs


class PhotoSerializer(serializers.ModelSerializer):
    """A photo as API.md shows it; the original file is never exposed, only the thumbnail URL."""

    check = serializers.CharField(source="check_code", read_only=True)
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = [
            "id",
            "client_uuid",
            "sha256",
            "phash",
            "taken_at",
            "taken_at_source",
            "latitude",
            "longitude",
            "location_source",
            "location_accuracy",
            "width",
            "height",
            "check",
            "thumbnail_url",
            "flags",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail_url(self, photo: Photo) -> str | None:
        if not photo.thumbnail:
            return None
        path = thumbnail_url(photo)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
