"""The overview page (总览) and its workbook: the same read model as the API (overview.selectors)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.xlsx import xlsx_response
from overview import exports, selectors
from overview.api import overview_query
from overview.serializers import overview_data
from overview.worklist import office_worklist
from patrol.rules import FLAG_LABELS


def _overview_for(request: HttpRequest) -> tuple[selectors.Overview, list[str]]:
    """The overview the query string asks for; a bad month is shown as an error and the last complete month used.
    A patroller or other non-office: 403; a place outside scope: 404 (the selector)."""
    selectors.require_office(request.user)
    today = timezone.localdate()
    errors: list[str] = []
    try:
        month, county, township = overview_query(request.GET, today)
    except ValidationError as error:
        errors = [message for messages in error.message_dict.values() for message in messages]
        params = request.GET.copy()
        params.pop("month", None)
        try:
            month, county, township = overview_query(params, today)
        except ValidationError:
            month, county, township = selectors.default_month(today), None, None
    result = selectors.overview(user=request.user, month=month, today=today, county=county, township=township)
    return result, errors


@login_required
def overview_page(request: HttpRequest) -> HttpResponse:
    result, errors = _overview_for(request)
    query = selectors.query_string(result)
    ranked = sorted(
        (row for row in result.rows if row.figures.patrol_rate is not None),
        key=lambda row: (row.figures.patrol_rate, row.place.name),
    )
    chart_data = {
        # A month with patroller-days and no log at all has no patrol rate to draw (not a 0 % point).
        "trend": [
            {**point, "patrol_rate": None} if trend.no_logs else point
            for point, trend in zip(overview_data(result)["trend"], result.trend, strict=True)
        ],
        # A patroller's segment tells two patrollers of the same name apart.
        "ranked": [
            {
                "name": f"{row.place.name} · {row.segment}" if row.segment else row.place.name,
                "rate": round(row.figures.patrol_rate * 100, 1),
                "no_logs": row.figures.no_logs_received,
            }
            for row in ranked
        ],
        "scores": result.score_hist,
        "labels": {
            "patrol_rate": _("巡查率(%)"),
            "average_score": _("平均分"),
            "failed": _("不合格人数"),
            "assessed": _("已考核人数"),
            "people": _("人数"),
            "fail_band": _("不合格(低于60分)"),
            "pass_band": _("合格(60分及以上)"),
            "no_logs": _("未收到日志"),
            "no_data": _("本月没有数据。"),
        },
    }
    context = {
        "overview": result,
        "errors": errors,
        "query": query,
        "chart_data": chart_data,
        "map_data": {
            "segments": f"{reverse('overview-segments-api')}?{query}",
            "review": reverse("patrol-review"),
            "month": f"{result.month:%Y-%m}",
            "labels": {
                "rate": _("巡查率"),
                "status": _("配备状态"),
                "no_rate": _("无在岗人天"),
                "empty": _("范围内没有带空间范围的河段。"),
                "failed": _("地图加载失败。"),
                "coverage": _("轨迹覆盖率"),
            },
        },
        "flag_labels": [(code, FLAG_LABELS.get(code, code)) for code in result.flag_codes],
        "month_value": f"{result.month:%Y-%m}",
        "max_month": f"{timezone.localdate():%Y-%m}",
    }
    return render(request, "overview/overview.html", context)


@login_required
def overview_xlsx(request: HttpRequest) -> FileResponse:
    result, _errors = _overview_for(request)
    name = _("总览-%(place)s-%(month)s.xlsx") % {"place": result.place.name, "month": f"{result.month:%Y-%m}"}
    return xlsx_response(exports.overview_xlsx_bytes(result), name.replace(" ", "-"))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: what waits for an office today (counts in its scope, each linked to its page), then every page."""
    return render(request, "home.html", {"worklist": office_worklist(user=request.user, today=timezone.localdate())})
