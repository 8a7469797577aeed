"""Start-up checks of the roster's settings (`manage.py check`, run by migrate and runserver): a bad value stops
the deploy with a clear message instead of surfacing on the first hire."""

from django.conf import settings
from django.core.checks import Error, register

from staffing import rules


@register()
def river_recruitment_settings(app_configs, **kwargs) -> list[Error]:
    river = getattr(settings, "RIVER", {})
    errors = []
    weights = river.get("APPLICANT_WEIGHTS", {})
    problem = rules.applicant_weights_problem(weights.get("exam"), weights.get("interview"))
    if problem:
        errors.append(Error(f'RIVER["APPLICANT_WEIGHTS"]: {problem}', id="staffing.E001"))
    months = river.get("EXCELLENT_MIN_MONTHS", 10)
    if not isinstance(months, int) or not 1 <= months <= 12:
        errors.append(Error('RIVER["EXCELLENT_MIN_MONTHS"] must be a whole number from 1 to 12', id="staffing.E002"))
    return errors
