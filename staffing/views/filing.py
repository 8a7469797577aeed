"""Roster changes not yet filed, filing them upward (备案) and the workbook each filing sent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import OFFICES
from config import xlsx
from config.web import parse_id, roles_required
from rivers.selectors import townships_visible_to
from staffing import exports, selectors, services
from staffing import forms as roster_forms
from staffing.views.common import township_posted


@roles_required(OFFICES)
def roster_changes(request: HttpRequest) -> HttpResponse:
    """Changes not yet filed upward, oldest first, and the button that files them with the roster workbook."""
    user = request.user
    pick = roster_forms.TownshipPickForm(request.GET, townships=townships_visible_to(user))
    township = user.township if user.role == Role.TOWNSHIP_OFFICE else pick.chosen_township()
    township_id = township.pk if township else None
    filings = selectors.roster_filings(user=user, township=township_id)
    latest_filing = None
    filed = parse_id(request.GET.get("filed"))
    if filed is not None:
        latest_filing = filings.filter(pk=filed).first()
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


@roles_required(OFFICES)
@require_POST
def roster_file(request: HttpRequest) -> HttpResponse:
    user = request.user
    township = township_posted(request)
    back = f"{reverse('staffing-roster-changes')}?township={township.pk}"
    try:
        filing = services.roster_file(township=township, by=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("已备案 %(n)d 条花名册变动。") % {"n": filing.change_count})
    return redirect(f"{back}&filed={filing.pk}")


@roles_required(OFFICES)
def roster_filing_download(request: HttpRequest, pk: int) -> FileResponse:
    """The workbook a filing sent upward, as stored when it was filed (masked personal data)."""
    filing = get_object_or_404(selectors.roster_filings(user=request.user), pk=pk)
    stamp = timezone.localtime(filing.filed_at).strftime("%Y%m%d-%H%M")
    name = _("巡察员花名册备案-%(township)s-%(stamp)s.xlsx") % {"township": filing.township.name, "stamp": stamp}
    if filing.file:  # as filed: its cells were written through config.xlsx then
        return FileResponse(filing.file.open("rb"), as_attachment=True, filename=name, content_type=xlsx.CONTENT_TYPE)
    return xlsx.xlsx_response(exports.roster_filing_xlsx(filing=filing), name)
