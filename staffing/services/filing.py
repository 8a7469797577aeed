"""Filing the township roster upward (备案): every roster change not yet filed, with the roster workbook."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from config.objectstore import durable_with_files
from rivers.models import Township
from staffing import exports
from staffing.models import RosterChange, RosterFiling
from staffing.services.common import NON_FIELD, require_township_office, save


def roster_file(*, township: Township, by, now: datetime | None = None) -> RosterFiling:
    """File the township roster upward (备案): every change not yet filed is covered by this filing.

    The filing's workbook is stored inside the filing's own transaction and removed again if it does not commit
    (config.objectstore.durable_with_files): no workbook without its filing in the store."""
    with durable_with_files() as keep:
        return _roster_file(township=township, by=by, now=now, keep=keep)


def _roster_file(*, township: Township, by, now: datetime | None, keep) -> RosterFiling:
    require_township_office(by, township)
    changes = list(
        RosterChange.objects.select_for_update().filter(township=township, filing__isnull=True).order_by("date", "id")
    )
    if not changes:
        raise ValidationError({NON_FIELD: [_("没有待备案的花名册变动。")]})
    filing = RosterFiling(township=township, filed_at=now or timezone.now(), filed_by=by, change_count=len(changes))
    save(filing)
    RosterChange.objects.filter(pk__in=[change.pk for change in changes]).update(filing=filing)

    stamp = timezone.localtime(filing.filed_at).strftime("%Y%m%d-%H%M%S")
    content = ContentFile(exports.roster_filing_xlsx(filing=filing))
    filing.file.save(f"roster-{township.code}-{stamp}.xlsx", content, save=False)
    keep(filing.file)
    filing.save(update_fields=["file"])
    return filing
