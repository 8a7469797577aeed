"""Office pages of the monthly assessments (issue 5 item 7) and their .xlsx downloads (SPEC §6–§8).

- 月度考评表 (`assessments-sheet`): every patroller of a township on one page for a month — suggested parts with
  their explanations, the three inputs, reasons; save all, finalize all, prepare the month. The township office
  of that township scores; its county and the city office read.
- 县级抽考 (`assessments-spot-check`): the county office draws the month's sample (seed and sample shown; drawing
  again answers the same sample) and scores the county-level drafts with the same inputs; the city office reads.
- 辞退提示 (`assessments-flags`): open, confirmed and withdrawn flags with the months and the rule; the township
  office of the flag or its county office confirms (contract ended, vacancy opened).
- 巡察员年度考核 (`assessments-patroller`): one patroller's year month by month (the county result prevails), and
  every change kept (who, when, old, new, why) with the correction requests.
- 年度考核结果 (`assessments-results`): a township's or county's year, with the renewal-eligibility list and the
  pay-rise recommendation list.
- 监督报告 (`assessments-supervision*`): village chiefs and volunteer supervisors file reports from a phone; the
  township office confirms or rejects them.

Thin on purpose: reads through `assessments.selectors` (and the staffing/rivers scope selectors), writes through
`assessments.services`, rules from `assessments.rules`. The role is checked first (403), then the object through
the caller's scope (404), then whether this office may act on it (the services' PermissionDenied, 403).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.scope import MAX_ID, require_place_in_scope, sees_everything
from assessments import exports, forms, rules, selectors, services
from assessments.models import PARTS, Assessment, AssessmentChange, DismissalFlag, SupervisionReport
from rivers.models import County, Township
from rivers.selectors import counties_visible_to, townships_visible_to
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing.models import Contract, Patroller

PAGE_SIZE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_ACTIONS = ("prepare", "save", "finalize")
SPOT_CHECK_ACTIONS = ("draw", "save", "finalize")
DECISIONS = ("confirm", "reject")


# --- who may open what ---------------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def is_office(user) -> bool:
    return bool(user.is_office or user.is_superuser)


def is_county_or_city(user) -> bool:
    return user.role == Role.COUNTY_OFFICE or sees_everything(user)


def is_reporter(user) -> bool:
    """Village chiefs and volunteer supervisors file supervision reports (第十二条)."""
    return user.role in (Role.VILLAGE_CHIEF, Role.SUPERVISOR)


def _in_range(pk: int) -> int:
    """An id from the URL; one past the database's integer range cannot exist (and would overflow SQLite)."""
    if pk > MAX_ID:
        raise Http404
    return pk


def _township_for(user, wanted: int | None) -> Township:
    """The township asked for, inside the caller's scope (else 404); a township office's own by default, for the
    county and city offices the first of theirs."""
    if wanted is None and user.role == Role.TOWNSHIP_OFFICE:
        wanted = user.township_id
    if wanted is not None:
        require_place_in_scope(user, township_id=wanted)
        return Township.objects.select_related("county").get(pk=wanted)
    township = townships_visible_to(user).order_by("code").first()
    if township is None:
        raise Http404
    return township


def _county_for(user, wanted: int | None) -> County:
    if wanted is None and user.role == Role.COUNTY_OFFICE:
        wanted = user.county_id
    if wanted is not None:
        require_place_in_scope(user, county_id=wanted)
        return County.objects.get(pk=wanted)
    county = counties_visible_to(user).order_by("code").first()
    if county is None:
        raise Http404
    return county


def _other_townships(user) -> list[Township]:
    """The township picker: nothing for a township office (its own is the page), else the ones in scope."""
    if user.role == Role.TOWNSHIP_OFFICE:
        return []
    return list(townships_visible_to(user).order_by("code"))


# --- small helpers -------------------------------------------------------------------------------------------


def month_text(month: date) -> str:
    return _("%(year)d年%(month)d月") % {"year": month.year, "month": month.month}


def _label_text(label: str) -> str:
    month = rules.parse_month(label)
    return month_text(month) if month else label


