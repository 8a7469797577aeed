"""The review as an .xlsx download: the same filters as the page, every log rather than one page of them."""

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _

from accounts.permissions import OFFICES
from config import xlsx
from config.web import roles_required
from patrol import exports
from patrol.selectors import build_review
from patrol.views.common import review_request


@roles_required(OFFICES)
def review_xlsx(request: HttpRequest) -> FileResponse:
    filters, place, period, flag = review_request(request)
    data = build_review(
        user=request.user,
        place=place,
        period=period,
        flag=flag or None,
        patroller=filters.cleaned_data.get("patroller"),
    )
    name = _("巡查日志-%(township)s-%(period)s.xlsx") % {
        "township": place.name,
        "period": period.first.strftime("%Y-%m") if period.month else period.first.isoformat(),
    }
    return xlsx.xlsx_response(exports.review_xlsx_bytes(data), name)
