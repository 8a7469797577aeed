"""The scoring pages: the township's monthly sheet (月度考评表) and the county spot check (县级抽考), with the same
rows of inputs: suggestion and explanation per part, the typed parts and reasons, the service's errors per row."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import COUNTY_AND_CITY_OFFICES, OFFICES
from accounts.scope import sees_everything
from assessments import exports, forms, rules, selectors, services
from assessments.models import PARTS, Assessment, DismissalFlag
from assessments.views.common import (
    county_for,
    default_month,
    month_text,
    percent,
    require,
    url_with,
)
from config.web import WHOLE_COUNTY, cleaned, roles_required, township_choices, township_for
from config.xlsx import xlsx_response
from rivers.models import County, Township
from rivers.selectors import counties_visible_to

SHEET_ACTIONS = ("prepare", "save", "finalize")
SPOT_CHECK_ACTIONS = ("draw", "save", "finalize")

# --- the scoring rows of the sheet and the spot check -----------------------------------------------------------


@dataclass
class PartCell:
    """One part of one row: the suggestion with its explanation, the input and its reason."""

    part: str
    label: str
    top: int
    suggested: int
    value: object
    reason: str
    explanation: str
    needs_reason: bool  # more than the gap from the suggestion: a written reason is required
    invalid: bool  # named by the service's last refusal of this row
    score_name: str
    reason_name: str


@dataclass
class ScoreRow:
    assessment: Assessment
    parts: list[PartCell]
    errors: list[str]
    editable: bool
    compare: Assessment | None = None  # the spot check shows the township's result of the same month
    weight: str = ""  # the spot check's risk weight of this patroller when drawn


def score_row(
    assessment: Assessment,
    *,
    editable: bool,
    posted: tuple[dict, dict] | None = None,
    errors: list[str] | None = None,
    compare: Assessment | None = None,
    weight: str = "",
) -> ScoreRow:
    """A row as the page shows it: after a refused save the values typed, else the stored ones."""
    values, reasons = posted if posted is not None else (assessment.scores, assessment.reasons)
    suggested = assessment.suggested
    # Parts typed as something other than a whole number count as their suggestion for the reason marker.
    whole = {part: value if isinstance(value, int) else suggested[part] for part, value in values.items()}
    needs = set(rules.parts_needing_reason(whole, suggested))
    invalid: set[str] = set()
    if errors:
        invalid = set(rules.range_errors(values)) | set(rules.missing_reason_errors(whole, suggested, reasons))
    tops = rules.weights()
    explanation = assessment.explanation_to_read
    cells = [
        PartCell(
            part=part,
            label=str(rules.PART_LABELS[part]),
            top=tops[part],
            suggested=suggested[part],
            value=values[part],
            reason=reasons.get(part, ""),
            explanation=explanation.get(part, ""),
            needs_reason=part in needs,
            invalid=part in invalid,
            score_name=forms.score_field(assessment.pk, part),
            reason_name=forms.reason_field(assessment.pk, part),
        )
        for part in PARTS
    ]
    return ScoreRow(assessment, cells, list(errors or []), editable, compare, weight)


@dataclass
class Applied:
    """What "save all" or "finalize all" did: rows saved or finalized whole, the refused ones with their messages
    and what was typed in them."""

    saved: int = 0
    finalized: int = 0
    raised: list[DismissalFlag] = field(default_factory=list)
    unsupported: list[DismissalFlag] = field(default_factory=list)
    failed: dict[int, list[str]] = field(default_factory=dict)
    posted: dict[int, tuple[dict, dict]] = field(default_factory=dict)


def apply_rows(request: HttpRequest, assessments: list[Assessment], *, finalize: bool) -> Applied:
    """Each draft the page showed, one at a time through the services: its typed scores and reasons saved when
    they changed, then (finalize all) finalized. A row is saved and finalized whole or not at all; a refused row
    keeps what was typed and shows the service's messages.

    Finalizing first brings every shown draft's suggestion up to date with the current facts, on its own (kept
    when rows are refused, so the page shows what they were refused against); a row left as the page showed it
    then follows its fresh suggestion if nobody scored it. A month in which the township recorded no log needs
    the page's confirm step (`confirm_no_logs` and its reason), passed on to every finalization."""
    user = request.user
    shown = forms.posted_rows(request.POST)
    applied = Applied()
    drafts = [a for a in assessments if a.pk in shown and not a.is_final]
    confirm = forms.FinalizeConfirmForm(request.POST)
    confirm.is_valid()
    confirmed = confirm.cleaned_data.get("confirm_no_logs") is True
    no_logs_reason = confirm.cleaned_data.get("no_logs_reason") or ""
    if finalize:
        for month in sorted({a.month for a in drafts}):
            with transaction.atomic():
                services.refresh_drafts(
                    month=month, patroller_ids=[a.patroller_id for a in drafts if a.month == month], by=user
                )
    for assessment in drafts:
        scores, reasons = forms.posted_scores(request.POST, assessment.pk)
        # Compared with what the page showed (read before the refresh): untouched rows keep following the facts.
        changed = scores != assessment.scores or any(reasons[p] != assessment.reasons.get(p, "") for p in PARTS)
        try:
            with transaction.atomic():
                current = assessment
                if changed:
                    current = services.assessment_update(assessment=current, by=user, scores=scores, reasons=reasons)
                done = (
                    services.assessment_finalize(
                        assessment=current, by=user, confirm_no_logs=confirmed, reason=no_logs_reason
                    )
                    if finalize
                    else None
                )
        except ValidationError as error:
            applied.failed[assessment.pk] = forms.error_messages(error)
            applied.posted[assessment.pk] = (scores, reasons)
            continue
        applied.saved += int(changed)
        if done is not None:
            applied.finalized += 1
            applied.raised.extend(done.flags.raised)
            applied.unsupported.extend(done.flags.unsupported)
    return applied


