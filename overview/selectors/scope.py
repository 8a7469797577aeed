"""Whose overview of which month: the office check, the month asked for and the place in the caller's scope."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import OFFICE_ROLES, Role
from accounts.scope import require_place_in_scope, sees_everything
from overview.selectors.figures import CITY, COUNTY, TOWNSHIP, Overview
from rivers.models import County, Township
from staffing import summaries


def require_office(user) -> None:
    if not (user and user.is_authenticated and (user.is_superuser or user.role in OFFICE_ROLES)):
        raise PermissionDenied(_("只有河长办可以查看总览。"))


def default_month(today: date) -> date:
    """The last complete month."""
    return summaries.month_start(summaries.month_start(today) - timedelta(days=1))


def month_problem(month: date | None, today: date) -> str | None:
    """Why `month` cannot be shown (a month not yet begun), or None."""
    if month is not None and month > summaries.month_start(today):
        return _("月份不能晚于本月。")
    return None


def resolve_scope(*, user, county: int | None = None, township: int | None = None) -> tuple[str, Any]:
    """(level, place) the caller asks for, narrowed to their own scope: a township office always sees its
    township, a county office its county unless it names one of its townships. Outside scope: Http404 — also a
    township office naming a county (even its own) without its township: the county's rows are not its to see."""
    require_office(user)
    require_place_in_scope(user, county_id=county, township_id=township)
    if not sees_everything(user) and user.role == Role.TOWNSHIP_OFFICE and county is not None and township is None:
        raise Http404
    if not sees_everything(user):
        if user.role == Role.TOWNSHIP_OFFICE:
            township = user.township_id
        elif user.role == Role.COUNTY_OFFICE and township is None:
            county = user.county_id
    if township:
        return TOWNSHIP, Township.objects.select_related("county").get(pk=township)
    if county:
        return COUNTY, County.objects.get(pk=county)
    return CITY, None


def up(user, level: str, place) -> str | None:
    """The query string of the level above, when the caller may see it."""
    if level == TOWNSHIP and (sees_everything(user) or user.role == Role.COUNTY_OFFICE):
        return f"county={place.county_id}"
    if level == COUNTY and sees_everything(user):
        return ""
    return None


def query_string(overview_: Overview) -> str:
    """The filters the overview applied (for the links of the page and its workbook)."""
    params = [f"month={overview_.month:%Y-%m}"]
    if overview_.level == TOWNSHIP:
        params.append(f"township={overview_.place.id}")
    elif overview_.level == COUNTY:
        params.append(f"county={overview_.place.id}")
    return "&".join(params)


def month_format_message() -> str:
    return _("月份格式应为 YYYY-MM。")
