"""What the review page, its export and the problem buttons share: offices only, and the filters of the page
and the export (the township inside the caller's scope, the day or month)."""

import calendar
from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.scope import MAX_ID, require_place_in_scope
from patrol import rules
from rivers.models import Township
from rivers.selectors import townships_visible_to


class ReviewFilters(forms.Form):
    township = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=gettext_lazy("乡镇(街道)"))
    date = forms.DateField(required=False, label=gettext_lazy("日期"))
    month = forms.RegexField(
        required=False,
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        label=gettext_lazy("月份"),
        error_messages={"invalid": gettext_lazy("月份格式应为 YYYY-MM。")},
    )
    flag = forms.ChoiceField(required=False, choices=[("", "")], label=gettext_lazy("核查标记"))
    # One patroller's logs only (the overview's patroller rows link here); the township's figures stay whole.
    patroller = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=gettext_lazy("巡察员"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["flag"].choices = [("", _("全部")), *[(code, label) for code, label in rules.FLAG_LABELS.items()]]


@dataclass
class Period:
    first: date
    last: date
    month: bool  # a calendar month, else one day

    @property
    def query(self) -> dict[str, str]:
        return {"month": self.first.strftime("%Y-%m")} if self.month else {"date": self.first.isoformat()}

    @property
    def label(self) -> str:
        if self.month:
            return _("%(year)d年%(month)d月") % {"year": self.first.year, "month": self.first.month}
        return _("%(year)d年%(month)d月%(day)d日") % {
            "year": self.first.year,
            "month": self.first.month,
            "day": self.first.day,
        }


def office_only(user) -> None:
    if not (user.is_authenticated and (user.is_office or user.is_superuser)):
        raise PermissionDenied


def _township_for(user, wanted: int | None) -> Township:
    """The township asked for (inside scope, else 404); a township office always gets its own."""
    if user.role == Role.TOWNSHIP_OFFICE:
        wanted = user.township_id
    if wanted:
        require_place_in_scope(user, township_id=wanted)
        return Township.objects.select_related("county").get(pk=wanted)
    township = townships_visible_to(user).order_by("code").first()
    if township is None:
        raise Http404
    return township


def _period_from(values: dict, today: date) -> Period:
    if values.get("month"):
        year, month = (int(part) for part in values["month"].split("-"))
        first = date(year, month, 1)
        return Period(first, date(year, month, calendar.monthrange(year, month)[1]), month=True)
    day = values.get("date") or today
    return Period(day, day, month=False)


def review_request(request: HttpRequest) -> tuple[ReviewFilters, Township, Period, str]:
    office_only(request.user)
    filters = ReviewFilters(request.GET)
    filters.is_valid()  # an invalid field is shown and left out; the valid ones still apply
    values = filters.cleaned_data
    township = _township_for(request.user, values.get("township"))
    period = _period_from(values, timezone.localdate())
    return filters, township, period, values.get("flag") or ""
