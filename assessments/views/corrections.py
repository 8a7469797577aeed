"""Corrections of final assessments (考核更正, SPEC §6): the "申请更正" forms of a patroller's year page, the list
where the county office approves or rejects (the city office what the county office asked for), and its .xlsx
download.

Every rule is the services': who may ask and who decides, the ranges, the reason a part far from its suggestion
needs, one pending correction per assessment. The pages only show their forms to the offices the services would
let act, and show the services' messages when they refuse.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import OFFICES
from assessments import exports, forms, reports, rules, selectors, services
from assessments.models import PARTS, Assessment, Correction
from assessments.rules import month_text
from assessments.views.common import PAGE_SIZE, back_to
from config.web import (
    error_messages,
    id_or_404,
    message_form_errors,
    message_service_error,
    roles_required,
    township_choices,
    validated_filters,
)
from config.xlsx import xlsx_response
from staffing.models import Patroller

DECISIONS = ("approve", "reject")

# --- 申请更正: the request forms of a patroller's year page ---------------------------------------------------------


@dataclass
class PartInput:
    """One part of a request form: the current score and reason, the suggestion, what is typed."""

    label: str
    top: int
    suggested: int
    current: int
    current_reason: str
    value: object
    reason: str
    score_name: str
    reason_name: str


@dataclass
class Refused:
    """A request the service refused: what was typed, and its messages, to show in the form again."""

    assessment: Assessment
    scores: dict
    reasons: dict
    reason: str
    errors: list[str]


@dataclass
class RequestForm:
    """A final assessment the office may ask to correct: its form, or the correction already waiting for the
    county office (one pending per assessment)."""

    assessment: Assessment
    parts: list[PartInput]
    reason: str = ""
    errors: list[str] | None = None
    pending: Correction | None = None


def request_forms(
    user, assessments: Iterable[Assessment], corrections: list[Correction], refused: Refused | None = None
) -> list[RequestForm]:
    """The forms of the final assessments among `assessments` that `user` may ask to correct (the services' rule).
    The inputs start at the current parts with empty reasons: a part left as it is keeps its reason."""
    pending = {c.assessment_id: c for c in corrections if c.status == Correction.Status.PENDING}
    tops = rules.weights()
    found = []
    for assessment in assessments:
        if not assessment.is_final or not services.may_request_correction(user, assessment):
            continue
        typed = refused if refused is not None and refused.assessment.pk == assessment.pk else None
        values, reasons = (typed.scores, typed.reasons) if typed else (assessment.scores, {})
        parts = [
            PartInput(
                label=str(rules.PART_LABELS[part]),
                top=tops[part],
                suggested=assessment.suggested[part],
                current=assessment.scores[part],
                current_reason=assessment.reasons.get(part, ""),
                value=values.get(part, ""),
                reason=reasons.get(part, ""),
                score_name=forms.score_field(assessment.pk, part),
                reason_name=forms.reason_field(assessment.pk, part),
            )
            for part in PARTS
        ]
        found.append(
            RequestForm(
                assessment=assessment,
                parts=parts,
                reason=typed.reason if typed else "",
                errors=typed.errors if typed else None,
                pending=pending.get(assessment.pk),
            )
        )
    return found


def year_page_url(patroller_id: int, year: int, anchor: str = "") -> str:
    url = f"{reverse('assessments-patroller', args=[patroller_id])}?{urlencode({'year': year})}"
    return f"{url}#{anchor}" if anchor else url


def request_correction(request: HttpRequest, patroller: Patroller) -> HttpResponseRedirect | Refused:
    """The "申请更正" form of the year page, posted: the service files the request (back to the page with a note),
    or refuses it (what was typed and its messages, for the page to show again)."""
    user = request.user
    assessment = selectors.assessment_get(user=user, pk=id_or_404(request.POST.get("assessment")))
    if assessment.patroller_id != patroller.pk:
        raise Http404
    scores, reasons = forms.posted_scores(request.POST, assessment.pk)
    reason = (request.POST.get("reason") or "")[: forms.NOTE_MAX_LENGTH + 1]
    back = year_page_url(patroller.pk, assessment.month.year, "corrections")
    try:
        correction = services.correction_request(
            assessment=assessment,
            by=user,
            scores=scores,
            # A blank reason says nothing: the part keeps its current reason if it keeps its score.
            reasons={part: text for part, text in reasons.items() if text},
            reason=reason,
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(back)
    except ValidationError as error:
        return Refused(assessment, scores, reasons, reason, error_messages(error))
    messages.success(
        request,
        _("已提交%(name)s %(month)s%(level)s的更正申请，%(approver)s批准后生效。")
        % {
            "name": patroller.name,
            "month": month_text(assessment.month),
            "level": assessment.get_level_display(),
            "approver": correction.get_approver_display(),
        },
    )
    return HttpResponseRedirect(back)


# --- 考核更正: the list, approve and reject -----------------------------------------------------------------------


@roles_required(OFFICES)
def correction_list(request: HttpRequest) -> HttpResponse:
    """Every office reads the corrections of its place; the county office of the assessment decides."""
    user = request.user
    filters, values = validated_filters(forms.CorrectionFilters, request)
    page = Paginator(reports.pending_first(selectors.correction_list(user=user, filters=values)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filters": filters,
        "page": page,
        "rows": reports.correction_rows(user, list(page)),
        "townships": township_choices(user),
        "export_query": urlencode({k: rules.month_label(v) if k == "month" else v for k, v in values.items()}),
        "here": request.get_full_path(),
    }
    return render(request, "assessments/corrections.html", context)


@roles_required(OFFICES)
def corrections_xlsx(request: HttpRequest) -> FileResponse:
    user = request.user
    _filters, values = validated_filters(forms.CorrectionFilters, request)
    rows = reports.correction_rows(
        user, list(reports.pending_first(selectors.correction_list(user=user, filters=values)))
    )
    today = timezone.localdate()
    return xlsx_response(
        exports.corrections_xlsx(rows=rows, on=today), _("考核更正-%(date)s.xlsx") % {"date": today.isoformat()}
    )


def _describe(correction: Correction) -> dict[str, str]:
    assessment = correction.assessment
    return {
        "name": assessment.patroller.name,
        "month": month_text(assessment.month),
        "level": assessment.get_level_display(),
    }


@roles_required(OFFICES)
@require_POST
def correction_decide(request: HttpRequest, pk: int, action: str) -> HttpResponseRedirect:
    """Approve or reject through the services; a refusal (not this county's office, already decided, the parts no
    longer valid) comes back as the services' message."""
    user = request.user
    if action not in DECISIONS:
        raise Http404
    correction = selectors.correction_get(user=user, pk=pk)
    form = forms.DecisionForm(request.POST)
    back = reverse("assessments-corrections")
    if not form.is_valid():
        message_form_errors(request, form)
        return back_to(request, back)
    note = form.cleaned_data["note"]
    described = _describe(correction)
    old_total = correction.assessment.total
    try:
        if action == "approve":
            approved = services.correction_approve(correction=correction, by=user, note=note)
        else:
            services.correction_reject(correction=correction, by=user, note=note)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return back_to(request, back)
    except ValidationError as error:
        message_service_error(request, error)
        return back_to(request, back)
    if action == "reject":
        messages.success(request, _("已驳回%(name)s %(month)s%(level)s的更正申请，考核结果不变。") % described)
        return back_to(request, back)
    assessment = approved.assessment
    messages.success(
        request,
        _("已批准%(name)s %(month)s%(level)s的更正：总分由%(old)d分改为%(new)d分(%(grade)s)。")
        % {**described, "old": old_total, "new": assessment.total, "grade": assessment.get_grade_display()},
    )
    if approved.flags.withdrawn:
        messages.info(
            request,
            _("更正后不再满足辞退条件，已撤销 %(n)d 条辞退提示。") % {"n": len(approved.flags.withdrawn)},
        )
    if approved.flags.unsupported:
        messages.warning(
            request,
            _("更正后%(name)s的辞退依据已不成立，请到“辞退提示”办理恢复聘用。") % described,
        )
    if approved.flags.raised:
        messages.warning(
            request,
            _("更正后%(name)s达到辞退条件(第九条)，已生成辞退提示，请到“辞退提示”确认。") % described,
        )
    return back_to(request, back)
