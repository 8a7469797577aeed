"""The audit trail of important writes: who changed what, when, from which value to which, and why; and the fields
every such record has (`AuditRecord`, also the assessments' own history)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    """A record of one change: who, when, from which value to which, and why. The concrete record names what
    changed and how (its `action`), and is never edited or deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    old = models.JSONField(_("原值"), null=True, blank=True)
    new = models.JSONField(_("新值"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class AuditEntry(AuditRecord):
    """Who changed what, when, from which value to which, and why (contract changes and the like)."""

    entity = models.CharField(_("对象类型"), max_length=32)
    entity_id = models.PositiveBigIntegerField(_("对象编号"))
    action = models.CharField(_("操作"), max_length=32)

    class Meta(AuditRecord.Meta):
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        indexes = [
            # History of one object (a contract's page), in order.
            models.Index(fields=["entity", "entity_id", "at"], name="audit_entity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity}#{self.entity_id} {self.action}"
