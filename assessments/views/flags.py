"""The dismissal-flag list (辞退提示, 第九条) and the confirm button."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, QuerySet, Value, When
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import require_place_in_scope
from assessments import exports, forms, selectors, services
from assessments.models import DismissalFlag
from assessments.views.common import (
    PAGE_SIZE,
    back_to,
    cleaned,
    in_range,
    is_office,
    label_text,
    other_townships,
    require,
)
from config.xlsx import xlsx_response


@dataclass
class FlagRow:
    flag: DismissalFlag
    months: list[str]
    may_confirm: bool


def _flag_filters(request: HttpRequest) -> tuple[forms.FlagFilters, dict]:
    filters = forms.FlagFilters(request.GET)
    values = {key: value for key, value in cleaned(filters).items() if value}
    if values.get("township"):
        require_place_in_scope(request.user, township_id=values["township"])
    return filters, values


def _open_first(flags: QuerySet[DismissalFlag]) -> QuerySet[DismissalFlag]:
    """The flags still waiting for the office on top, each group newest first."""
    waiting = Case(When(status=DismissalFlag.Status.OPEN, then=Value(0)), default=Value(1))
    return flags.order_by(waiting, "-raised_at", "-id")


def flag_row(user, flag: DismissalFlag) -> FlagRow:
    return FlagRow(
        flag=flag,
        months=[label_text(label) for label in flag.months],
        may_confirm=flag.status == DismissalFlag.Status.OPEN and selectors.may_dismiss(user, flag),
    )


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(is_office(user))
    filters, values = _flag_filters(request)
    page = Paginator(_open_first(selectors.dismissal_flag_list(user=user, filters=values)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filters": filters,
        "page": page,
        "rows": [flag_row(user, flag) for flag in page],
        "townships": other_townships(user),
        "export_query": urlencode(values),
        "today": timezone.localdate(),
        "here": request.get_full_path(),
    }
    return render(request, "assessments/flags.html", context)


@login_required
def flags_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    require(is_office(user))
    _filters, values = _flag_filters(request)
    rows = [flag_row(user, flag) for flag in _open_first(selectors.dismissal_flag_list(user=user, filters=values))]
    today = timezone.localdate()
    return xlsx_response(
        exports.flags_xlsx(rows=rows, on=today), _("辞退提示-%(date)s.xlsx") % {"date": today.isoformat()}
    )


@login_required
@require_POST
def flag_confirm(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Confirm a dismissal (第九条): the service ends the contract and the assignment and opens the vacancy."""
    user = request.user
    require(is_office(user))
    flag = selectors.dismissal_flag_get(user=user, pk=in_range(pk))
    require(selectors.may_dismiss(user, flag))
    form = forms.DismissalConfirmForm(request.POST)
    back = reverse("assessments-flags")
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return back_to(request, back)
    try:
        dismissed = services.dismissal_confirm(
            flag=flag, by=user, on=form.cleaned_data["date"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(forms.error_messages(error)))
        return back_to(request, back)
    termination = dismissed.termination
    if termination is None:
        messages.success(request, _("已确认辞退%(name)s(无在岗合同，无需终止)。") % {"name": flag.patroller.name})
    else:
        messages.success(
            request,
            _("已确认辞退%(name)s：合同于%(day)s终止，%(segment)s已开放补聘岗位，花名册变动待备案。")
            % {
                "name": flag.patroller.name,
                "day": termination.contract.terminated_on.isoformat(),
                "segment": termination.vacancy.segment.name,
            },
        )
    return back_to(request, back)


# --- 巡察员年度考核: one patroller's year ---------------------------------------------------------------------------
