"""Vacancies and their applicants: the list (and opening every post below standard), a vacancy with its ranking,
registering and scoring applicants, hiring one."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import OFFICES
from config.web import add_service_errors, roles_required
from rivers.selectors import townships_visible_to
from staffing import forms as roster_forms
from staffing import selectors, services
from staffing.models import Applicant, Patroller, Vacancy
from staffing.views.common import ROSTER_PAGE_SIZE, failures_of, township_posted


@roles_required(OFFICES)
def vacancy_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = roster_forms.VacancyFilterForm(
        request.GET, townships=townships_visible_to(user), statuses=Vacancy.Status.choices
    )
    vacancies = selectors.vacancy_list(user=user, filters=filters.selector_filters(default_status=Vacancy.Status.OPEN))
    page = Paginator(vacancies, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "show_township": user.role != Role.TOWNSHIP_OFFICE,
        # One button for the township office: open a vacancy on every segment below its standard.
        "open_township": user.township if user.role == Role.TOWNSHIP_OFFICE else None,
    }
    return render(request, "staffing/vacancy_list.html", context)


@roles_required(OFFICES)
@require_POST
def vacancy_open_below_standard(request: HttpRequest) -> HttpResponse:
    user = request.user
    township = township_posted(request)
    opened = services.vacancies_open_below_standard(township=township, by=user)
    messages.success(request, _("已开放 %(n)d 个岗位。") % {"n": len(opened)})
    return redirect("staffing-vacancies")


def _candidates_for(user, vacancy: Vacancy, ranking: list) -> QuerySet[Patroller]:
    """People who may still apply: on the vacancy's township roster, not on duty, not applied yet, and not the
    person whose dismissal opened it."""
    candidates = (
        selectors.patrollers_visible_to(user)
        .filter(township_id=vacancy.segment.township_id)
        .exclude(status=Patroller.Status.ACTIVE)
        .exclude(pk__in=[a.patroller_id for a in ranking])
    )
    if vacancy.reason == Vacancy.Reason.DISMISSAL and vacancy.vacated_by_id:
        candidates = candidates.exclude(pk=vacancy.vacated_by_id)
    return candidates.order_by("name", "id")


def _vacancy_page(
    request: HttpRequest, vacancy: Vacancy, *, add_form=None, score_form=None, status: int = 200
) -> HttpResponse:
    user = request.user
    ranking = selectors.vacancy_ranking(vacancy=vacancy)
    may_act = selectors.may_act_in_township(user, vacancy.segment.township)
    if add_form is None:
        add_form = roster_forms.ApplicantAddForm(patrollers=_candidates_for(user, vacancy, ranking))
        if request.GET.get("add-patroller"):
            add_form.initial["patroller"] = request.GET["add-patroller"]
    if score_form is None:
        score_form = roster_forms.ApplicantScoreForm(applicants=vacancy.applicants.select_related("patroller"))
    exam_weight, interview_weight = selectors.recruitment_weights()
    context = {
        "vacancy": vacancy,
        "ranking": ranking,
        "may_act": may_act,
        "may_hire": may_act and vacancy.status == Vacancy.Status.OPEN,
        "add_form": add_form,
        "score_form": score_form,
        "exam_weight": exam_weight,
        "interview_weight": interview_weight,
        "history": selectors.vacancy_history(vacancy=vacancy),
    }
    return render(request, "staffing/vacancy_detail.html", context, status=status)


@roles_required(OFFICES)
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _vacancy_page(request, selectors.vacancy_get(user=request.user, pk=pk))


def _vacancy_to_act_on(request: HttpRequest, pk: int) -> Vacancy:
    vacancy = selectors.vacancy_get(user=request.user, pk=pk)
    if not selectors.may_act_in_township(request.user, vacancy.segment.township):
        raise PermissionDenied
    return vacancy


@roles_required(OFFICES)
@require_POST
def vacancy_applicant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    vacancy = _vacancy_to_act_on(request, pk)
    ranking = selectors.vacancy_ranking(vacancy=vacancy)
    form = roster_forms.ApplicantAddForm(request.POST, patrollers=_candidates_for(user, vacancy, ranking))
    if form.is_valid():
        try:
            services.applicant_add(vacancy=vacancy, by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记%(name)s报名。") % {"name": form.cleaned_data["patroller"].name})
            return redirect("staffing-vacancy", pk=vacancy.pk)
    return _vacancy_page(request, vacancy, add_form=form, status=400)


@roles_required(OFFICES)
@require_POST
def vacancy_applicant_score(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    vacancy = _vacancy_to_act_on(request, pk)
    form = roster_forms.ApplicantScoreForm(request.POST, applicants=vacancy.applicants.select_related("patroller"))
    if form.is_valid():
        try:
            services.applicant_score(
                applicant=form.cleaned_data["applicant"],
                exam_score=form.cleaned_data["exam_score"],
                interview_score=form.cleaned_data["interview_score"],
                by=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("成绩已保存，排名已更新。"))
            return redirect("staffing-vacancy", pk=vacancy.pk)
    return _vacancy_page(request, vacancy, score_form=form, status=400)


@dataclass
class RankedAbove:
    """An applicant ranked before the one being hired, with the system's reason when they cannot be hired."""

    applicant: Applicant
    automatic_reason: str


