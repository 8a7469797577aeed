"""The roster list and its .xlsx, a patroller's page (with the eligibility check), contracts and renewals,
resignation, and registering a new candidate."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import Role, TokenRevocation
from accounts.permissions import OFFICES
from config import xlsx
from config.web import add_service_errors, parse_id, roles_required
from rivers.models import Segment, Village
from rivers.selectors import segments_visible_to, townships_visible_to
from staffing import exports, rules, selectors, services
from staffing import forms as roster_forms
from staffing.models import Patroller, Vacancy
from staffing.views.common import ROSTER_PAGE_SIZE, failures_of


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
    masked_because: str = ""  # why the ID number and phone are masked, naming the managing office; "" in full
    managed_by: str = ""  # that office, when masked


def _roster_row(user, patroller: Patroller, today: date) -> RosterRow:
    return RosterRow(
        patroller=patroller,
        id_number=selectors.id_number_for(user, patroller),
        phone=selectors.phone_for(user, patroller),
        age=rules.age_on(patroller.birth_date, today),
        segment=selectors.current_segment(patroller),
        masked_because=selectors.masked_because(user, patroller),
        managed_by="" if selectors.manages(user, patroller) else selectors.managing_office(patroller),
    )


def _roster_filters(request: HttpRequest) -> tuple[roster_forms.RosterFilterForm, bool]:
    """The filter form; segment choices only when the list is narrowed to one township (a city has thousands)."""
    user = request.user
    segments = segments_visible_to(user).select_related("water_body").defer("geometry").order_by("code")
    narrowed = user.role == Role.TOWNSHIP_OFFICE
    township = parse_id(request.GET.get("township"))
    if not narrowed and township is not None:
        segments, narrowed = segments.filter(township_id=township), True
    form = roster_forms.RosterFilterForm(
        request.GET, townships=townships_visible_to(user), segments=segments if narrowed else segments.none()
    )
    return form, narrowed


@roles_required(OFFICES)
def roster_list(request: HttpRequest) -> HttpResponse:
    user = request.user
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


@roles_required(OFFICES)
def roster_xlsx(request: HttpRequest) -> FileResponse:
    """The filtered roster, every row, as the viewer may see it (masked unless they manage the person)."""
    user = request.user
    filters, _shown = _roster_filters(request)
    patrollers = list(selectors.patroller_list(user=user, filters=filters.selector_filters()))
    today = timezone.localdate()
    rows = [_roster_row(user, p, today) for p in patrollers]
    name = _("巡察员花名册-%(date)s.xlsx") % {"date": today.isoformat()}
    return xlsx.xlsx_response(exports.roster_list_xlsx(rows=rows, on=today), name)


def _segments_for(user, patroller: Patroller):
    """Segments a contract of this person may be on: their roster township's, as far as the user sees them."""
    return (
        segments_visible_to(user)
        .filter(township_id=patroller.township_id)
        .select_related("water_body")
        .defer("geometry")
        .order_by("code")
    )


@roles_required(OFFICES)
def patroller_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    patroller = selectors.patroller_get(user=user, pk=pk)
    segments = _segments_for(user, patroller)
    today = timezone.localdate()
    current = selectors.current_segment(patroller)
    asked = any(key.startswith("check-") for key in request.GET)
    check = roster_forms.EligibilityForm(
        request.GET if asked else None, segments=segments, initial={"start": today, "segment": current}
    )
    check_result = None
    check_notices: list[tuple[str, str]] = []
    if asked and check.is_valid():
        check_result = failures_of(
            selectors.eligibility(
                patroller=patroller, segment=check.cleaned_data["segment"], start=check.cleaned_data["start"]
            )
        )
        check_notices = selectors.eligibility_notices(patroller=patroller, start=check.cleaned_data["start"])
    active = getattr(patroller, "active_assignments", [])
    login = patroller.user if _may_revoke_devices(user) else None
    context = {
        "patroller": patroller,
        "id_number": selectors.id_number_for(user, patroller),
        "phone": selectors.phone_for(user, patroller),
        "masked_because": selectors.masked_because(user, patroller),
        "age": rules.age_on(patroller.birth_date, today),
        "assignment": active[0] if active else None,
        "contracts": selectors.contracts_of(patroller=patroller),
        "manages": selectors.manages(user, patroller),
        "check": check,
        "check_result": check_result,
        "login": login,
        "devices": account_selectors.devices_of(user=login) if login else [],
        "last_sign_out": account_selectors.last_sign_out(user=login) if login else None,
        "check_notices": check_notices,
    }
    return render(request, "staffing/patroller_detail.html", context)


