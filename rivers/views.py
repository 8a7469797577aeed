from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from overview.worklist import office_worklist
from rivers import selectors
from rivers.models import WaterBody


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: what waits for an office today (counts in its scope, each linked to its page), then every page."""
    return render(request, "home.html", {"worklist": office_worklist(user=request.user, today=timezone.localdate())})


@login_required
def register(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    if kind not in WaterBody.Kind.values:
        kind = None
    segments = selectors.segment_list(user=request.user)
    if kind:
        segments = segments.filter(water_body__kind=kind)
    page = Paginator(segments, 50).get_page(request.GET.get("page"))
    return render(request, "rivers/register.html", {"page": page, "kind": kind, "kinds": WaterBody.Kind.choices})
