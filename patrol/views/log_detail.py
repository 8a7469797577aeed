"""One patrol log in full, for the office judging it: the track drawn over the segment's line,
coverage and speed, every check and action, the local items, the whole note, the photos at a readable size with
their capture time and place and every flag explained, and the problem reports the log raised.

Offices only, in scope (a log outside it: 404). A constant number of queries whatever the number of photos or
track points (tests/patrol/test_log_detail.py counts them)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.permissions import OFFICES
from config.web import roles_required
from patrol import rules, selectors, track_map
from patrol.models import ProblemReport
from patrol.selectors import local_checks


def flag_explanations() -> dict[str, str]:
    """What each flag means, in the reviewer's words, with the thresholds in force (settings.RIVER)."""
    river = settings.RIVER
    return {
        rules.EVIDENCE_MISSING: _("日志报告了问题，但还没有对应该检查项(或未标注检查项)的照片作为证据。"),
        rules.NO_TRACK: _("日志没有轨迹(少于2个定位点)，无法判断巡察员是否实地走过河段。"),
        rules.LOW_COVERAGE: _("距轨迹%(buffer)d米以内的河段长度不足全长的%(share)d%%，巡查可能没有走完河段。")
        % {"buffer": river["COVERAGE_BUFFER_M"], "share": round(river["LOW_COVERAGE"] * 100)},
        rules.VEHICLE_SPEED: _("轨迹中有持续超过每小时%(kmh)d公里的移动，像是乘车而不是步行巡查。")
        % {"kmh": river["VEHICLE_SPEED_KMH"]},
        "duplicate_photo": _("同一张或几乎相同的照片已附在本县另一篇巡查日志中，可能是重复使用的旧照片。"),
        "taken_outside_window": _("拍摄时间早于巡查开始或晚于巡查结束超过%(minutes)d分钟，可能不是这次巡查拍的。")
        % {"minutes": river["PHOTO_WINDOW_MINUTES"]},
        "far_from_segment": _("拍摄地点距河段超过%(metres)d米，可能不是在本河段拍的。")
        % {"metres": river["PHOTO_FAR_M"]},
        "no_exif": _("照片文件没有拍摄时间，手机也没有报告，可能是截图、编辑或转发的图片。"),
    }


def _explained(codes, explanations: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(code, str(rules.FLAG_LABELS.get(code, code)), explanations.get(code, "")) for code in codes or []]


@roles_required(OFFICES)
def log_detail(request: HttpRequest, pk: int) -> HttpResponse:
    log = selectors.patrol_log_get(user=request.user, pk=pk)
    river = settings.RIVER
    explanations = flag_explanations()
    points = rules.stored_track(log.track)
    photos = list(log.photos.all())
    located = [(photo.pk, photo.latitude, photo.longitude) for photo in photos if photo.latitude is not None]
    items = local_checks.items_by_code(county_id=log.segment.township.county_id) if log.local_checks else {}
    check_labels = dict(rules.CHECK_CHOICES)
    reports = list(ProblemReport.objects.filter(log=log).select_related("local_check").order_by("created_at", "id"))
    township = log.segment.township
    back = {"township": township.pk, "date": log.date.isoformat()}
    context = {
        "log": log,
        "township": township,
        "map": track_map.draw(log.segment.geometry, points, located),
        "figures": track_map.figures(points, max_accuracy_m=river["TRACK_MAX_ACCURACY_M"]),
        "low_coverage": round(river["LOW_COVERAGE"] * 100),
        "buffer_m": river["COVERAGE_BUFFER_M"],
        "checks": [
            (
                str(check_labels.get(code, code)),
                str(rules.VALUE_LABELS.get(value, value)),
                value not in rules.OK_VALUES,
            )
            for code, value in (log.checks or {}).items()
        ],
        "local": local_checks.local_answers(log, items),
        "actions": [str(rules.ACTIONS.get(code, code)) for code in log.actions],
        "log_flags": _explained(log.flags, explanations),
        "photos": [
            {
                "photo": photo,
                "thumbnail": selectors.thumbnail_url(photo),
                "large": reverse("patrol-photo-large", kwargs={"pk": photo.pk}),
                "check": (
                    str(check_labels[photo.check_code])
                    if photo.check_code in check_labels
                    else (items[photo.check_code].name if photo.check_code in items else photo.check_code)
                ),
                "flags": _explained(photo.flags, explanations),
            }
            for photo in photos
        ],
        "reports": reports,
        "review_url": f"{reverse('patrol-review')}?{urlencode(back)}",
    }
    return render(request, "patrol/log_detail.html", context)
