"""The staffing report (SPEC §3) and its .xlsx download."""

from urllib.parse import urlencode

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.permissions import OFFICES
from accounts.scope import sees_everything
from config import xlsx
from config.web import id_field, roles_required
from rivers.models import Township
from rivers.selectors import counties_visible_to, townships_visible_to
from staffing import exports, rules, selectors


class ReportFilters(forms.Form):
    county = id_field(gettext_lazy("县(市、区)"))
    township = id_field(gettext_lazy("乡镇(街道)"))
    date = forms.DateField(required=False, label=gettext_lazy("日期"))


def _report_for(request: HttpRequest) -> tuple[selectors.StaffingReport, ReportFilters]:
    """The report the filters ask for; a place outside the user's scope raises Http404 in the selector."""
    filters = ReportFilters(request.GET)
    filters.is_valid()  # an invalid field is shown as an error and left out; the valid ones still apply
    values = filters.cleaned_data
    county, township = values.get("county"), values.get("township")
    if county and township and not Township.objects.filter(pk=township, county_id=county).exists():
        township = None  # the county was changed in the form while an old township was still selected
    report = selectors.staffing_report(
        user=request.user, on=values.get("date") or timezone.localdate(), county=county, township=township
    )
    return report, filters


def _query_of(report: selectors.StaffingReport) -> str:
    """The filters the report actually applied, for the export link."""
    params = {"date": report.on.isoformat()}
    if report.township is not None:
        params["township"] = str(report.township.pk)
    elif report.county is not None:
        params["county"] = str(report.county.pk)
    return urlencode(params)


def _filter_choices(user, report: selectors.StaffingReport) -> dict:
    """Only places inside the user's scope: the city office picks any county, a county office its townships."""
    counties = counties_visible_to(user) if sees_everything(user) else counties_visible_to(user).none()
    if user.role == Role.TOWNSHIP_OFFICE:
        townships = townships_visible_to(user).none()  # their one township is the whole report
    else:
        townships = townships_visible_to(user)
        if report.county is not None:
            townships = townships.filter(county_id=report.county.pk)
    return {"counties": list(counties.order_by("code")), "townships": list(townships.order_by("code"))}


@roles_required(OFFICES)
def staffing_report(request: HttpRequest) -> HttpResponse:
    report, filters = _report_for(request)
    context = {
        "report": report,
        "filters": filters,
        "statuses": [(status.value, status.label) for status in rules.Status],
        "export_query": _query_of(report),
        **_filter_choices(request.user, report),
    }
    return render(request, "staffing/report.html", context)


@roles_required(OFFICES)
def staffing_report_xlsx(request: HttpRequest) -> FileResponse:
    report, _filters = _report_for(request)
    name = _("巡察员配备情况-%(scope)s-%(date)s.xlsx") % {"scope": report.scope_label, "date": report.on.isoformat()}
    return xlsx.xlsx_response(exports.staffing_xlsx_bytes(report), name.replace(" ", "-"))
