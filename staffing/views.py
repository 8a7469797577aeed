"""Pages for the offices: the staffing report (SPEC §3) and its .xlsx download."""

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.scope import MAX_ID, sees_everything
from rivers.models import Segment, Township, Village
from rivers.selectors import counties_visible_to, segments_visible_to, townships_visible_to
from staffing import exports, rules, selectors, services
from staffing import forms as roster_forms
from staffing.models import Patroller, Vacancy


class ReportFilters(forms.Form):
    county = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=gettext_lazy("县(市、区)"))
    township = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=gettext_lazy("乡镇(街道)"))
    date = forms.DateField(required=False, label=gettext_lazy("日期"))


def _office_only(user) -> None:
    if not (user.is_office or user.is_superuser):
        raise PermissionDenied


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


@login_required
def staffing_report(request: HttpRequest) -> HttpResponse:
    _office_only(request.user)
    report, filters = _report_for(request)
    context = {
        "report": report,
        "filters": filters,
        "statuses": [(status.value, status.label) for status in rules.Status],
        "export_query": _query_of(report),
        **_filter_choices(request.user, report),
    }
    return render(request, "staffing/report.html", context)


@login_required
def staffing_report_xlsx(request: HttpRequest) -> FileResponse:
    _office_only(request.user)
    report, _filters = _report_for(request)
    name = _("巡察员配备情况-%(scope)s-%(date)s.xlsx") % {"scope": report.scope_label, "date": report.on.isoformat()}
    return FileResponse(
        BytesIO(exports.staffing_xlsx_bytes(report)),
        as_attachment=True,
        filename=name.replace(" ", "-"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# ---------------------------------------------------------------------------------------------------------
# The roster pages (issue 3, written by "rosterpages"): roster list and .xlsx, patroller detail, contracts,
# resignation, new candidates, vacancies and their ranking, unfiled changes and filing 备案.
# Thin on purpose: scope comes from the staffing selectors (404 outside it), rules and role checks from the
# staffing services (ValidationError shown in the form, PermissionDenied → 403).
# ---------------------------------------------------------------------------------------------------------

ROSTER_PAGE_SIZE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _roster_offices_only(user) -> None:
    """The roster pages are the offices' (SPEC §1): patrollers, chiefs and supervisors get 403."""
    if not (user.is_office or user.is_superuser):
        raise PermissionDenied


def _in_range(pk: int) -> int:
    """An id from the URL; one past the database's integer range cannot exist (and would overflow SQLite)."""
    if pk > MAX_ID:
        raise Http404
    return pk


def _may_add_patroller(user) -> bool:
    # 第五条: the county or the township hires; the city office only watches.
    return user.role in (Role.TOWNSHIP_OFFICE, Role.COUNTY_OFFICE)


@dataclass
class RosterRow:
    """One roster line as this viewer may see it: ID number and phone masked unless they manage the person."""

    patroller: Patroller
    id_number: str
    phone: str
    age: int
    segment: Segment | None


def _roster_row(user, patroller: Patroller, today: date) -> RosterRow:
    return RosterRow(
        patroller=patroller,
        id_number=selectors.id_number_for(user, patroller),
        phone=selectors.phone_for(user, patroller),
        age=rules.age_on(patroller.birth_date, today),
        segment=selectors.current_segment(patroller),
    )


def _roster_filters(request: HttpRequest) -> tuple[roster_forms.RosterFilterForm, bool]:
    """The filter form; segment choices only when the list is narrowed to one township (a city has thousands)."""
    user = request.user
    segments = segments_visible_to(user).select_related("water_body").defer("geometry").order_by("code")
    narrowed = user.role == Role.TOWNSHIP_OFFICE
    township = request.GET.get("township") or ""
    if not narrowed and township.isdigit() and int(township) <= MAX_ID:
        segments, narrowed = segments.filter(township_id=int(township)), True
    form = roster_forms.RosterFilterForm(
        request.GET, townships=townships_visible_to(user), segments=segments if narrowed else segments.none()
    )
    return form, narrowed


@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _roster_offices_only(user)
    filters, show_segment = _roster_filters(request)
    selector_filters = filters.selector_filters()
    page = Paginator(selectors.patroller_list(user=user, filters=selector_filters), ROSTER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    context = {
        "filters": filters,
        "page": page,
        "rows": [_roster_row(user, p, today) for p in page],
        "show_township": user.role != Role.TOWNSHIP_OFFICE,
        "show_segment": show_segment,
        "export_query": urlencode(selector_filters),
        "may_add_patroller": _may_add_patroller(user),
    }
    return render(request, "staffing/roster_list.html", context)


@login_required
def roster_xlsx(request: HttpRequest) -> FileResponse:
    """The filtered roster, every row, as the viewer may see it (masked unless they manage the person)."""
    user = request.user
    _roster_offices_only(user)
    filters, _shown = _roster_filters(request)
    patrollers = list(selectors.patroller_list(user=user, filters=filters.selector_filters()))
    today = timezone.localdate()
    rows = [_roster_row(user, p, today) for p in patrollers]
    name = _("巡察员花名册-%(date)s.xlsx") % {"date": today.isoformat()}
    return FileResponse(
        BytesIO(exports.roster_list_xlsx(rows=rows, on=today)),
        as_attachment=True,
        filename=name,
        content_type=XLSX_CONTENT_TYPE,
    )


def _segments_for(user, patroller: Patroller):
    """Segments a contract of this person may be on: their roster township's, as far as the user sees them."""
    return (
        segments_visible_to(user)
        .filter(township_id=patroller.township_id)
        .select_related("water_body")
        .defer("geometry")
        .order_by("code")
    )


def _failures_of(found: list[tuple[str, str]]) -> list[tuple[str, str, list[str]]]:
    """The selector's (code, message) pairs in the shape of the failures box: (code, heading, [messages])."""
    return [(code, str(roster_forms.ELIGIBILITY_CODES.get(code, code)), [message]) for code, message in found]


@login_required
def patroller_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _roster_offices_only(user)
    patroller = selectors.patroller_get(user=user, pk=_in_range(pk))
    segments = _segments_for(user, patroller)
    today = timezone.localdate()
    current = selectors.current_segment(patroller)
    asked = any(key.startswith("check-") for key in request.GET)
    check = roster_forms.EligibilityForm(
        request.GET if asked else None, segments=segments, initial={"start": today, "segment": current}
    )
    check_result = None
    if asked and check.is_valid():
        check_result = _failures_of(
            selectors.eligibility(
                patroller=patroller, segment=check.cleaned_data["segment"], start=check.cleaned_data["start"]
            )
        )
    active = getattr(patroller, "active_assignments", [])
    context = {
        "patroller": patroller,
        "id_number": selectors.id_number_for(user, patroller),
        "phone": selectors.phone_for(user, patroller),
        "age": rules.age_on(patroller.birth_date, today),
        "assignment": active[0] if active else None,
        "contracts": selectors.contracts_of(patroller=patroller),
        "manages": selectors.manages(user, patroller),
        "check": check,
        "check_result": check_result,
    }
    return render(request, "staffing/patroller_detail.html", context)


def _managed_patroller(request: HttpRequest, pk: int) -> Patroller:
    """404 outside scope, 403 for an office that sees the person but did not hire them (谁聘用谁管理)."""
    _roster_offices_only(request.user)
    patroller = selectors.patroller_get(user=request.user, pk=_in_range(pk))
    if not selectors.manages(request.user, patroller):
        raise PermissionDenied
    return patroller


@login_required
def patroller_contract(request: HttpRequest, pk: int) -> HttpResponse:
    """New contract or renewal (第九条): the service runs eligibility (第四条), the term and the overlap rules."""
    user = request.user
    patroller = _managed_patroller(request, pk)
    contracts = list(selectors.contracts_of(patroller=patroller))
    latest = contracts[-1] if contracts else None
    start, end = roster_forms.default_contract_dates(
        latest_end=latest.last_day if latest else None, today=timezone.localdate()
    )
    initial = {"segment": selectors.current_segment(patroller), "start": start, "end": end}
    form = roster_forms.ContractForm(
        request.POST if request.method == "POST" else None, segments=_segments_for(user, patroller), initial=initial
    )
    failures: list = []
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(patroller=patroller, by=user, **form.cleaned_data)
        except ValidationError as error:
            failures = roster_forms.eligibility_failures_of(error)
            roster_forms.add_service_errors(form, error, skip=roster_forms.ELIGIBILITY_CODES)
        else:
            messages.success(
                request,
                _("已签订%(start)s至%(end)s的管护合同，该变动待备案。")
                % {"start": contract.start.isoformat(), "end": contract.end.isoformat()},
            )
            return redirect("staffing-patroller", pk=patroller.pk)
    context = {"patroller": patroller, "form": form, "failures": failures, "latest": latest}
    return render(request, "staffing/contract_form.html", context, status=400 if form.errors or failures else 200)


@login_required
def patroller_resign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    patroller = _managed_patroller(request, pk)
    form = roster_forms.ResignForm(
        request.POST if request.method == "POST" else None, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.patroller_resign(
                patroller=patroller, on=form.cleaned_data["date"], reason=form.cleaned_data["reason"], by=user
            )
        except ValidationError as error:
            roster_forms.add_service_errors(form, error)
        else:
            messages.success(request, _("已登记辞职，并为该河段开放了补聘岗位；该变动待备案。"))
            return redirect("staffing-patroller", pk=patroller.pk)
    return render(
        request, "staffing/resign_form.html", {"patroller": patroller, "form": form}, status=400 if form.errors else 200
    )


def _vacancy_from(request: HttpRequest, raw: str | None) -> Vacancy | None:
    """A vacancy named in the request (to come back to after registering its applicant), if the user sees it."""
    if not raw or not raw.isdigit() or int(raw) > MAX_ID:
        return None
    return selectors.vacancies_visible_to(request.user).filter(pk=int(raw)).first()


@login_required
def patroller_create(request: HttpRequest) -> HttpResponse:
    """Register a candidate: the ID number is checked by the model (GB 11643) and the error shown by the field."""
    user = request.user
    _roster_offices_only(user)
    if not _may_add_patroller(user):
        raise PermissionDenied
    vacancy = _vacancy_from(request, request.POST.get("vacancy") or request.GET.get("vacancy"))
    villages = Village.objects.filter(township__county_id=user.county_id).select_related("township")
    townships = townships_visible_to(user) if user.role == Role.COUNTY_OFFICE else None
    form = roster_forms.PatrollerCreateForm(
        request.POST if request.method == "POST" else None,
        villages=villages.order_by("township__code", "code"),
        townships=townships,
    )
    if request.method == "POST" and form.is_valid():
        try:
            patroller = services.patroller_create(by=user, **form.cleaned_data)
        except ValidationError as error:
            roster_forms.add_service_errors(form, error)
        else:
            messages.success(request, _("已登记%(name)s(候选人员)。") % {"name": patroller.name})
            if vacancy is not None:
                return redirect(f"{reverse('staffing-vacancy', args=[vacancy.pk])}?add-patroller={patroller.pk}")
            return redirect("staffing-patroller", pk=patroller.pk)
    context = {"form": form, "vacancy": vacancy}
    return render(request, "staffing/patroller_form.html", context, status=400 if form.errors else 200)


# --- vacancies and applicants ----------------------------------------------------------------------------------


@login_required
def vacancy_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _roster_offices_only(user)
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


def _township_posted(request: HttpRequest) -> Township:
    """The township an action is for: one picked inside the user's scope (else 404); a township office's own
    when none is named."""
    user = request.user
    if user.role == Role.TOWNSHIP_OFFICE and not request.POST.get("township"):
        return user.township
    township = roster_forms.TownshipPickForm(request.POST, townships=townships_visible_to(user)).chosen_township()
    if township is None:
        raise Http404
    return township


@login_required
@require_POST
def vacancy_open_below_standard(request: HttpRequest) -> HttpResponse:
    user = request.user
    _roster_offices_only(user)
    township = _township_posted(request)
    opened = services.vacancies_open_below_standard(township=township, by=user)
    messages.success(request, _("已开放 %(n)d 个岗位。") % {"n": len(opened)})
    return redirect("staffing-vacancies")


def _candidates_for(user, vacancy: Vacancy, ranking: list) -> QuerySet[Patroller]:
    """People who may still apply: on the vacancy's township roster, not on duty, not applied yet."""
    return (
        selectors.patrollers_visible_to(user)
        .filter(township_id=vacancy.segment.township_id)
        .exclude(status=Patroller.Status.ACTIVE)
        .exclude(pk__in=[a.patroller_id for a in ranking])
        .order_by("name", "id")
    )


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
    context = {
        "vacancy": vacancy,
        "ranking": ranking,
        "may_act": may_act,
        "may_hire": may_act and vacancy.status == Vacancy.Status.OPEN,
        "add_form": add_form,
        "score_form": score_form,
    }
    return render(request, "staffing/vacancy_detail.html", context, status=status)


@login_required
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _roster_offices_only(request.user)
    return _vacancy_page(request, selectors.vacancy_get(user=request.user, pk=_in_range(pk)))


def _vacancy_to_act_on(request: HttpRequest, pk: int) -> Vacancy:
    _roster_offices_only(request.user)
    vacancy = selectors.vacancy_get(user=request.user, pk=_in_range(pk))
    if not selectors.may_act_in_township(request.user, vacancy.segment.township):
        raise PermissionDenied
    return vacancy


@login_required
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
            roster_forms.add_service_errors(form, error)
        else:
            messages.success(request, _("已登记%(name)s报名。") % {"name": form.cleaned_data["patroller"].name})
            return redirect("staffing-vacancy", pk=vacancy.pk)
    return _vacancy_page(request, vacancy, add_form=form, status=400)


@login_required
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
            roster_forms.add_service_errors(form, error)
        else:
            messages.success(request, _("成绩已保存，排名已更新。"))
            return redirect("staffing-vacancy", pk=vacancy.pk)
    return _vacancy_page(request, vacancy, score_form=form, status=400)


@login_required
def vacancy_hire(request: HttpRequest, pk: int, applicant_pk: int) -> HttpResponse:
    """Hire one ranked applicant: the service runs eligibility and the contract rules, then fills the vacancy."""
    user = request.user
    vacancy = _vacancy_to_act_on(request, pk)
    applicant = get_object_or_404(vacancy.applicants.select_related("patroller", "vacancy"), pk=_in_range(applicant_pk))
    start, end = roster_forms.default_contract_dates(latest_end=None, today=timezone.localdate())
    form = roster_forms.HireForm(
        request.POST if request.method == "POST" else None, initial={"start": start, "end": end}
    )
    failures: list = []
    preview = False
    if request.method == "POST":
        if form.is_valid():
            try:
                contract = services.applicant_hire(applicant=applicant, by=user, **form.cleaned_data)
            except ValidationError as error:
                failures = roster_forms.eligibility_failures_of(error)
                roster_forms.add_service_errors(form, error, skip=roster_forms.ELIGIBILITY_CODES)
            else:
                messages.success(
                    request,
                    _("已聘用%(name)s：%(start)s至%(end)s，该变动待备案。")
                    % {"name": applicant.patroller.name, "start": contract.start, "end": contract.end},
                )
                return redirect("staffing-patroller", pk=applicant.patroller_id)
    elif vacancy.status == Vacancy.Status.OPEN:
        # Say before the click what would stop the hire on the proposed start date.
        failures = _failures_of(
            selectors.eligibility(patroller=applicant.patroller, segment=vacancy.segment, start=start)
        )
        preview = bool(failures)
    context = {"vacancy": vacancy, "applicant": applicant, "form": form, "failures": failures, "preview": preview}
    status = 400 if request.method == "POST" and (form.errors or failures) else 200
    return render(request, "staffing/hire_form.html", context, status=status)


# --- roster changes and filing 备案 -----------------------------------------------------------------------------


@login_required
def roster_changes(request: HttpRequest) -> HttpResponse:
    """Changes not yet filed upward, oldest first, and the button that files them with the roster workbook."""
    user = request.user
    _roster_offices_only(user)
    pick = roster_forms.TownshipPickForm(request.GET, townships=townships_visible_to(user))
    township = user.township if user.role == Role.TOWNSHIP_OFFICE else pick.chosen_township()
    township_id = township.pk if township else None
    filings = selectors.roster_filings(user=user, township=township_id)
    latest_filing = None
    filed = request.GET.get("filed") or ""
    if filed.isdigit() and int(filed) <= MAX_ID:
        latest_filing = filings.filter(pk=int(filed)).first()
    context = {
        "pick": pick,
        "show_township": user.role != Role.TOWNSHIP_OFFICE,
        "township": township,
        "changes": selectors.unfiled_changes(user=user, township=township_id),
        "may_file": township is not None and selectors.may_act_in_township(user, township),
        "filings": filings[:20],
        "latest_filing": latest_filing,
    }
    return render(request, "staffing/roster_changes.html", context)


@login_required
@require_POST
def roster_file(request: HttpRequest) -> HttpResponse:
    user = request.user
    _roster_offices_only(user)
    township = _township_posted(request)
    back = f"{reverse('staffing-roster-changes')}?township={township.pk}"
    try:
        filing = services.roster_file(township=township, by=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("已备案 %(n)d 条花名册变动。") % {"n": filing.change_count})
    return redirect(f"{back}&filed={filing.pk}")


@login_required
def roster_filing_download(request: HttpRequest, pk: int) -> FileResponse:
    """The workbook a filing sent upward, as stored when it was filed (masked personal data)."""
    _roster_offices_only(request.user)
    filing = get_object_or_404(selectors.roster_filings(user=request.user), pk=_in_range(pk))
    stamp = timezone.localtime(filing.filed_at).strftime("%Y%m%d-%H%M")
    name = _("巡察员花名册备案-%(township)s-%(stamp)s.xlsx") % {"township": filing.township.name, "stamp": stamp}
    content = filing.file.open("rb") if filing.file else BytesIO(exports.roster_filing_xlsx(filing=filing))
    return FileResponse(content, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
