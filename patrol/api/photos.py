"""Photos of patrol logs (API.md): `POST /api/v1/patrol-logs/{id}/photos/` (the log's patroller uploads, idempotent
by client_uuid), `GET /api/v1/photos/{id}/thumbnail/` (the JPEG thumbnail, to whoever may see the log) and
`GET /api/v1/photos/{id}/large/` (a JPEG of long side ≤ 1600 px, to the same users: patrol.photo_renditions);
the photos of a problem's fix uploaded by the office, `GET /api/v1/resolution-photos/{id}/thumbnail/` and `…/large/`,
to whoever may see the problem report.

Status codes: 404 when the log (or photo) is outside the caller's scope, 403 when the caller sees the log but is
not its patroller, 413 for a file over PHOTO_MAX_BYTES, 400 for anything that is not an acceptable photo,
201 new, 200 replay, 409 the uuid was used for something else. Originals are never served.
"""

from django.conf import settings
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ANY_ROLE
from config.api import Conflict, ErrorsSerializer, PayloadTooLarge
from patrol import photo_renditions, selectors, services
from patrol.models import Photo, ResolutionPhoto
from patrol.photos import PhotoRejected, PhotoTooLarge, too_large_message
from patrol.serializers import PhotoSerializer, PhotoUploadSerializer

# Room for the multipart framing and the small fields around the file when judging Content-Length.
MULTIPART_OVERHEAD = 16 * 1024


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge({"file": [too_large_message(settings.RIVER["PHOTO_MAX_BYTES"])]})


class PhotoUploadView(APIView):
    # Every role may try: scope answers 404 for a log the caller cannot see, the service 403 for one they see
    # but may not add photos to (API.md). Deciding by role first would answer 403 for logs outside scope.
    roles = ANY_ROLE
    parser_classes = [MultiPartParser, FormParser]

    def initial(self, request: Request, *args, **kwargs) -> None:
        # Before authentication: the session CSRF check reads the form, which would spool the whole body to
        # disk first. A body longer than the limit plus framing cannot hold an acceptable photo.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.RIVER["PHOTO_MAX_BYTES"] + MULTIPART_OVERHEAD:
            raise _too_large()
        super().initial(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={
            201: PhotoSerializer,
            200: OpenApiResponse(PhotoSerializer, description="重复上传，返回已保存的照片 / replay"),
            409: OpenApiResponse(ErrorsSerializer, description="同一编号内容不同 / idempotency conflict"),
            413: OpenApiResponse(ErrorsSerializer, description="文件过大 / file too large"),
        },
        summary="上传巡查照片 / upload a photo of a patrol log",
    )
    def post(self, request: Request, pk: int) -> Response:
        log = selectors.patrol_log_get(user=request.user, pk=pk)
        services.require_may_add_photo(log=log, by=request.user)
        body = PhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size > settings.RIVER["PHOTO_MAX_BYTES"]:
            raise _too_large()
        try:
            photo, created = services.photo_add(
                log=log,
                by=request.user,
                client_uuid=body.validated_data["client_uuid"],
                data=upload.read(),
                check=body.validated_data["check"],
                reported=body.validated_data["reported"],
            )
        except PhotoTooLarge as exc:
            raise PayloadTooLarge({"file": [exc.message]}) from None
        except PhotoRejected as exc:
            raise exceptions.ValidationError({"file": [exc.message]}) from None
        except services.IdempotencyConflict as exc:
            raise Conflict(exc.errors) from None
        data = PhotoSerializer(photo, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class IgnoreAccept(BaseContentNegotiation):
    """The thumbnail answers a JPEG whatever the Accept header says (an <img> asks for image/webp, */*…);
    errors still come out as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PhotoThumbnailView(APIView):
    roles = ANY_ROLE  # what each caller may see is decided by the log's scope: 404 outside it
    content_negotiation_class = IgnoreAccept

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY},
        summary="照片缩略图 / a photo's thumbnail",
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        photo = (
            Photo.objects.filter(pk=pk, log__in=selectors.patrol_logs_visible_to(request.user))
            .only("id", "thumbnail")
            .first()
        )
        if photo is None or not photo.thumbnail:
            raise Http404
        try:
            handle = photo.thumbnail.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        # A thumbnail never changes (a new photo is a new id); only the caller's own cache may keep it.
        response["Cache-Control"] = "private, max-age=86400"
        return response


class PhotoLargeView(APIView):
    """The photo at a readable size for the review (the thumbnail is 480 px): the same scope as the thumbnail."""

    roles = ANY_ROLE
    content_negotiation_class = IgnoreAccept

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY},
        summary="照片大图(长边不超过1600像素) / a photo at a readable size (long side ≤ 1600 px)",
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        photo = (
            Photo.objects.filter(pk=pk, log__in=selectors.patrol_logs_visible_to(request.user))
            .only("id", "client_uuid", "file")
            .first()
        )
        if photo is None or not photo.file:
            raise Http404
        try:
            handle = photo_renditions.large_rendition(
                photo.file, photo_renditions.large_name("photos", photo.client_uuid)
            )
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=86400"
        return response


def _jpeg(handle) -> FileResponse:
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


class ResolutionPhotoView(APIView):
    """A photo of a problem's fix, to whoever may see the report (outside scope: 404)."""

    roles = ANY_ROLE
    content_negotiation_class = IgnoreAccept
    large = False

    def get(self, request: Request, pk: int) -> FileResponse:
        photo = (
            ResolutionPhoto.objects.filter(pk=pk, report__in=selectors.problem_reports_visible_to(request.user))
            .only("id", "uuid", "file", "thumbnail")
            .first()
        )
        if photo is None:
            raise Http404
        try:
            if self.large:
                name = photo_renditions.large_name("resolution", photo.uuid)
                return _jpeg(photo_renditions.large_rendition(photo.file, name))
            return _jpeg(photo.thumbnail.open("rb"))
        except FileNotFoundError:
            raise Http404 from None


class ResolutionThumbnailView(ResolutionPhotoView):
    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY},
        summary="处理结果照片缩略图 / thumbnail of a photo of a problem's fix",
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return super().get(request, pk)


class ResolutionLargeView(ResolutionPhotoView):
    large = True

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY},
        summary="处理结果照片大图 / a photo of a problem's fix at a readable size",
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return super().get(request, pk)


photo_upload = PhotoUploadView.as_view()
photo_large = PhotoLargeView.as_view()
resolution_thumbnail = ResolutionThumbnailView.as_view()
resolution_large = ResolutionLargeView.as_view()
photo_thumbnail = PhotoThumbnailView.as_view()
