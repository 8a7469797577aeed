"""The dismissal-flag list (辞退提示, 第九条): the confirm button (or what a flag still waits for), and putting back a
person whose dismissal lost its grounds (恢复聘用)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import OFFICES
from assessments import exports, forms, reports, selectors, services
from assessments.views.common import PAGE_SIZE, back_to, require
from config.web import message_form_errors, message_service_error, roles_required, township_choices, validated_filters
from config.xlsx import xlsx_response


@roles_required(OFFICES)
def flag_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters, values = validated_filters(forms.FlagFilters, request)
    page = Paginator(
        reports.waiting_first(selectors.dismissal_flag_list(user=user, filters=values)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "filters": filters,
        "page": page,
        "rows": reports.flag_rows(user, list(page), today=today),
        "townships": township_choices(user),
        "export_query": urlencode(values),
        "today": today,
        "here": request.get_full_path(),
    }
    return render(request, "assessments/flags.html", context)


@roles_required(OFFICES)
def flags_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    _filters, values = validated_filters(forms.FlagFilters, request)
    today = timezone.localdate()
    flags = list(reports.waiting_first(selectors.dismissal_flag_list(user=user, filters=values)))
    return xlsx_response(
        exports.flags_xlsx(rows=reports.flag_rows(user, flags, today=today), on=today),
        _("辞退提示-%(date)s.xlsx") % {"date": today.isoformat()},
    )


@roles_required(OFFICES)
@require_POST
def flag_confirm(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Confirm a dismissal (第九条): the service ends the contract and the assignment and opens the vacancy."""
    user = request.user
    flag = selectors.dismissal_flag_get(user=user, pk=pk)
    require(selectors.may_dismiss(user, flag))
    form = forms.DismissalConfirmForm(request.POST)
    back = reverse("assessments-flags")
    if not form.is_valid():
        message_form_errors(request, form)
        return back_to(request, back)
    try:
        dismissed = services.dismissal_confirm(
            flag=flag, by=user, on=form.cleaned_data["date"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        message_service_error(request, error)
        return back_to(request, back)
    termination = dismissed.termination
    if termination is None:
        messages.success(request, _("已确认辞退%(name)s(无在岗合同，无需终止)。") % {"name": flag.patroller.name})
    else:
        messages.success(
            request,
            _("已确认辞退%(name)s：自%(day)s起不再在岗，%(segment)s已开放补聘岗位，花名册变动待备案。")
            % {
                "name": flag.patroller.name,
                "day": dismissed.flag.dismissed_on.isoformat(),
                "segment": termination.vacancy.segment.name,
            },
        )
    return back_to(request, back)


@roles_required(OFFICES)
@require_POST
def flag_reinstate(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Put back a person whose dismissal lost its grounds: the service writes the contract, the assignment, the
    vacancy closed and the roster change."""
    user = request.user
    flag = selectors.dismissal_flag_get(user=user, pk=pk)
    require(selectors.may_dismiss(user, flag))
    form = forms.DismissalReinstateForm(request.POST, township_id=flag.township_id)
    back = reverse("assessments-flags")
    if not form.is_valid():
        message_form_errors(request, form)
        return back_to(request, back)
    try:
        done = services.dismissal_reinstate(
            flag=flag, by=user, segment=form.cleaned_data["segment"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        message_service_error(request, error)
        return back_to(request, back)
    contract = done.reinstatement.contract
    messages.success(
        request,
        _("已恢复聘用%(name)s：新合同%(start)s至%(end)s(%(segment)s)，花名册变动待备案。")
        % {
            "name": flag.patroller.name,
            "start": contract.start.isoformat(),
            "end": contract.end.isoformat(),
            "segment": contract.segment.name,
        },
    )
    return back_to(request, back)
