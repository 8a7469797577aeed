"""The scoring pages: the township's monthly sheet (月度考评表) and the county spot check (县级抽考), with the same
rows of inputs (assessments.reports.scoring); "save all" and "finalize all" through services.assessments_apply."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import COUNTY_AND_CITY_OFFICES, OFFICES
from accounts.scope import sees_everything, whole_county_of
from assessments import exports, forms, reports, rules, selectors, services
from assessments.models import Assessment
from assessments.rules import month_text
from assessments.views.common import county_for, default_month, percent, require, url_with
from config.web import (
    WHOLE_COUNTY,
    cleaned,
    error_messages,
    message_service_error,
    roles_required,
    township_choices,
    township_for,
)
from config.xlsx import xlsx_response
from rivers.models import County, Township
from rivers.selectors import counties_visible_to

SHEET_ACTIONS = ("prepare", "save", "finalize")
SPOT_CHECK_ACTIONS = ("draw", "save", "finalize")

# --- "save all" and "finalize all", shared by both pages -----------------------------------------------------------


@dataclass
class Refused:
    """The rows a "save all" or "finalize all" could not save, to show again: what was typed in each and the
    service's messages, by assessment id; the other rows are done."""

    applied: services.Applied
    posted: dict[int, tuple[dict, dict]] = field(default_factory=dict)
    errors: dict[int, list[str]] = field(default_factory=dict)


def _posted_action(
    request: HttpRequest, actions: tuple[str, ...], filters: forms.SheetFilters | forms.SpotCheckFilters
) -> str | None:
    """The button a page's form was posted with; None, with a message, for anything else or for a month or place
    that does not hold."""
    action = request.POST.get("action")
    if action not in actions or not filters.is_valid() or not filters.cleaned_data.get("month"):
        messages.error(request, _("请求无效，请重新操作。"))
        return None
    return action


def _save_rows(request: HttpRequest, assessments: list[Assessment], *, finalize: bool) -> Refused | None:
    """The page's rows through the service: None when every row was saved (the messages say what was done),
    else the refused rows. A month in which the township recorded no log needs the page's confirm step
    (`confirm_no_logs` and its reason)."""
    typed = {pk: forms.posted_scores(request.POST, pk) for pk in forms.posted_rows(request.POST)}
    confirm = forms.FinalizeConfirmForm(request.POST)
    confirm.is_valid()
    applied = services.assessments_apply(
        assessments=assessments,
        by=request.user,
        typed=typed,
        finalize=finalize,
        confirm_no_logs=confirm.cleaned_data.get("confirm_no_logs") is True,
        no_logs_reason=confirm.cleaned_data.get("no_logs_reason") or "",
    )
    if applied.failed:
        return Refused(
            applied,
            posted={pk: typed[pk] for pk in applied.failed},
            errors={pk: error_messages(error) for pk, error in applied.failed.items()},
        )
    _report_applied(request, applied, finalize=finalize)
    return None


def _report_applied(request: HttpRequest, applied: services.Applied, *, finalize: bool) -> None:
    if finalize:
        messages.success(request, _("已定稿 %(n)d 条考评。") % {"n": applied.finalized})
    elif applied.saved:
        messages.success(request, _("已保存 %(n)d 条考评。") % {"n": applied.saved})
    else:
        messages.info(request, _("没有需要保存的修改。"))
    if applied.raised:
        messages.warning(
            request,
            _("定稿后有 %(n)d 名巡察员达到辞退条件(第九条)，已生成辞退提示，请到“辞退提示”确认。")
            % {"n": len({flag.patroller_id for flag in applied.raised})},
        )
    if applied.unsupported:
        messages.warning(
            request,
            _("定稿后有 %(n)d 名已辞退的巡察员辞退依据已不成立，请到“辞退提示”办理恢复聘用。")
            % {"n": len({flag.patroller_id for flag in applied.unsupported})},
        )


def _row_counts(rows: list[reports.ScoreRow]) -> dict[str, int]:
    assessments = [row.assessment for row in rows]
    return {
        "total": len(assessments),
        "drafts": sum(1 for a in assessments if not a.is_final),
        "finals": sum(1 for a in assessments if a.is_final),
        "passed": sum(1 for a in assessments if a.passed),
        "failed": sum(1 for a in assessments if not a.passed),
    }