@roles_required(OFFICES)
def vacancy_hire(request: HttpRequest, pk: int, applicant_pk: int) -> HttpResponse:
    """Hire one ranked applicant: the service runs eligibility and the contract rules, asks a written reason for
    each better-ranked applicant passed over (第六条 择优), then fills the vacancy."""
    user = request.user
    vacancy = _vacancy_to_act_on(request, pk)
    applicant = get_object_or_404(vacancy.applicants.select_related("patroller", "vacancy"), pk=applicant_pk)
    start, end = roster_forms.default_contract_dates(latest_end=None, today=timezone.localdate())
    above = selectors.applicants_ranked_above(applicant)
    form = roster_forms.HireForm(
        request.POST if request.method == "POST" else None, initial={"start": start, "end": end}, ranked_above=above
    )
    failures: list = []
    preview = False
    if request.method == "POST":
        if form.is_valid():
            start = form.cleaned_data["start"]
            try:
                contract = services.applicant_hire(
                    applicant=applicant,
                    by=user,
                    start=start,
                    end=form.cleaned_data["end"],
                    passed_over=form.passed_over(),
                )
            except ValidationError as error:
                failures = roster_forms.eligibility_failures_of(error)
                form.add_passed_over_errors(error)
                add_service_errors(form, error, skip={*roster_forms.ELIGIBILITY_CODES, "passed_over"})
            else:
                messages.success(
                    request,
                    _("已聘用%(name)s：%(start)s至%(end)s，该变动待备案。")
                    % {"name": applicant.patroller.name, "start": contract.start, "end": contract.end},
                )
                return redirect("staffing-patroller", pk=applicant.patroller_id)
    elif vacancy.status == Vacancy.Status.OPEN:
        # Say before the click what would stop the hire on the proposed start date.
        failures = failures_of(
            selectors.eligibility(patroller=applicant.patroller, segment=vacancy.segment, start=start)
        )
        preview = bool(failures)
    context = {
        "vacancy": vacancy,
        "applicant": applicant,
        "form": form,
        "failures": failures,
        "preview": preview,
        "notices": selectors.eligibility_notices(patroller=applicant.patroller, start=start),
        "ranked_above": [
            RankedAbove(other, selectors.why_not_hireable(other, segment=vacancy.segment, start=start))
            for other in above
        ],
    }
    status = 400 if request.method == "POST" and (form.errors or failures) else 200
    return render(request, "staffing/hire_form.html", context, status=status)
