"""Supervision reports (监督报告, 第十二条): the reporters' phone form and the township office's confirm/reject list."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import OFFICES, REPORTERS, has_role
from assessments import exports, forms, rules, selectors, services
from assessments.models import SupervisionReport
from assessments.rules import month_text
from assessments.views.common import PAGE_SIZE, back_to, require
from config.web import (
    add_service_errors,
    message_form_errors,
    message_service_error,
    roles_required,
    township_choices,
    validated_filters,
)
from config.xlsx import xlsx_response

DECISIONS = ("confirm", "reject")


@roles_required(OFFICES | REPORTERS)
def supervision_list(request: HttpRequest) -> HttpResponse:
    """Offices: the reports in scope (the township office confirms or rejects); reporters: their own."""
    user = request.user
    filters, values = validated_filters(forms.SupervisionFilters, request)
    page = Paginator(selectors.supervision_report_list(user=user, filters=values), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filters": filters,
        "page": page,
        "rows": [
            (report, report.status == SupervisionReport.Status.PENDING and _decides(user, report)) for report in page
        ],
        "townships": township_choices(user) if has_role(user, OFFICES) else [],
        "reporter": user.role in REPORTERS,
        "office": has_role(user, OFFICES),
        "export_query": urlencode({k: rules.month_label(v) if k == "month" else v for k, v in values.items()}),
        "here": request.get_full_path(),
    }
    return render(request, "assessments/supervision_list.html", context)


def _decides(user, report: SupervisionReport) -> bool:
    return user.role == Role.TOWNSHIP_OFFICE and user.township_id == report.township_id


@roles_required(REPORTERS)
def supervision_new(request: HttpRequest) -> HttpResponse:
    """The phone form of a village chief or volunteer supervisor."""
    user = request.user
    patrollers = selectors.with_segment_name(selectors.reportable_patrollers(user)).order_by("name", "id")
    form = forms.SupervisionReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        patrollers=patrollers,
        initial={"observed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        upload = values.pop("photo", None)
        try:
            report = services.supervision_report_file(by=user, photo=upload.read() if upload else None, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("已提交关于%(name)s的监督报告，等待乡镇河长办核实。") % {"name": report.patroller.name}
            )
            return HttpResponseRedirect(reverse("assessments-supervision"))
    status = 400 if form.errors else 200
    return render(request, "assessments/supervision_form.html", {"form": form}, status=status)


@roles_required(OFFICES)
@require_POST
def supervision_decide(request: HttpRequest, pk: int, action: str) -> HttpResponseRedirect:
    user = request.user
    if action not in DECISIONS:
        raise Http404
    report = selectors.supervision_report_get(user=user, pk=pk)
    require(_decides(user, report))
    form = forms.DecisionForm(request.POST)
    back = reverse("assessments-supervision")
    if not form.is_valid():
        message_form_errors(request, form)
        return back_to(request, back)
    decide = services.supervision_report_confirm if action == "confirm" else services.supervision_report_reject
    try:
        decide(report=report, by=user, note=form.cleaned_data["note"])
    except ValidationError as error:
        message_service_error(request, error)
    else:
        text = (
            _("已核实关于%(name)s的监督报告：%(month)s的日常工作表现建议分相应扣减。")
            if action == "confirm"
            else _("已将关于%(name)s的监督报告标为不属实。")
        )
        messages.success(request, text % {"name": report.patroller.name, "month": month_text(report.observed_on)})
    return back_to(request, back)


@roles_required(OFFICES | REPORTERS)
def supervision_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    _filters, values = validated_filters(forms.SupervisionFilters, request)
    reports = list(selectors.supervision_report_list(user=user, filters=values))
    today = timezone.localdate()
    return xlsx_response(
        exports.supervision_xlsx(reports=reports, on=today), _("监督报告-%(date)s.xlsx") % {"date": today.isoformat()}
    )


@login_required
def supervision_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A report's photo, to whoever may see the report (its office, its reporter); 404 for anyone else."""
    report = selectors.supervision_report_get(user=request.user, pk=pk)
    if not report.photo:
        raise Http404
    response = FileResponse(report.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
