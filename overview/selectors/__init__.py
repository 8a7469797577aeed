"""The overview's read model: one office's month at a glance, a row per county (city), township (county) or
patroller (township), with the sums and the twelve-month trend, and the map of the scope's segments.

The API, the page and the workbook all read `overview()` and `segment_map()`. Every figure comes from a fixed number
of queries whatever the number of patrollers:

- patroller-days, days patrolled, logs, flags and scores from the monthly figures kept on write
  (staffing.summaries): the township sums for the city and county levels, the patroller rows for a township;
- problem reports, open dismissal flags and unfiled roster changes counted live (they are few, and "overdue" moves
  with the calendar): one GROUP BY each;
- staffing from staffing's own report on the month's last day (today for the month in progress).

A month in progress counts up to today: patroller-days and patrollers from the per-day sums.

One module per topic: `figures` (the levels and what a row holds), `scope` (whose overview of which month), `sums`
(the monthly sums and the live counts), `levels` (the overview at each level, with its totals and trend) and
`maps` (the segment map). Callers import from here.
"""

from overview.selectors.figures import (
    CITY,
    COUNTY,
    LEVELS,
    TOWNSHIP,
    TREND_MONTHS,
    Figures,
    Overview,
    Place,
    Row,
    Staffing,
    TrendPoint,
)
from overview.selectors.levels import overview
from overview.selectors.maps import SegmentFeature, SegmentMap, segment_map
from overview.selectors.scope import (
    default_month,
    month_format_message,
    month_problem,
    query_string,
    require_office,
    resolve_scope,
)

__all__ = [
    "CITY",
    "COUNTY",
    "LEVELS",
    "TOWNSHIP",
    "TREND_MONTHS",
    "Figures",
    "Overview",
    "Place",
    "Row",
    "SegmentFeature",
    "SegmentMap",
    "Staffing",
    "TrendPoint",
    "default_month",
    "month_format_message",
    "month_problem",
    "overview",
    "query_string",
    "require_office",
    "resolve_scope",
    "segment_map",
]
