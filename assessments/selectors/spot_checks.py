"""The county spot-check draws through the caller's scope."""

from django.db.models import QuerySet

from accounts.scope import scope_filter
from assessments.models import SpotCheckDraw
from assessments.selectors.common import filtered


def spot_check_draws_visible_to(user) -> QuerySet[SpotCheckDraw]:
    """Offices: the draws of their county (a township office sees its county's draws)."""
    return scope_filter(SpotCheckDraw.objects.all(), user, county="county_id", township="county__townships")


def spot_check_draw_list(*, user, filters: dict | None = None) -> QuerySet[SpotCheckDraw]:
    qs = filtered(spot_check_draws_visible_to(user), filters or {}, {"month": "month", "county": "county_id"})
    return qs.select_related("county", "drawn_by").order_by("-month", "county__code")