def _scoring_context(month: date, rows: list[reports.ScoreRow], refused: Refused | None, *, today: date) -> dict:
    """What the sheet and the spot check show alike: the month and its neighbours, when it may be finalized, the
    rows and their counts, the last refusal and the rules' numbers."""
    settles = rules.settles_on(month)
    return {
        "month": month,
        "month_label": rules.month_label(month),
        "month_text": month_text(month),
        "previous_month": rules.month_label(rules.previous_month(month)),
        "next_month": rules.month_label(rules.next_month(month)) if rules.next_month(month) <= today else None,
        "month_over": today >= rules.next_month(month),
        "settled": today >= settles,
        "settles_on": settles,
        "late_until": settles - timedelta(days=1),
        "rows": rows,
        "counts": _row_counts(rows),
        "applied": refused.applied if refused else None,
        "editable": any(row.editable for row in rows),
        "gap": rules.reason_gap(),
        "pass_mark": rules.pass_mark(),
    }


# --- 月度考评表: the township's monthly scoring sheet -------------------------------------------------------------


@dataclass
class SheetPlace:
    """The sheet's place: one township, or the whole of the county office's county (`township` None, read only)."""

    county: County
    township: Township | None = None

    @property
    def name(self) -> str:
        return _("全县") if self.township is None else self.township.name

    @property
    def query(self) -> str:
        return WHOLE_COUNTY if self.township is None else str(self.township.pk)

    @property
    def filters(self) -> dict:
        return {"county": self.county.pk} if self.township is None else {"township": self.township.pk}


def _sheet_place(user, wanted) -> SheetPlace:
    if wanted == WHOLE_COUNTY:
        return SheetPlace(County.objects.get(pk=whole_county_of(user)))
    township = township_for(user, wanted)
    return SheetPlace(township.county, township)


def _sheet_assessments(user, place: SheetPlace, month: date) -> list[Assessment]:
    return list(
        selectors.assessment_list(
            user=user, filters={"month": month, **place.filters, "level": Assessment.Level.TOWNSHIP}
        )
    )


def _owns_township(user, township: Township | None) -> bool:
    return township is not None and user.role == Role.TOWNSHIP_OFFICE and user.township_id == township.pk


@roles_required(OFFICES)
def sheet(request: HttpRequest) -> HttpResponse:
    user = request.user
    posting = request.method == "POST"
    filters = forms.SheetFilters(request.POST if posting else request.GET)
    values = cleaned(filters)
    place = _sheet_place(user, values.get("township"))
    township = place.township
    month = values.get("month") or default_month()
    if not posting:
        return _sheet_page(request, filters, place, month)

    require(_owns_township(user, township))
    here = url_with("assessments-sheet", month=rules.month_label(month), township=township.pk)
    action = _posted_action(request, SHEET_ACTIONS, filters)
    if action is None:
        return HttpResponseRedirect(here)
    if action == "prepare":
        try:
            prepared = services.assessments_prepare(township=township, month=month, by=user)
        except ValidationError as error:
            message_service_error(request, error)
        else:
            messages.success(
                request,
                _("%(month)s的考评表已生成：共 %(n)d 名巡察员，建议分已按本月数据更新。")
                % {"month": month_text(month), "n": len(prepared)},
            )
        return HttpResponseRedirect(here)
    refused = _save_rows(request, _sheet_assessments(user, place, month), finalize=action == "finalize")
    if refused is None:
        return HttpResponseRedirect(here)
    return _sheet_page(request, filters, place, month, refused=refused)


def _sheet_page(
    request: HttpRequest, filters: forms.SheetFilters, place: SheetPlace, month: date, *, refused: Refused | None = None
) -> HttpResponse:
    user = request.user
    township = place.township
    owner = _owns_township(user, township)
    posted, errors = (refused.posted, refused.errors) if refused else ({}, {})
    rows = [
        reports.score_row(a, editable=owner and not a.is_final, posted=posted.get(a.pk), errors=errors.get(a.pk))
        for a in _sheet_assessments(user, place, month)
    ]
    today = timezone.localdate()
    context = _scoring_context(month, rows, refused, today=today)
    context |= {
        # The confirm step of "finalize all" (one query, only when the sheet may be finalized now).
        "no_logs": context["editable"]
        and context["settled"]
        and not selectors.township_has_logs(township_id=township.pk, month=month),
        "filters": filters,
        "township": township,
        "place": place,
        "whole_county": user.role == Role.COUNTY_OFFICE,
        "WHOLE_COUNTY": WHOLE_COUNTY,
        "show_township": township is None,
        "owner": owner,
        "townships": township_choices(user),
    }
    return render(request, "assessments/sheet.html", context, status=400 if refused else 200)


