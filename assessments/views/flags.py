"""The dismissal-flag list (辞退提示, 第九条): the confirm button (or what a flag still waits for), and putting back a
person whose dismissal lost its grounds (恢复聘用)."""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, QuerySet, Value, When
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import OFFICES
from assessments import exports, forms, rules, selectors, services
from assessments.models import DismissalFlag
from assessments.views.common import (
    PAGE_SIZE,
    back_to,
    label_text,
    require,
)
from config.web import roles_required, township_choices, validated_filters
from config.xlsx import xlsx_response
from rivers.models import Segment
from staffing.models import Vacancy


@dataclass
class FlagRow:
    flag: DismissalFlag
    months: list[str]
    may_confirm: bool  # open, settled, and this office may confirm it
    waits: list[selectors.MonthWait] = field(default_factory=list)  # why an open flag may not be confirmed yet
    earliest: date | None = None  # the first day it may be confirmed for (the dismissal day's lower bound)
    may_reinstate: bool = False  # unsupported, not reinstated, and this office may put the person back
    segments: list[Segment] = field(default_factory=list)  # where the person may go back (the township's)
    old_post_open: bool = False  # the vacancy the dismissal opened is still open: back on the old segment

    @property
    def rules_text(self) -> str:
        return _("、").join(self.flag.rules_display)


def _waiting_first(flags: QuerySet[DismissalFlag]) -> QuerySet[DismissalFlag]:
    """What waits for the office on top: dismissals whose grounds no longer hold (to reinstate), then open flags;
    each group newest first."""
    waiting = Case(
        When(status=DismissalFlag.Status.UNSUPPORTED, reinstated_at__isnull=True, then=Value(0)),
        When(status=DismissalFlag.Status.OPEN, then=Value(1)),
        default=Value(2),
    )
    return flags.order_by(waiting, "-raised_at", "-id")


def flag_rows(user, flags: list[DismissalFlag], *, today: date) -> list[FlagRow]:
    """The flags as the pages show them, with what open ones wait for (2 queries for all of them, none without
    open flags) and the segments where the person of a reinstatable flag may go back (1 query, none without)."""
    waits = selectors.flag_waits(flags, today=today)
    reinstatable = [
        flag
        for flag in flags
        if flag.awaits_reinstatement and flag.contract_id is not None and selectors.may_dismiss(user, flag)
    ]
    segments: dict[int, list[Segment]] = {}
    if reinstatable:
        for segment in (
            Segment.objects.filter(township_id__in={flag.township_id for flag in reinstatable})
            .select_related("water_body")
            .order_by("code", "id")
        ):
            segments.setdefault(segment.township_id, []).append(segment)
    rows = []
    for flag in flags:
        flag_waits = waits.get(flag.pk, [])
        months = sorted(m for m in map(rules.parse_month, flag.months) if m)
        reinstate = flag in reinstatable
        rows.append(
            FlagRow(
                flag=flag,
                months=[label_text(label) for label in flag.months],
                may_confirm=flag.status == DismissalFlag.Status.OPEN
                and not flag_waits
                and selectors.may_dismiss(user, flag),
                waits=flag_waits,
                earliest=rules.earliest_dismissal_day(months) if months else None,
                may_reinstate=reinstate,
                segments=segments.get(flag.township_id, []) if reinstate else [],
                old_post_open=reinstate and flag.vacancy is not None and flag.vacancy.status == Vacancy.Status.OPEN,
            )
        )
    return rows


@roles_required(OFFICES)
def flag_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters, values = validated_filters(forms.FlagFilters, request)
    page = Paginator(_waiting_first(selectors.dismissal_flag_list(user=user, filters=values)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    context = {
        "filters": filters,
        "page": page,
        "rows": flag_rows(user, list(page), today=today),
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
    flags = list(_waiting_first(selectors.dismissal_flag_list(user=user, filters=values)))
    return xlsx_response(
        exports.flags_xlsx(rows=flag_rows(user, flags, today=today), on=today),
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
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return back_to(request, back)
    try:
        done = services.dismissal_reinstate(
            flag=flag, by=user, segment=form.cleaned_data["segment"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(forms.error_messages(error)))
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


# --- 巡察员年度考核: one patroller's year ---------------------------------------------------------------------------
