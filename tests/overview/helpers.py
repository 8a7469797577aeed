"""Helpers of the overview tests: past months, the API answer."""

from datetime import date, timedelta

from staffing import summaries


def previous_month(today: date) -> date:
    return summaries.month_start(summaries.month_start(today) - timedelta(days=1))


def row_of(answer: dict, name: str) -> dict:
    return next(row for row in answer["rows"] if row["place"]["name"] == name)
