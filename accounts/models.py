"""Users, their role (SPEC §1) and the place each one is tied to."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PATROLLER = "patroller", _("巡察员")
    VILLAGE_CHIEF = "village_chief", _("村级河长")
    TOWNSHIP_OFFICE = "township_office", _("乡级河长办")
    COUNTY_OFFICE = "county_office", _("县级河长办")
    CITY_OFFICE = "city_office", _("市河长办")
    SUPERVISOR = "supervisor", _("义务监督员")


OFFICE_ROLES = frozenset({Role.TOWNSHIP_OFFICE, Role.COUNTY_OFFICE, Role.CITY_OFFICE})

# Which place a role must be tied to; the city office sees everything and needs none.
PLACE_FOR_ROLE = {
    Role.PATROLLER: "township",
    Role.VILLAGE_CHIEF: "village",
    Role.TOWNSHIP_OFFICE: "township",
    Role.COUNTY_OFFICE: "county",
    Role.CITY_OFFICE: None,
    Role.SUPERVISOR: "township",
}


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    display_name = models.CharField(_("显示名称"), max_length=64, blank=True)
    county = models.ForeignKey(
        "rivers.County", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("县(市、区)")
    )
    township = models.ForeignKey(
        "rivers.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇(街道)"),
    )
    village = models.ForeignKey(
        "rivers.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("村(社区)")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # The place columns are derived downwards (village → township → county) by user_set_place,
            # so a village-level user always carries its township and county for one-column scoping.
            models.CheckConstraint(
                condition=Q(village__isnull=True) | Q(township__isnull=False),
                name="user_village_has_township",
            ),
            models.CheckConstraint(
                condition=Q(township__isnull=True) | Q(county__isnull=False),
                name="user_township_has_county",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_office(self) -> bool:
        return self.role in OFFICE_ROLES

    def clean(self) -> None:
        super().clean()
        needed = PLACE_FOR_ROLE.get(self.role) if self.role else None
        if needed and getattr(self, f"{needed}_id") is None:
            labels = {"county": _("县(市、区)"), "township": _("乡镇(街道)"), "village": _("村(社区)")}
            raise ValidationError({needed: _("该角色必须指定%(place)s。") % {"place": labels[needed]}})
        if self.village_id and self.township_id and self.village.township_id != self.township_id:
            raise ValidationError({"village": _("村不属于所选乡镇。")})
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            raise ValidationError({"township": _("乡镇不属于所选县(市、区)。")})


class TokenRevocation(models.Model):
    """A sign-out of every device of one user: all their API tokens revoked at once (audit: who, when, why, how
    many). Written by accounts.services only: a password change, "log out all devices", or an office for a lost
    phone."""

    class Reason(models.TextChoices):
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        LOGOUT_ALL = "logout_all", _("本人退出所有设备")
        OFFICE = "office", _("河长办注销设备")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="token_revocations", verbose_name=_("用户"))
    # Empty when the password was changed on the command line (manage.py changepassword).
    by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.CharField(_("原因"), max_length=32, choices=Reason.choices)
    tokens = models.PositiveIntegerField(_("注销的设备数"))

    class Meta:
        verbose_name = _("设备注销记录")
        verbose_name_plural = _("设备注销记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.reason} {self.at:%Y-%m-%d %H:%M}"
