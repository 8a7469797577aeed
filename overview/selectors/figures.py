"""What the overview shows: the levels, a row's place and figures, the trend and the overview itself."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from assessments.rules import month_text
from staffing import summaries

CITY, COUNTY, TOWNSHIP = "city", "county", "township"
LEVELS = ((CITY, CITY), (COUNTY, COUNTY), (TOWNSHIP, TOWNSHIP))  # the API's `level` (its schema enum)
TREND_MONTHS = 12


@dataclass
class Place:
    id: int | None
    name: str
    kind: str  # "city", "county", "township" or "patroller"


@dataclass
class Staffing:
    floor: int = 0
    standard: int = 0
    actual: int = 0
    below_floor: int = 0


@dataclass
class Figures:
    """The month of one place (or the sums): every count the overview shows."""

    patrollers: int = 0
    patroller_days: int = 0
    days_patrolled: int = 0
    logs: int = 0
    flagged_logs: int = 0
    flags: Counter = field(default_factory=Counter)
    problems_open: int = 0
    problems_overdue: int = 0
    staffing: Staffing | None = None
    assessed: int = 0
    failed: int = 0
    score_sum: int = 0
    open_flags: int = 0
    unfiled_changes: int = 0

    @property
    def patrol_rate(self) -> float | None:
        """Days patrolled / patroller-days under contract (0–1), None without patroller-days."""
        return self.days_patrolled / self.patroller_days if self.patroller_days else None

    @property
    def no_logs_received(self) -> bool:
        """Patroller-days under contract and not one log: shown as "no logs received", not as a bare 0 %."""
        return self.patroller_days > 0 and self.logs == 0 and self.days_patrolled == 0

    @property
    def missing_logs(self) -> int:
        """Patroller-days under contract without a log."""
        return self.patroller_days - self.days_patrolled

    @property
    def average_score(self) -> float | None:
        return self.score_sum / self.assessed if self.assessed else None

    def add(self, other: "Figures") -> None:
        for name in (
            "patrollers",
            "patroller_days",
            "days_patrolled",
            "logs",
            "flagged_logs",
            "problems_open",
            "problems_overdue",
            "assessed",
            "failed",
            "score_sum",
            "open_flags",
            "unfiled_changes",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.flags.update(other.flags)
        if other.staffing is not None:
            mine = self.staffing or Staffing()
            self.staffing = Staffing(
                mine.floor + other.staffing.floor,
                mine.standard + other.staffing.standard,
                mine.actual + other.staffing.actual,
                mine.below_floor + other.staffing.below_floor,
            )


@dataclass
class Row:
    place: Place
    figures: Figures
    # The query string of the level below (None for a patroller) and, for a patroller, their segment.
    down: str | None = None
    segment: str = ""


@dataclass
class TrendPoint:
    month: date
    patrol_rate: float | None
    average_score: float | None
    failed: int
    assessed: int
    no_logs: bool = False  # patroller-days and not one log: "no logs received", not 0 %


@dataclass
class Overview:
    month: date
    through: date  # the last day counted: the month's end, or today for the month in progress
    level: str
    place: Place
    up: str | None  # the query string of the level above, None at the top of the caller's scope
    rows: list[Row]
    totals: Figures
    trend: list[TrendPoint]
    score_hist: list[int]  # assessed patrollers per ten points of total: 0–9, …, 90–100
    staffing_on: date
    county_id: int | None = None
    township_id: int | None = None

    @property
    def in_progress(self) -> bool:
        return self.through < summaries.month_end(self.month)

    @property
    def month_label(self) -> str:
        return month_text(self.month)

    @property
    def flag_codes(self) -> list[str]:
        """Every flag code counted in the month, in the vocabulary's order, then any others."""
        from patrol.rules import FLAG_LABELS

        seen = set(self.totals.flags)
        return [code for code in FLAG_LABELS if code in seen] + sorted(seen - set(FLAG_LABELS))
