from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from staffing import selectors


@login_required
def staffing_report(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_office or request.user.is_superuser):
        raise PermissionDenied
    on: date = parse_date(request.GET.get("date") or "") or timezone.localdate()
    report = selectors.staffing_report(user=request.user, on=on)
    return render(request, "staffing/report.html", {"report": report})