@roles_required(OFFICES)
def sheet_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    values = cleaned(forms.SheetFilters(request.GET))
    place = _sheet_place(user, values.get("township"))
    month = values.get("month") or default_month()
    content = exports.sheet_xlsx(township=place, month=month, assessments=_sheet_assessments(user, place, month))
    name = _("月度考评表-%(township)s-%(month)s.xlsx") % {"township": place.name, "month": rules.month_label(month)}
    return xlsx_response(content, name)


# --- 县级抽考: the county's monthly spot check ---------------------------------------------------------------------


@roles_required(COUNTY_AND_CITY_OFFICES)
def spot_check(request: HttpRequest) -> HttpResponse:
    user = request.user
    posting = request.method == "POST"
    filters = forms.SpotCheckFilters(request.POST if posting else request.GET)
    values = cleaned(filters)
    county = county_for(user, values.get("county"))
    month = values.get("month") or default_month()
    if not posting:
        return _spot_check_page(request, filters, county, month)

    require(user.role == Role.COUNTY_OFFICE and user.county_id == county.pk)
    here = url_with("assessments-spot-check", month=rules.month_label(month), county=county.pk)
    action = _posted_action(request, SPOT_CHECK_ACTIONS, filters)
    if action is None:
        return HttpResponseRedirect(here)
    if action == "draw":
        try:
            drawn = services.spot_check_draw(county=county, month=month, by=user)
        except ValidationError as error:
            message_service_error(request, error)
        else:
            text = (
                _("已抽取%(month)s的抽考名单：在岗 %(population)d 人，抽中 %(n)d 人。")
                if drawn.created
                else _("%(month)s已经抽样，以下仍是当时抽中的 %(n)d 人(在岗 %(population)d 人)。")
            )
            messages.success(
                request,
                text
                % {"month": month_text(month), "population": drawn.draw.population, "n": len(drawn.draw.patrollers)},
            )
        return HttpResponseRedirect(here)
    county_rows = selectors.assessment_list(
        user=user, filters={"month": month, "county": county.pk, "level": Assessment.Level.COUNTY}
    )
    refused = _save_rows(request, list(county_rows), finalize=action == "finalize")
    if refused is None:
        return HttpResponseRedirect(here)
    return _spot_check_page(request, filters, county, month, refused=refused)


def _spot_check_page(
    request: HttpRequest,
    filters: forms.SpotCheckFilters,
    county: County,
    month: date,
    *,
    refused: Refused | None = None,
) -> HttpResponse:
    user = request.user
    posted, errors = (refused.posted, refused.errors) if refused else ({}, {})
    draw, rows = reports.spot_check_rows(user, county, month, posted=posted, errors=errors)
    today = timezone.localdate()
    context = _scoring_context(month, rows, refused, today=today)
    no_logs: list[str] = []
    if context["editable"] and context["settled"]:
        # The townships of the drafts still open whose month has no log at all (one query): the confirm step.
        open_rows = [row.assessment for row in rows if row.editable]
        empty = selectors.townships_without_logs(township_ids=sorted({a.township_id for a in open_rows}), month=month)
        no_logs = sorted({a.township.name for a in open_rows if a.township_id in empty})
    context |= {
        "no_logs": no_logs,
        "filters": filters,
        "county": county,
        "draw": draw,
        "owner": user.role == Role.COUNTY_OFFICE and user.county_id == county.pk,
        "can_draw": context["month_over"],
        "counties": list(counties_visible_to(user).order_by("code")) if sees_everything(user) else [],
        "recent_draws": list(selectors.spot_check_draw_list(user=user, filters={"county": county.pk})[:12]),
        "share": percent(Decimal(str(settings.RIVER.get("SPOT_CHECK_SHARE", "0.10")))),
    }
    return render(request, "assessments/spot_check.html", context, status=400 if refused else 200)


@roles_required(COUNTY_AND_CITY_OFFICES)
def spot_check_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    values = cleaned(forms.SpotCheckFilters(request.GET))
    county = county_for(user, values.get("county"))
    month = values.get("month") or default_month()
    draw, rows = reports.spot_check_rows(user, county, month)
    content = exports.spot_check_xlsx(county=county, month=month, draw=draw, rows=rows)
    name = _("县级抽考-%(county)s-%(month)s.xlsx") % {"county": county.name, "month": rules.month_label(month)}
    return xlsx_response(content, name)