def _default_month() -> date:
    """The month offices score now: the last one that is over."""
    return rules.previous_month(rules.month_start(timezone.localdate()))


def _cleaned(form) -> dict:
    form.is_valid()  # an invalid field is shown and left out; the valid ones still apply
    return form.cleaned_data


def _xlsx(content: bytes, filename: str) -> FileResponse:
    return FileResponse(BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def _url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def percent(share: Decimal) -> str:
    """0.10 → "10", 0.125 → "12.5"."""
    value = share * 100
    return str(value.to_integral_value()) if value == value.to_integral_value() else str(value.normalize())


def _average(totals: list[int]) -> Decimal | None:
    if not totals:
        return None
    return (Decimal(sum(totals)) / len(totals)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


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
    cells = [
        PartCell(
            part=part,
            label=str(rules.PART_LABELS[part]),
            top=tops[part],
            suggested=suggested[part],
            value=values[part],
            reason=reasons.get(part, ""),
            explanation=(assessment.explanation or {}).get(part, ""),
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
    failed: dict[int, list[str]] = field(default_factory=dict)
    posted: dict[int, tuple[dict, dict]] = field(default_factory=dict)


def apply_rows(request: HttpRequest, assessments: list[Assessment], *, finalize: bool) -> Applied:
    """Each draft the page showed, one at a time through the services: its typed scores and reasons saved when
    they changed, then (finalize all) finalized. A row is saved and finalized whole or not at all; a refused row
    keeps what was typed and shows the service's messages."""
    user = request.user
    shown = forms.posted_rows(request.POST)
    applied = Applied()
    for assessment in assessments:
        if assessment.pk not in shown or assessment.is_final:
            continue
        scores, reasons = forms.posted_scores(request.POST, assessment.pk)
        changed = scores != assessment.scores or any(reasons[p] != assessment.reasons.get(p, "") for p in PARTS)
        try:
            with transaction.atomic():
                current = assessment
                if changed:
                    current = services.assessment_update(assessment=current, by=user, scores=scores, reasons=reasons)
                done = services.assessment_finalize(assessment=current, by=user) if finalize else None
        except ValidationError as error:
            applied.failed[assessment.pk] = forms.error_messages(error)
            applied.posted[assessment.pk] = (scores, reasons)
            continue
        applied.saved += int(changed)
        if done is not None:
            applied.finalized += 1
            applied.raised.extend(done.flags.raised)
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


def _sheet_assessments(user, township: Township, month: date) -> list[Assessment]:
    return list(
        selectors.assessment_list(
            user=user, filters={"month": month, "township": township.pk, "level": Assessment.Level.TOWNSHIP}
        )
    )


def _owns_township(user, township: Township) -> bool:
    return user.role == Role.TOWNSHIP_OFFICE and user.township_id == township.pk


@login_required
def sheet(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(is_office(user))
    posting = request.method == "POST"
    filters = forms.SheetFilters(request.POST if posting else request.GET)
    values = _cleaned(filters)
    township = _township_for(user, values.get("township"))
    month = values.get("month") or _default_month()
    if not posting:
        return _sheet_page(request, filters, township, month)

    _require(_owns_township(user, township))
    action = request.POST.get("action")
    here = _url("assessments-sheet", month=rules.month_label(month), township=township.pk)
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
    applied = apply_rows(request, _sheet_assessments(user, township, month), finalize=finalize)
    if applied.failed:
        return _sheet_page(request, filters, township, month, applied=applied, status=400)
    _report_applied(request, applied, finalize=finalize)
    return HttpResponseRedirect(here)


def _sheet_page(
    request: HttpRequest,
    filters: forms.SheetFilters,
    township: Township,
    month: date,
    *,
    applied: Applied | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    applied = applied or Applied()
    owner = _owns_township(user, township)
    rows = [
        score_row(
            a,
            editable=owner and not a.is_final,
            posted=applied.posted.get(a.pk),
            errors=applied.failed.get(a.pk),
        )
        for a in _sheet_assessments(user, township, month)
    ]
    today = timezone.localdate()
    context = {
        "filters": filters,
        "township": township,
        "month": month,
        "month_label": rules.month_label(month),
        "month_text": month_text(month),
        "previous_month": rules.month_label(rules.previous_month(month)),
        "next_month": rules.month_label(rules.next_month(month)) if rules.next_month(month) <= today else None,
        "rows": rows,
        "counts": _row_counts(rows),
        "applied": applied,
        "owner": owner,
        "editable": any(row.editable for row in rows),
        "month_over": today >= rules.next_month(month),
        "townships": _other_townships(user),
        "gap": rules.reason_gap(),
        "pass_mark": rules.pass_mark(),
    }
    return render(request, "assessments/sheet.html", context, status=status)


@login_required
def sheet_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    _require(is_office(user))
    values = _cleaned(forms.SheetFilters(request.GET))
    township = _township_for(user, values.get("township"))
    month = values.get("month") or _default_month()
    content = exports.sheet_xlsx(township=township, month=month, assessments=_sheet_assessments(user, township, month))
    name = _("月度考评表-%(township)s-%(month)s.xlsx") % {"township": township.name, "month": rules.month_label(month)}
    return _xlsx(content, name)


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


@login_required
def spot_check(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(is_county_or_city(user))
    posting = request.method == "POST"
    filters = forms.SpotCheckFilters(request.POST if posting else request.GET)
    values = _cleaned(filters)
    county = _county_for(user, values.get("county"))
    month = values.get("month") or _default_month()
    if not posting:
        return _spot_check_page(request, filters, county, month)

    _require(user.role == Role.COUNTY_OFFICE and user.county_id == county.pk)
    action = request.POST.get("action")
    here = _url("assessments-spot-check", month=rules.month_label(month), county=county.pk)
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
    context = {
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
        "editable": any(row.editable for row in rows),
        "month_over": today >= rules.next_month(month),
        "counties": list(counties_visible_to(user).order_by("code")) if sees_everything(user) else [],
        "recent_draws": list(selectors.spot_check_draw_list(user=user, filters={"county": county.pk})[:12]),
        "share": percent(Decimal(str(settings.RIVER.get("SPOT_CHECK_SHARE", "0.10")))),
        "gap": rules.reason_gap(),
        "pass_mark": rules.pass_mark(),
    }
    return render(request, "assessments/spot_check.html", context, status=status)


@login_required
def spot_check_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    _require(is_county_or_city(user))
    values = _cleaned(forms.SpotCheckFilters(request.GET))
    county = _county_for(user, values.get("county"))
    month = values.get("month") or _default_month()
    draw, rows = _spot_check_rows(user, county, month)
    content = exports.spot_check_xlsx(county=county, month=month, draw=draw, rows=rows)
    name = _("县级抽考-%(county)s-%(month)s.xlsx") % {"county": county.name, "month": rules.month_label(month)}
    return _xlsx(content, name)


# --- 辞退提示: dismissal flags -------------------------------------------------------------------------------------


@dataclass
class FlagRow:
    flag: DismissalFlag
    months: list[str]
    may_confirm: bool


def _flag_filters(request: HttpRequest) -> tuple[forms.FlagFilters, dict]:
    filters = forms.FlagFilters(request.GET)
    values = {key: value for key, value in _cleaned(filters).items() if value}
    if values.get("township"):
        require_place_in_scope(request.user, township_id=values["township"])
    return filters, values


def flag_row(user, flag: DismissalFlag) -> FlagRow:
    return FlagRow(
        flag=flag,
        months=[_label_text(label) for label in flag.months],
        may_confirm=flag.status == DismissalFlag.Status.OPEN and selectors.may_dismiss(user, flag),
    )


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(is_office(user))
    filters, values = _flag_filters(request)
    page = Paginator(selectors.dismissal_flag_list(user=user, filters=values), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filters": filters,
        "page": page,
        "rows": [flag_row(user, flag) for flag in page],
        "townships": _other_townships(user),
        "export_query": urlencode(values),
        "today": timezone.localdate(),
        "here": request.get_full_path(),
    }
    return render(request, "assessments/flags.html", context)


@login_required
def flags_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    _require(is_office(user))
    _filters, values = _flag_filters(request)
    rows = [flag_row(user, flag) for flag in selectors.dismissal_flag_list(user=user, filters=values)]
    today = timezone.localdate()
    return _xlsx(exports.flags_xlsx(rows=rows, on=today), _("辞退提示-%(date)s.xlsx") % {"date": today.isoformat()})


@login_required
@require_POST
def flag_confirm(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Confirm a dismissal (第九条): the service ends the contract and the assignment and opens the vacancy."""
    user = request.user
    _require(is_office(user))
    flag = selectors.dismissal_flag_get(user=user, pk=_in_range(pk))
    _require(selectors.may_dismiss(user, flag))
    form = forms.DismissalConfirmForm(request.POST)
    back = reverse("assessments-flags")
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return _back(request, back)
    try:
        dismissed = services.dismissal_confirm(
            flag=flag, by=user, on=form.cleaned_data["date"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(forms.error_messages(error)))
        return _back(request, back)
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
    return _back(request, back)


# --- 巡察员年度考核: one patroller's year ---------------------------------------------------------------------------


@dataclass
class MonthLine:
    month: date
    township: Assessment | None
    county: Assessment | None
    result: selectors.MonthResult | None
    future: bool

    @property
    def label(self) -> str:
        return month_text(self.month)

    @property
    def outcome(self) -> str:
        if self.future:
            return ""
        if self.result is None:
            return _("未考核")
        return _("合格") if self.result.outcome == rules.Outcome.PASS else _("不合格")


@dataclass
class ChangeLine:
    change: AssessmentChange
    month: str
    level: str
    old: str
    new: str


def _snapshot_text(snapshot: dict | None) -> str:
    """A stored snapshot (services._snapshot or the prepare row) in words: parts, total, grade, state, reasons."""
    if not snapshot:
        return ""
    parts = "/".join(str(snapshot.get(part, "—")) for part in PARTS)
    text = _("%(parts)s，总分%(total)s") % {"parts": parts, "total": snapshot.get("total", "—")}
    if snapshot.get("grade"):
        text += "，" + str(Assessment.Grade(snapshot["grade"]).label)
    if snapshot.get("status"):
        text += "，" + str(Assessment.Status(snapshot["status"]).label)
    reasons = snapshot.get("reasons") or {}
    for part in PARTS:
        if reasons.get(part):
            text += "；" + _("%(part)s理由：%(reason)s") % {"part": rules.PART_LABELS[part], "reason": reasons[part]}
    return text


def change_line(change: AssessmentChange) -> ChangeLine:
    assessment = change.assessment
    return ChangeLine(
        change=change,
        month=month_text(assessment.month),
        level=assessment.get_level_display(),
        old=_snapshot_text(change.old),
        new=_snapshot_text(change.new),
    )


def _year_of(request: HttpRequest) -> int:
    values = _cleaned(forms.YearFilters(request.GET))
    return values.get("year") or timezone.localdate().year


@dataclass
class PatrollerYear:
    patroller: Patroller
    year: int
    months: list[MonthLine]
    changes: list[ChangeLine]
    corrections: list
    flags: list[FlagRow]

    @property
    def assessed(self) -> list[MonthLine]:
        return [line for line in self.months if line.result is not None]

    @property
    def failed(self) -> int:
        return sum(1 for line in self.assessed if line.result.outcome == rules.Outcome.FAIL)

    @property
    def average(self) -> Decimal | None:
        return _average([line.result.total for line in self.assessed])


def patroller_year_data(user, patroller: Patroller, year: int) -> PatrollerYear:
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    today = timezone.localdate()
    rows = (
        selectors.assessment_list(user=user, filters={"patroller": patroller.pk})
        .filter(month__gte=first, month__lt=after)
        .select_related("patroller", "township", "county", "finalized_by")
    )
    by_month: dict[date, dict[str, Assessment]] = {}
    for assessment in rows:
        by_month.setdefault(assessment.month, {})[assessment.level] = assessment
    results = selectors.month_results(patroller_ids=[patroller.pk], since=first, before=after).get(patroller.pk, {})
    months = []
    for number in range(1, 13):
        month = date(year, number, 1)
        levels = by_month.get(month, {})
        months.append(
            MonthLine(
                month=month,
                township=levels.get(Assessment.Level.TOWNSHIP),
                county=levels.get(Assessment.Level.COUNTY),
                result=results.get(month),
                future=month > rules.month_start(today),
            )
        )
    changes = (
        selectors.patroller_assessment_history(patroller=patroller)
        .filter(assessment__month__gte=first, assessment__month__lt=after)
        .exclude(action=AssessmentChange.Action.PREPARE)  # the drafts' creation says nothing about the score
    )
    corrections = selectors.correction_list(user=user).filter(
        assessment__patroller=patroller, assessment__month__gte=first, assessment__month__lt=after
    )
    flags = selectors.dismissal_flag_list(user=user, filters={"patroller": patroller.pk})
    return PatrollerYear(
        patroller=patroller,
        year=year,
        months=months,
        changes=[change_line(change) for change in changes],
        corrections=list(corrections),
        flags=[flag_row(user, flag) for flag in flags],
    )


@login_required
def patroller_year(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require(is_office(user))
    patroller = staffing_selectors.patroller_get(user=user, pk=_in_range(pk))
    year = _year_of(request)
    data = patroller_year_data(user, patroller, year)
    context = {
        "data": data,
        "patroller": patroller,
        "year": year,
        "previous_year": year - 1,
        "next_year": year + 1 if year < timezone.localdate().year else None,
        "pass_mark": rules.pass_mark(),
    }
    return render(request, "assessments/patroller_year.html", context)


@login_required
def patroller_year_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    user = request.user
    _require(is_office(user))
    patroller = staffing_selectors.patroller_get(user=user, pk=_in_range(pk))
    year = _year_of(request)
    content = exports.patroller_year_xlsx(data=patroller_year_data(user, patroller, year))
    return _xlsx(content, _("年度考核-%(name)s-%(year)d.xlsx") % {"name": patroller.name, "year": year})


# --- 年度考核结果: a township's or county's year, renewals and pay rises ---------------------------------------------


@dataclass
class YearLine:
    """One patroller's year: the prevailing final result of each month (None: not assessed)."""

    patroller: Patroller
    cells: list[selectors.MonthResult | None]

    @property
    def totals(self) -> list[int]:
        return [cell.total for cell in self.cells if cell is not None]

    @property
    def assessed(self) -> int:
        return len(self.totals)

    @property
    def failed(self) -> int:
        return sum(1 for cell in self.cells if cell is not None and cell.outcome == rules.Outcome.FAIL)

    @property
    def average(self) -> Decimal | None:
        return _average(self.totals)


@dataclass
class Renewal:
    """An incumbent whose performance is excellent (SPEC §4): renewable up to 55 周岁 (第四条(二))."""

    patroller: Patroller
    contract: Contract
    renewal_start: date
    age: int
    months: int
    average: Decimal | None
    renewed: bool  # a next contract is already signed

    @property
    def age_ok(self) -> bool:
        return self.age <= staffing_rules.AGE_MAX_EXCELLENT_INCUMBENT

    @property
    def note(self) -> str:
        if self.renewed:
            return _("已续签")
        if self.age <= staffing_rules.AGE_MAX:
            return _("年龄符合一般条件")
        if self.age_ok:
            return _("表现优秀，年龄可放宽至%(age)d周岁") % {"age": staffing_rules.AGE_MAX_EXCELLENT_INCUMBENT}
        return _("超过%(age)d周岁，不能续聘") % {"age": staffing_rules.AGE_MAX_EXCELLENT_INCUMBENT}


@dataclass
class YearResults:
    scope_label: str
    year: int
    lines: list[YearLine]
    renewals: list[Renewal]
    pay_rises: list[YearLine]
    share: Decimal

    @property
    def months(self) -> list[date]:
        return [date(self.year, number, 1) for number in range(1, 13)]


def _renewals(patrollers: list[Patroller], history: dict, *, today: date) -> list[Renewal]:
    """Incumbents (a contract in force today) who are excellent over the 12 assessed months before their renewal
    would start (the day after the contract ends) — the test the contract service applies to the renewal."""
    ids = [p.pk for p in patrollers]
    # Contracts in force today or later (a selector of this app: in force on a day from `month` to `through`).
    contracts = selectors.contracts_in_month(month=today, through=date.max).filter(patroller_id__in=ids)
    current: dict[int, Contract] = {}
    renewed: set[int] = set()
    for contract in contracts.order_by("start"):
        if contract.start <= today <= contract.last_day:
            current[contract.patroller_id] = contract
        elif contract.start > today:
            renewed.add(contract.patroller_id)
    found = []
    for patroller in patrollers:
        contract = current.get(patroller.pk)
        if contract is None:
            continue
        start = contract.end + timedelta(days=1)
        before = [r for month, r in history.get(patroller.pk, {}).items() if month < rules.month_start(start)]
        rows = [(r.month, r.total, r.outcome == rules.Outcome.PASS) for r in before]
        if not rules.is_excellent(rows):
            continue
        recent = sorted(before, key=lambda r: r.month, reverse=True)[:12]
        found.append(
            Renewal(
                patroller=patroller,
                contract=contract,
                renewal_start=start,
                age=staffing_rules.age_on(patroller.birth_date, start),
                months=len(recent),
                average=_average([r.total for r in recent]),
                renewed=patroller.pk in renewed,
            )
        )
    return found


def year_results(user, *, year: int, township: Township | None, county: County | None) -> YearResults:
    """Everyone with a final assessment in the year in the township (or county), a fixed number of queries."""
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    place = {"township": township.pk} if township else {"county": county.pk} if county else {}
    ids = list(
        selectors.assessment_list(user=user, filters={**place, "status": Assessment.Status.FINAL})
        .filter(month__gte=first, month__lt=after)
        .order_by()
        .values_list("patroller_id", flat=True)
        .distinct()
    )
    patrollers = list(
        staffing_selectors.patrollers_visible_to(user)
        .filter(pk__in=ids)
        .select_related("township")
        .order_by("township__code", "name", "id")
    )
    history = selectors.month_results(patroller_ids=[p.pk for p in patrollers])
    lines = []
    for patroller in patrollers:
        mine = history.get(patroller.pk, {})
        lines.append(YearLine(patroller, [mine.get(date(year, number, 1)) for number in range(1, 13)]))
    year_rows = {
        line.patroller.pk: [(c.month, c.total, c.outcome == rules.Outcome.PASS) for c in line.cells if c is not None]
        for line in lines
    }
    by_id = {line.patroller.pk: line for line in lines}
    share = Decimal(str(settings.RIVER.get("PAY_RISE_SHARE", "0.20")))
    pay_rises = [by_id[pk] for pk in rules.pay_rise_ranking(year_rows, share=share)]
    scope_label = f"{township.county.name} · {township.name}" if township else county.name if county else _("全市")
    return YearResults(
        scope_label=scope_label,
        year=year,
        lines=lines,
        renewals=_renewals(patrollers, history, today=timezone.localdate()),
        pay_rises=pay_rises,
        share=share,
    )


def _results_scope(request: HttpRequest) -> tuple[forms.YearFilters, int, Township | None, County | None]:
    """A township office: its township. A county office: its county or one township in it. The city office: a
    county (the first by default) or a township."""
    user = request.user
    filters = forms.YearFilters(request.GET)
    values = _cleaned(filters)
    year = values.get("year") or timezone.localdate().year
    wanted_township, wanted_county = values.get("township"), values.get("county")
    if user.role == Role.TOWNSHIP_OFFICE or wanted_township:
        township = _township_for(user, wanted_township)
        if wanted_county and township.county_id != wanted_county:
            raise Http404
        return filters, year, township, None
    return filters, year, None, _county_for(user, wanted_county)


@login_required
def results(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(is_office(user))
    filters, year, township, county = _results_scope(request)
    data = year_results(user, year=year, township=township, county=county)
    query = {"year": year, "township": township.pk if township else None, "county": county.pk if county else None}
    context = {
        "data": data,
        "filters": filters,
        "year": year,
        "township": township,
        "county": county,
        "townships": _other_townships(user),
        "counties": list(counties_visible_to(user).order_by("code")) if sees_everything(user) else [],
        "export_query": urlencode({k: v for k, v in query.items() if v}),
        "excellent_average": settings.RIVER.get("EXCELLENT_AVERAGE", 85),
        "share_percent": percent(data.share),
    }
    return render(request, "assessments/results.html", context)


@login_required
def results_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    _require(is_office(user))
    _filters, year, township, county = _results_scope(request)
    data = year_results(user, year=year, township=township, county=county)
    name = _("年度考核结果-%(scope)s-%(year)d.xlsx") % {"scope": (township or county).name, "year": year}
    return _xlsx(exports.results_xlsx(data=data), name)


# --- 监督报告: supervision reports (第十二条) -------------------------------------------------------------------------


def _supervision_filters(request: HttpRequest) -> tuple[forms.SupervisionFilters, dict]:
    filters = forms.SupervisionFilters(request.GET)
    values = {key: value for key, value in _cleaned(filters).items() if value}
    if values.get("township"):
        require_place_in_scope(request.user, township_id=values["township"])
    return filters, values


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    """Offices: the reports in scope (the township office confirms or rejects); reporters: their own."""
    user = request.user
    _require(is_office(user) or is_reporter(user))
    filters, values = _supervision_filters(request)
    page = Paginator(selectors.supervision_report_list(user=user, filters=values), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filters": filters,
        "page": page,
        "rows": [
            (report, report.status == SupervisionReport.Status.PENDING and _decides(user, report)) for report in page
        ],
        "townships": _other_townships(user) if is_office(user) else [],
        "reporter": is_reporter(user),
        "office": is_office(user),
        "export_query": urlencode({k: rules.month_label(v) if k == "month" else v for k, v in values.items()}),
        "here": request.get_full_path(),
    }
    return render(request, "assessments/supervision_list.html", context)


def _decides(user, report: SupervisionReport) -> bool:
    return user.role == Role.TOWNSHIP_OFFICE and user.township_id == report.township_id


@login_required
def supervision_new(request: HttpRequest) -> HttpResponse:
    """The phone form of a village chief or volunteer supervisor."""
    user = request.user
    _require(is_reporter(user))
    patrollers = selectors.reportable_patrollers(user).order_by("name", "id")
    form = forms.SupervisionReportForm(
        request.POST if request.method == "POST" else None,
        patrollers=patrollers,
        initial={"observed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.supervision_report_file(by=user, **form.cleaned_data)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(
                request, _("已提交关于%(name)s的监督报告，等待乡镇河长办核实。") % {"name": report.patroller.name}
            )
            return HttpResponseRedirect(reverse("assessments-supervision"))
    status = 400 if form.errors else 200
    return render(request, "assessments/supervision_form.html", {"form": form}, status=status)


@login_required
@require_POST
def supervision_decide(request: HttpRequest, pk: int, action: str) -> HttpResponseRedirect:
    user = request.user
    if action not in DECISIONS:
        raise Http404
    _require(is_office(user))
    report = selectors.supervision_report_get(user=user, pk=_in_range(pk))
    _require(_decides(user, report))
    form = forms.DecisionForm(request.POST)
    back = reverse("assessments-supervision")
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return _back(request, back)
    decide = services.supervision_report_confirm if action == "confirm" else services.supervision_report_reject
    try:
        decide(report=report, by=user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(forms.error_messages(error)))
    else:
        text = (
            _("已核实关于%(name)s的监督报告：%(month)s的日常工作表现建议分相应扣减。")
            if action == "confirm"
            else _("已将关于%(name)s的监督报告标为不属实。")
        )
        messages.success(request, text % {"name": report.patroller.name, "month": month_text(report.observed_on)})
    return _back(request, back)


@login_required
def supervision_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    _require(is_office(user) or is_reporter(user))
    _filters, values = _supervision_filters(request)
    reports = list(selectors.supervision_report_list(user=user, filters=values))
    today = timezone.localdate()
    return _xlsx(
        exports.supervision_xlsx(reports=reports, on=today), _("监督报告-%(date)s.xlsx") % {"date": today.isoformat()}
    )
