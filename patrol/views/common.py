"""What the review page and its export share: the filters, read into the place (the township inside the caller's
scope, or a whole county) and the period (the day or month) of patrol.selectors.review."""

import calendar
from datetime import date

from django import forms
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import require_place_in_scope, whole_county_of
from config.web import WHOLE_COUNTY, TownshipOrWholeCountyField, cleaned, id_field
from patrol import rules
from patrol.selectors import Period, Place
from rivers.models import County, Township
from rivers.selectors import townships_visible_to


class ReviewFilters(forms.Form):
    township = TownshipOrWholeCountyField(label=gettext_lazy("乡镇(街道)"))
    # The whole of a county (links from the overview; the city office): outside scope → 404.
    county = id_field(gettext_lazy("县(市、区)"))
    date = forms.DateField(required=False, label=gettext_lazy("日期"))
    month = forms.RegexField(
        required=False,
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        label=gettext_lazy("月份"),
        error_messages={"invalid": gettext_lazy("月份格式应为 YYYY-MM。")},
    )
    flag = forms.ChoiceField(required=False, choices=[("", "")], label=gettext_lazy("核查标记"))
    # One patroller's logs only (the overview's patroller rows link here); the township's figures stay whole.
    patroller = id_field(gettext_lazy("巡察员"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["flag"].choices = [("", _("全部")), *[(code, label) for code, label in rules.FLAG_LABELS.items()]]


def _place_for(user, wanted: int | str | None, county: int | None) -> Place:
    """The township asked for (inside scope, else 404), or a whole county: the county office's own with
    WHOLE_COUNTY, any county in scope with `county`. Without a choice an office gets the first township of its
    scope (a township office its own)."""
    if wanted == WHOLE_COUNTY:
        wanted, county = None, whole_county_of(user)
    if wanted:
        require_place_in_scope(user, township_id=wanted)
        township = Township.objects.select_related("county").get(pk=wanted)
        return Place(township.county, township)
    if county:
        # A whole county is for the offices above the townships; a township office's scope holds no whole county.
        if user.role not in (Role.COUNTY_OFFICE, Role.CITY_OFFICE) and not user.is_superuser:
            raise Http404
        require_place_in_scope(user, county_id=county)
        return Place(County.objects.get(pk=county))
    township = townships_visible_to(user).select_related("county").order_by("code").first()
    if township is None:
        raise Http404
    return Place(township.county, township)


def _period_from(values: dict, today: date) -> Period:
    if values.get("month"):
        year, month = (int(part) for part in values["month"].split("-"))
        first = date(year, month, 1)
        return Period(first, date(year, month, calendar.monthrange(year, month)[1]), month=True)
    day = values.get("date") or today
    return Period(day, day, month=False)


def review_request(request: HttpRequest) -> tuple[ReviewFilters, Place, Period, str]:
    filters = ReviewFilters(request.GET)
    values = cleaned(filters)
    place = _place_for(request.user, values.get("township"), values.get("county"))
    period = _period_from(values, timezone.localdate())
    return filters, place, period, values.get("flag") or ""
