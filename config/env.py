"""Small typed readers for environment variables that fail loudly on a bad value."""

import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name, default)
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a decimal number, got {raw!r}") from None


def applicant_weights_problem(exam_weight: object, interview_weight: object) -> str | None:
    """Why (exam, interview) weights of an applicant's total are unusable, or None: whole percentages from 0 to 100
    adding up to 100 (setting RIVER["APPLICANT_WEIGHTS"]; staffing.rules.applicant_total refuses them too)."""
    weights = (exam_weight, interview_weight)
    if not all(isinstance(w, int) and not isinstance(w, bool) and 0 <= w <= 100 for w in weights):
        return "the exam and interview weights are whole percentages from 0 to 100"
    if exam_weight + interview_weight != 100:
        return f"the exam and interview weights must add up to 100, not {exam_weight + interview_weight}"
    return None


def river_settings_problems(river: dict) -> list[str]:
    """What is wrong with the assessment settings of RIVER taken together (each value may be fine on its own):

    - ASSESSMENT_WEIGHTS: exactly appearance, daily_work and records, none negative, adding up to 100 (a total is
      out of 100);
    - GRADE_BANDS: excellent > good > pass > 0, excellent at most 100 (each grade reachable, in order);
    - PASS_MARK equal to the lower bound of the 合格 band (otherwise a month graded 合格 could fail, or one graded
      不合格 pass, and a dismissal would rest on a result the sheet calls passing);
    - SUGGESTION_REASON_GAP and LOG_LATE_DAYS not negative; SPOT_CHECK_SHARE above 0 and at most 1;
    - APPLICANT_WEIGHTS: whole percentages adding up to 100 (`applicant_weights_problem`); EXCELLENT_MIN_MONTHS a
      whole number from 1 to 12 (months of the year before a renewal).
    """
    problems = []
    weights = river.get("ASSESSMENT_WEIGHTS", {})
    parts = {"appearance", "daily_work", "records"}
    if set(weights) != parts:
        problems.append(f"RIVER['ASSESSMENT_WEIGHTS'] must name exactly {sorted(parts)}, got {sorted(weights)}")
    elif min(weights.values()) < 0 or sum(weights.values()) != 100:
        problems.append(
            "RIVER['ASSESSMENT_WEIGHTS'] (RIVER_WEIGHT_APPEARANCE, RIVER_WEIGHT_DAILY_WORK, RIVER_WEIGHT_RECORDS) "
            f"must be at least 0 and add up to 100, got {weights} (sum {sum(weights.values())})"
        )
    bands = river.get("GRADE_BANDS", {})
    if set(bands) != {"excellent", "good", "pass"}:
        problems.append(f"RIVER['GRADE_BANDS'] must name excellent, good and pass, got {sorted(bands)}")
    else:
        if not 0 < bands["pass"] < bands["good"] < bands["excellent"] <= 100:
            problems.append(
                "RIVER['GRADE_BANDS'] (RIVER_GRADE_PASS, RIVER_GRADE_GOOD, RIVER_GRADE_EXCELLENT) must rise: "
                f"0 < pass < good < excellent <= 100, got {bands}"
            )
        if river.get("PASS_MARK") != bands["pass"]:
            problems.append(
                f"RIVER_PASS_MARK ({river.get('PASS_MARK')}) must equal the lower bound of the 合格 band, "
                f"RIVER_GRADE_PASS ({bands['pass']}): a total graded 合格 must pass and one graded 不合格 must fail"
            )
    for key in ("SUGGESTION_REASON_GAP", "LOG_LATE_DAYS"):
        if key in river and river[key] < 0:
            problems.append(f"RIVER_{key} must not be negative, got {river[key]}")
    share = river.get("SPOT_CHECK_SHARE")
    if share is not None and not 0 < share <= 1:
        problems.append(f"RIVER_SPOT_CHECK_SHARE must be above 0 and at most 1, got {share}")
    if "APPLICANT_WEIGHTS" in river:
        weights = river["APPLICANT_WEIGHTS"]
        problem = applicant_weights_problem(weights.get("exam"), weights.get("interview"))
        if problem:
            problems.append(
                f"RIVER['APPLICANT_WEIGHTS'] (RIVER_APPLICANT_WEIGHT_EXAM, RIVER_APPLICANT_WEIGHT_INTERVIEW): {problem}"
            )
    months = river.get("EXCELLENT_MIN_MONTHS")
    if months is not None and not (isinstance(months, int) and 1 <= months <= 12):
        problems.append(f"RIVER_EXCELLENT_MIN_MONTHS must be a whole number from 1 to 12, got {months}")
    return problems


def check_river_settings(river: dict) -> None:
    """Stop start-up with every problem of river_settings_problems at once."""
    problems = river_settings_problems(river)
    if problems:
        raise ImproperlyConfigured("Inconsistent RIVER settings:\n- " + "\n- ".join(problems))
