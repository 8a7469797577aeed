"""Helpers of the overview tests: people on other townships' rosters, past months, the API answer."""

from datetime import date, timedelta

from rivers.models import Village
from staffing import rules as staffing_rules
from staffing import services as staffing_services
from staffing import summaries
from tests.patrol.conftest import valid_id


def previous_month(today: date) -> date:
    return summaries.month_start(summaries.month_start(today) - timedelta(days=1))


def hire_in(*, office, segment, village: Village, sequence: str, today: date, start: date | None = None):
    """An active patroller of `office`'s township on `segment` (no login), under contract since `start`."""
    patroller = staffing_services.patroller_create(
        by=office,
        name=f"巡察员{sequence}",
        id_number=valid_id(date(today.year - 45, 1, 1), sequence),
        phone=f"13900000{sequence[-3:]}",
        residence_village=village,
    )
    start = start or today - timedelta(days=60)
    staffing_services.contract_create(
        patroller=patroller,
        segment=segment,
        start=start,
        end=staffing_rules.contract_max_end(start),
        by=office,
        today=today,
    )
    patroller.refresh_from_db()
    return patroller


def row_of(answer: dict, name: str) -> dict:
    return next(row for row in answer["rows"] if row["place"]["name"] == name)