def _may_revoke_devices(user) -> bool:
    # A lost phone is urgent: the township office and the county office above it, whoever hired the patroller.
    return user.role in (Role.TOWNSHIP_OFFICE, Role.COUNTY_OFFICE)


@roles_required(OFFICES)
@require_POST
def patroller_revoke_devices(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the patroller's login out of every phone (a lost phone): 404 outside scope, 403 for other roles."""
    user = request.user
    patroller = selectors.patroller_get(user=user, pk=pk)
    if not _may_revoke_devices(user):
        raise PermissionDenied
    if patroller.user is None:
        messages.error(request, _("该巡察员没有登录账号。"))
    else:
        count = account_services.user_tokens_revoke(user=patroller.user, by=user, reason=TokenRevocation.Reason.OFFICE)
        messages.success(
            request, _("已退出%(name)s在%(count)d台手机上的登录。") % {"name": patroller.name, "count": count}
        )
    return redirect("staffing-patroller", pk=patroller.pk)


def _managed_patroller(request: HttpRequest, pk: int) -> Patroller:
    """404 outside scope, 403 for an office that sees the person but did not hire them (谁聘用谁管理)."""
    patroller = selectors.patroller_get(user=request.user, pk=pk)
    if not selectors.manages(request.user, patroller):
        raise PermissionDenied
    return patroller


@roles_required(OFFICES)
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
            add_service_errors(form, error, skip=roster_forms.ELIGIBILITY_CODES)
        else:
            messages.success(
                request,
                _("已签订%(start)s至%(end)s的管护合同，该变动待备案。")
                % {"start": contract.start.isoformat(), "end": contract.end.isoformat()},
            )
            return redirect("staffing-patroller", pk=patroller.pk)
    checked_start = form.cleaned_data["start"] if form.is_bound and "start" in form.cleaned_data else start
    context = {
        "patroller": patroller,
        "form": form,
        "failures": failures,
        "latest": latest,
        "notices": selectors.eligibility_notices(patroller=patroller, start=checked_start),
    }
    return render(request, "staffing/contract_form.html", context, status=400 if form.errors or failures else 200)


@roles_required(OFFICES)
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
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记辞职，并为该河段开放了补聘岗位；该变动待备案。"))
            return redirect("staffing-patroller", pk=patroller.pk)
    return render(
        request, "staffing/resign_form.html", {"patroller": patroller, "form": form}, status=400 if form.errors else 200
    )


def _vacancy_from(request: HttpRequest, raw: str | None) -> Vacancy | None:
    """A vacancy named in the request (to come back to after registering its applicant), if the user sees it."""
    pk = parse_id(raw)
    if pk is None:
        return None
    return selectors.vacancies_visible_to(request.user).filter(pk=pk).first()


@roles_required(OFFICES)
def patroller_create(request: HttpRequest) -> HttpResponse:
    """Register a candidate: the ID number is checked by the model (GB 11643) and the error shown by the field."""
    user = request.user
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
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记%(name)s(候选人员)。") % {"name": patroller.name})
            if vacancy is not None:
                return redirect(f"{reverse('staffing-vacancy', args=[vacancy.pk])}?add-patroller={patroller.pk}")
            return redirect("staffing-patroller", pk=patroller.pk)
    context = {"form": form, "vacancy": vacancy}
    return render(request, "staffing/patroller_form.html", context, status=400 if form.errors else 200)
