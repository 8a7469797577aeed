"""What the review page and its export share: the filters (the township inside the caller's scope, the day or
month)."""

import calendar
from dataclasses import dataclass
from datetime import date

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.web import cleaned, id_field, township_for
from patrol import rules
from rivers.models import Township


class ReviewFilters(forms.Form):
    township = id_field(gettext_lazy("乡镇(街道)"))
    date = forms.DateField(required=False, label=gettext_lazy("日期"))
    month = forms.RegexField(
        required=False,
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        label=gettext_lazy("月份"),
        error_messages={"invalid": gettext_lazy("月份格式应为 YYYY-MM。")},
    )
    flag = forms.ChoiceField(required=False, choices=[("", "")], label=gettext_lazy("核查标记"))

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


def _period_from(values: dict, today: date) -> Period:
    if values.get("month"):
        year, month = (int(part) for part in values["month"].split("-"))
        first = date(year, month, 1)
        return Period(first, date(year, month, calendar.monthrange(year, month)[1]), month=True)
    day = values.get("date") or today
    return Period(day, day, month=False)


def review_request(request: HttpRequest) -> tuple[ReviewFilters, Township, Period, str]:
    filters = ReviewFilters(request.GET)
    values = cleaned(filters)
    township = township_for(request.user, values.get("township"))
    period = _period_from(values, timezone.localdate())
    return filters, township, period, values.get("flag") or ""
