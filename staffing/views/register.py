"""河湖登记: the segments of the register the caller may see. Here rather than in rivers because who holds which
segment is the roster's: a patroller sees the segments assigned to them."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rivers.models import WaterBody
from rivers.selectors import segment_list
from staffing.selectors import segment_ids_assigned_to


@login_required
def register(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    if kind not in WaterBody.Kind.values:
        kind = None
    segments = segment_list(user=request.user, held=segment_ids_assigned_to(user=request.user))
    if kind:
        segments = segments.filter(water_body__kind=kind)
    page = Paginator(segments, 50).get_page(request.GET.get("page"))
    return render(request, "rivers/register.html", {"page": page, "kind": kind, "kinds": WaterBody.Kind.choices})
