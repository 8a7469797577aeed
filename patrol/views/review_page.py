"""The review page: one township (or a whole county) over a day or a month, as patrol.selectors.review builds it,
with the office's buttons on the problem reports."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Role
from accounts.permissions import OFFICES
from config.web import roles_required
from patrol import rules
from patrol.models import ProblemReport
from patrol.rules import problems as problem_rules
from patrol.selectors import LOGS_PER_PAGE, build_review, report_photos, thumbnail_url
from patrol.views.common import WHOLE_COUNTY, review_request
from patrol.views.problem_actions import FAILED_FORM
from rivers.selectors import townships_visible_to


@roles_required(OFFICES)
def review(request: HttpRequest) -> HttpResponse:
    filters, place, period, flag = review_request(request)
    patroller = filters.cleaned_data.get("patroller")
    data = build_review(
        user=request.user,
        place=place,
        period=period,
        flag=flag or None,
        page=request.GET.get("page") or 1,
        patroller=patroller,
    )
    today = timezone.localdate()
    query = {**place.query, **period.query, **({"patroller": patroller} if patroller else {})}
    failed = request.session.pop(FAILED_FORM, None)
    problem_rows = [_problem_row(request.user, report, today, failed) for report in data.problems]
    if failed and not any(row["failed"] for row in problem_rows):
        # The form that failed is not on this page (the report moved on, or has no such button any more).
        messages.error(request, " ".join(failed.get("errors") or []))
    only = next((row.patroller for row in data.attendance if row.patroller.pk == patroller), None)
    if only is None and patroller and data.logs:
        only = data.logs[0].log.patroller
    context = {
        "review": data,
        "filters": filters,
        "flag": flag,
        "flag_labels": list(rules.FLAG_LABELS.items()),
        "townships": []
        if request.user.role == Role.TOWNSHIP_OFFICE
        else list(townships_visible_to(request.user).select_related("county").order_by("county__code", "code")),
        "whole_county": request.user.role == Role.COUNTY_OFFICE,
        "WHOLE_COUNTY": WHOLE_COUNTY,
        "page_query": urlencode({**query, **({"flag": flag} if flag else {})}),
        "pages": Paginator(range(data.log_count), LOGS_PER_PAGE).get_page(request.GET.get("page") or 1),
        "today": today,
        "problem_rows": problem_rows,
        "here": request.get_full_path(),
        "only": only,
        "all_query": urlencode({**place.query, **period.query}),
    }
    return render(request, "patrol/review.html", context)


def _problem_row(user, report: ProblemReport, today: date, failed: dict | None = None) -> dict:
    """One problem card; `failed`: the form of this page that failed last (patrol.views.problem_actions)."""
    handles = problem_rules.may_handle(user, report)
    actions = problem_rules.actions_from(report.status) if handles else []
    mine = bool(failed and failed.get("report") == report.pk and failed.get("action") in actions)
    return {
        "report": report,
        "overdue": problem_rules.is_overdue(status=report.status, deadline=report.deadline, today=today),
        "photos": [(photo, thumbnail_url(photo)) for photo in report_photos(report)],
        "resolution_photos": [(photo, thumbnail_url(photo)) for photo in report.resolution_photos.all()],
        "uploaded_photos": list(report.uploaded_photos.all()),
        "actions": [(action, problem_rules.ACTION_LABELS[action]) for action in actions],
        "failed": failed if mine else None,
    }