def _report_applied(request: HttpRequest, applied: Applied, *, finalize: bool) -> None:
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


def _finalizing(month: date, today: date) -> dict:
    """When the page's month may be finalized: after it is over and its late-log window has closed."""
    settles = rules.settles_on(month)
    return {
        "month_over": today >= rules.next_month(month),
        "settled": today >= settles,
        "settles_on": settles,
        "late_until": settles - timedelta(days=1),
    }


def _row_counts(rows: list[ScoreRow]) -> dict[str, int]:
    assessments = [row.assessment for row in rows]
    return {
        "total": len(assessments),
        "drafts": sum(1 for a in assessments if not a.is_final),
        "finals": sum(1 for a in assessments if a.is_final),
        "passed": sum(1 for a in assessments if a.passed),
        "failed": sum(1 for a in assessments if not a.passed),
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
        if user.role == Role.COUNTY_OFFICE:
            return SheetPlace(County.objects.get(pk=user.county_id))
        if user.role != Role.TOWNSHIP_OFFICE:  # a township office keeps to its own township
            raise Http404
        wanted = None
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
    action = request.POST.get("action")
    here = url_with("assessments-sheet", month=rules.month_label(month), township=township.pk)
    if action not in SHEET_ACTIONS or filters.errors or not values.get("month"):
        messages.error(request, _("请求无效，请重新操作。"))
        return HttpResponseRedirect(here)
    if action == "prepare":
        try:
            prepared = services.assessments_prepare(township=township, month=month, by=user)
        except ValidationError as error:
            messages.error(request, " ".join(forms.error_messages(error)))
        else:
            messages.success(
                request,
                _("%(month)s的考评表已生成：共 %(n)d 名巡察员，建议分已按本月数据更新。")
                % {"month": month_text(month), "n": len(prepared)},
            )
        return HttpResponseRedirect(here)
    finalize = action == "finalize"
    applied = apply_rows(request, _sheet_assessments(user, place, month), finalize=finalize)
    if applied.failed:
        return _sheet_page(request, filters, place, month, applied=applied, status=400)
    _report_applied(request, applied, finalize=finalize)
    return HttpResponseRedirect(here)


def _sheet_page(
    request: HttpRequest,
    filters: forms.SheetFilters,
    place: SheetPlace,
    month: date,
    *,
    applied: Applied | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    applied = applied or Applied()
    township = place.township
    owner = _owns_township(user, township)
    rows = [
        score_row(
            a,
            editable=owner and not a.is_final,
            posted=applied.posted.get(a.pk),
            errors=applied.failed.get(a.pk),
        )
        for a in _sheet_assessments(user, place, month)
    ]
    today = timezone.localdate()
    editable = any(row.editable for row in rows)
    settled = rules.is_settled(month, today=today)
    context = {
        **_finalizing(month, today),
        # The confirm step of "finalize all" (one query, only when the sheet may be finalized now).
        "no_logs": editable and settled and not selectors.township_has_logs(township_id=township.pk, month=month),
        "filters": filters,
        "township": township,
        "place": place,
        "whole_county": user.role == Role.COUNTY_OFFICE,
        "WHOLE_COUNTY": WHOLE_COUNTY,
        "show_township": township is None,
        "month": month,
        "month_label": rules.month_label(month),
        "month_text": month_text(month),
        "previous_month": rules.month_label(rules.previous_month(month)),
        "next_month": rules.month_label(rules.next_month(month)) if rules.next_month(month) <= today else None,
        "rows": rows,
        "counts": _row_counts(rows),
        "applied": applied,
        "owner": owner,
        "editable": editable,
        "townships": township_choices(user),
        "gap": rules.reason_gap(),
        "pass_mark": rules.pass_mark(),
    }
    return render(request, "assessments/sheet.html", context, status=status)


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


def _spot_check_rows(user, county: County, month: date, *, applied: Applied | None = None):
    """The month's draw and its county-level rows in draw order, each beside the township's result."""
    applied = applied or Applied()
    draw = selectors.spot_check_draw_list(user=user, filters={"month": month, "county": county.pk}).first()
    if draw is None:
        return None, []
    by_patroller = {
        a.patroller_id: a
        for a in selectors.assessment_list(
            user=user, filters={"month": month, "county": county.pk, "level": Assessment.Level.COUNTY}
        )
    }
    township_results = {
        a.patroller_id: a
        for a in selectors.assessment_list(
            user=user, filters={"month": month, "county": county.pk, "level": Assessment.Level.TOWNSHIP}
        ).filter(patroller_id__in=draw.patrollers)
    }
    owner = user.role == Role.COUNTY_OFFICE and user.county_id == county.pk
    rows = []
    for patroller_id in draw.patrollers:
        assessment = by_patroller.get(patroller_id)
        if assessment is None:
            continue
        rows.append(
            score_row(
                assessment,
                editable=owner and not assessment.is_final,
                posted=applied.posted.get(assessment.pk),
                errors=applied.failed.get(assessment.pk),
                compare=township_results.get(patroller_id),
                weight=(draw.weights or {}).get(str(patroller_id), {}).get("weight", ""),
            )
        )
    return draw, rows


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
    action = request.POST.get("action")
    here = url_with("assessments-spot-check", month=rules.month_label(month), county=county.pk)
    if action not in SPOT_CHECK_ACTIONS or filters.errors or not values.get("month"):
        messages.error(request, _("请求无效，请重新操作。"))
        return HttpResponseRedirect(here)
    if action == "draw":
        try:
            drawn = services.spot_check_draw(county=county, month=month, by=user)
        except ValidationError as error:
            messages.error(request, " ".join(forms.error_messages(error)))
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
    finalize = action == "finalize"
    county_rows = list(
        selectors.assessment_list(
            user=user, filters={"month": month, "county": county.pk, "level": Assessment.Level.COUNTY}
        )
    )
    applied = apply_rows(request, county_rows, finalize=finalize)
    if applied.failed:
        return _spot_check_page(request, filters, county, month, applied=applied, status=400)
    _report_applied(request, applied, finalize=finalize)
    return HttpResponseRedirect(here)


def _spot_check_page(
    request: HttpRequest,
    filters: forms.SpotCheckFilters,
    county: County,
    month: date,
    *,
    applied: Applied | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    applied = applied or Applied()
    draw, rows = _spot_check_rows(user, county, month, applied=applied)
    today = timezone.localdate()
    editable = any(row.editable for row in rows)
    no_logs: list[str] = []
    if editable and rules.is_settled(month, today=today):
        # The townships of the drafts still open whose month has no log at all (one query): the confirm step.
        open_rows = [row.assessment for row in rows if row.editable]
        empty = selectors.townships_without_logs(township_ids=sorted({a.township_id for a in open_rows}), month=month)
        no_logs = sorted({a.township.name for a in open_rows if a.township_id in empty})
    context = {
        **_finalizing(month, today),
        "no_logs": no_logs,
        "filters": filters,
        "county": county,
        "month": month,
        "month_label": rules.month_label(month),
        "month_text": month_text(month),
        "previous_month": rules.month_label(rules.previous_month(month)),
        "next_month": rules.month_label(rules.next_month(month)) if rules.next_month(month) <= today else None,
        "draw": draw,
        "rows": rows,
        "counts": _row_counts(rows),
        "applied": applied,
        "owner": user.role == Role.COUNTY_OFFICE and user.county_id == county.pk,
        "editable": editable,
        "can_draw": today >= rules.next_month(month),
        "counties": list(counties_visible_to(user).order_by("code")) if sees_everything(user) else [],
        "recent_draws": list(selectors.spot_check_draw_list(user=user, filters={"county": county.pk})[:12]),
        "share": percent(Decimal(str(settings.RIVER.get("SPOT_CHECK_SHARE", "0.10")))),
        "gap": rules.reason_gap(),
        "pass_mark": rules.pass_mark(),
    }
    return render(request, "assessments/spot_check.html", context, status=status)


@roles_required(COUNTY_AND_CITY_OFFICES)
def spot_check_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    values = cleaned(forms.SpotCheckFilters(request.GET))
    county = county_for(user, values.get("county"))
    month = values.get("month") or default_month()
    draw, rows = _spot_check_rows(user, county, month)
    content = exports.spot_check_xlsx(county=county, month=month, draw=draw, rows=rows)
    name = _("县级抽考-%(county)s-%(month)s.xlsx") % {"county": county.name, "month": rules.month_label(month)}
    return xlsx_response(content, name)


# --- 辞退提示: dismissal flags -------------------------------------------------------------------------------------
