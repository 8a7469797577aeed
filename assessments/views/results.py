"""One patroller's year (巡察员年度考核) and a township's or county's year (年度考核结果) with the renewal-eligibility
and pay-rise lists."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import OFFICES
from accounts.scope import sees_everything
from assessments import exports, forms, reports, rules
from assessments.views.common import county_for, percent
from assessments.views.corrections import Refused, request_correction, request_forms
from config.web import cleaned, roles_required, township_choices, township_for
from config.xlsx import xlsx_response
from rivers.models import County, Township
from rivers.selectors import counties_visible_to
from staffing import selectors as staffing_selectors


def _year_of(request: HttpRequest) -> int:
    values = cleaned(forms.YearFilters(request.GET))
    return values.get("year") or timezone.localdate().year


@roles_required(OFFICES)
def patroller_year(request: HttpRequest, pk: int) -> HttpResponse:
    """The year page; posted, one of its "申请更正" forms (views.corrections): a refused request shows the page
    again with what was typed and the service's messages."""
    user = request.user
    patroller = staffing_selectors.patroller_get(user=user, pk=pk)
    refused: Refused | None = None
    if request.method == "POST":
        outcome = request_correction(request, patroller)
        if isinstance(outcome, HttpResponseRedirect):
            return outcome
        refused, year = outcome, outcome.assessment.month.year
    else:
        year = _year_of(request)
    data = reports.patroller_year_data(user, patroller, year)
    finals = [a for line in data.months for a in (line.township, line.county) if a is not None]
    requests = request_forms(user, finals, data.corrections, refused)
    if refused is not None and all(form.assessment.pk != refused.assessment.pk for form in requests):
        messages.error(request, " ".join(refused.errors))  # no form of its own to show them in
    context = {
        "data": data,
        "patroller": patroller,
        "year": year,
        "previous_year": year - 1,
        "next_year": year + 1 if year < timezone.localdate().year else None,
        "pass_mark": rules.pass_mark(),
        "requests": requests,
        "gap": rules.reason_gap(),
    }
    return render(request, "assessments/patroller_year.html", context, status=400 if refused else 200)


@roles_required(OFFICES)
def patroller_year_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    user = request.user
    patroller = staffing_selectors.patroller_get(user=user, pk=pk)
    year = _year_of(request)
    content = exports.patroller_year_xlsx(data=reports.patroller_year_data(user, patroller, year))
    return xlsx_response(content, _("年度考核-%(name)s-%(year)d.xlsx") % {"name": patroller.name, "year": year})


# --- 年度考核结果: a township's or county's year, renewals and pay rises ---------------------------------------------


def _results_scope(request: HttpRequest) -> tuple[forms.YearFilters, int, Township | None, County | None]:
    """A township office: its township. A county office: its county or one township in it. The city office: a
    county (the first by default) or a township."""
    user = request.user
    filters = forms.YearFilters(request.GET)
    values = cleaned(filters)
    year = values.get("year") or timezone.localdate().year
    wanted_township, wanted_county = values.get("township"), values.get("county")
    if user.role == Role.TOWNSHIP_OFFICE or wanted_township:
        township = township_for(user, wanted_township)
        if wanted_county and township.county_id != wanted_county:
            raise Http404
        return filters, year, township, None
    return filters, year, None, county_for(user, wanted_county)


@roles_required(OFFICES)
def results(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters, year, township, county = _results_scope(request)
    data = reports.year_results(user, year=year, township=township, county=county)
    query = {"year": year, "township": township.pk if township else None, "county": county.pk if county else None}
    context = {
        "data": data,
        "filters": filters,
        "year": year,
        "township": township,
        "county": county,
        "townships": township_choices(user),
        "counties": list(counties_visible_to(user).order_by("code")) if sees_everything(user) else [],
        "export_query": urlencode({k: v for k, v in query.items() if v}),
        "excellent_average": settings.RIVER.get("EXCELLENT_AVERAGE", 85),
        "excellent_min_months": settings.RIVER.get("EXCELLENT_MIN_MONTHS", 10),
        "share_percent": percent(data.share),
    }
    return render(request, "assessments/results.html", context)


@roles_required(OFFICES)
def results_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    _filters, year, township, county = _results_scope(request)
    data = reports.year_results(user, year=year, township=township, county=county)
    name = _("年度考核结果-%(scope)s-%(year)d.xlsx") % {"scope": (township or county).name, "year": year}
    return xlsx_response(exports.results_xlsx(data=data), name)


# --- 监督报告: supervision reports (第十二条) -------------------------------------------------------------------------
