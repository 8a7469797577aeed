"""One demo city for the whole package: `manage.py seed_demo --force` (the documented default password, three months
of patrol logs as in a real demo: the assessments score the last two settled months from them) runs once, and
every test of the four modules reads it: the register and logins (test_register), the patrol logs
(test_patrol_logs), the assessments (test_assessments) and every page as the demo logins see it (test_pages).
Tests of a second run run it inside their own transaction, rolled back after them.

The modules share the `demo-city` xdist group, so one worker seeds the city once; the seed is rolled back after the
package's last test.
"""

import io
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from patrol.demo import seed as demo_seed
from tests.factories import kept_for_module


@dataclass(frozen=True)
class DemoCity:
    output: str  # what the command printed
    started: datetime  # the seed's own "now" is this or later: a second run of the logs up to it adds nothing
    days: int  # of patrol logs


@pytest.fixture(scope="package")
def demo_city(django_db_setup, django_db_blocker) -> DemoCity:
    with kept_for_module(django_db_blocker):
        started = timezone.now()
        out = io.StringIO()
        call_command("seed_demo", "--force", stdout=out)
        yield DemoCity(output=out.getvalue(), started=started, days=demo_seed.DAYS)
