"""Roster changes (hire, renewal, dismissal, resignation, expiry, reinstatement) and their filing to the upper
office (备案)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffing.models.contracts import Contract
from staffing.models.patrollers import Patroller


class RosterFiling(models.Model):
    """A filing 备案 of a township roster to the upper river-chief office, covering its unfiled changes."""

    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="roster_filings", verbose_name=_("乡镇(街道)")
    )
    filed_at = models.DateTimeField(_("备案时间"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("备案人")
    )
    change_count = models.PositiveIntegerField(_("变动条数"), default=0)
    file = models.FileField(_("花名册文件"), upload_to="roster-filings/%Y/", blank=True)

    class Meta:
        verbose_name = _("花名册备案")
        verbose_name_plural = _("花名册备案")
        ordering = ["-filed_at", "-id"]
        indexes = [
            # Filing history of one township, newest first.
            models.Index(fields=["township", "-filed_at"], name="filing_township_filed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.township} {self.filed_at:%Y-%m-%d}"


class RosterChange(models.Model):
    """One change of a township roster (hire, renewal, dismissal, resignation, expiry, reinstatement) awaiting
    filing."""

    class Kind(models.TextChoices):
        HIRE = "hire", _("聘用")
        RENEWAL = "renewal", _("续聘")
        DISMISSAL = "dismissal", _("辞退")
        RESIGNATION = "resignation", _("辞职")
        EXPIRY = "expiry", _("合同期满")
        # A dismissal undone: its grounds no longer held (assessments.services.dismissal_reinstate).
        REINSTATEMENT = "reinstatement", _("恢复聘用")

    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="roster_changes", verbose_name=_("乡镇(街道)")
    )
    kind = models.CharField(_("变动类型"), max_length=16, choices=Kind.choices)
    patroller = models.ForeignKey(
        Patroller, on_delete=models.PROTECT, related_name="roster_changes", verbose_name=_("巡察员")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("管护合同")
    )
    date = models.DateField(_("变动日期"))
    filing = models.ForeignKey(
        RosterFiling,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("备案"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("花名册变动")
        verbose_name_plural = _("花名册变动")
        ordering = ["date", "id"]
        indexes = [
            # Unfiled changes of a township, oldest first (the to-do list and the next filing).
            models.Index(
                fields=["township", "date", "id"],
                condition=Q(filing__isnull=True),
                name="rosterchange_unfiled_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.patroller} {self.date}"
