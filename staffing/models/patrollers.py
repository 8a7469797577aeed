"""A patroller 巡察员 on a township roster, from candidate to the end of their service, and the checks of their
ID number and phone."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffing import rules


def validate_id_number(value: str) -> None:
    problem = rules.id_number_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_id_number")


def validate_phone(value: str) -> None:
    if not rules.is_mobile_phone(value):
        raise ValidationError(_("手机号码应为11位数字。"), code="invalid_phone")


class Patroller(models.Model):
    """A river patroller 巡察员, from candidate to the end of their service."""

    class Sex(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class HiringLevel(models.TextChoices):
        COUNTY = "county", _("县级聘用")
        TOWNSHIP = "township", _("乡级聘用")

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("候选")
        ACTIVE = "active", _("在岗")
        DISMISSED = "dismissed", _("已辞退")
        RESIGNED = "resigned", _("已辞职")
        EXPIRED = "expired", _("合同期满")

    name = models.CharField(_("姓名"), max_length=32)
    id_number = models.CharField(_("身份证号"), max_length=18, validators=[validate_id_number])
    # Both derived from the ID number in clean(); never entered separately.
    birth_date = models.DateField(_("出生日期"), blank=True)
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11, validators=[validate_phone])
    residence_village = models.ForeignKey(
        "rivers.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("常住村(社区)")
    )
    criminal_record = models.BooleanField(_("受过刑事处罚(本人申报)"), default=False)
    healthy = models.BooleanField(_("身体健康(本人申报)"), default=True)
    poverty_relief = models.BooleanField(_("扶贫对象"), default=False)
    # 谁聘用谁管理: the hiring office manages the person.
    hiring_level = models.CharField(_("聘用层级"), max_length=16, choices=HiringLevel.choices)
    hiring_county = models.ForeignKey(
        "rivers.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("聘用县(市、区)")
    )
    hiring_township = models.ForeignKey(
        "rivers.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("聘用乡镇(街道)"),
    )
    township = models.ForeignKey(
        "rivers.Township", on_delete=models.PROTECT, related_name="patrollers", verbose_name=_("所属乡镇(花名册)")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.CANDIDATE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patroller",
        verbose_name=_("登录账号"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("巡察员")
        verbose_name_plural = _("巡察员")
        ordering = ["township", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                name="patroller_id_number_unique",
                violation_error_message=_("该身份证号已登记。"),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(hiring_level="township", hiring_township__isnull=False)
                | Q(hiring_level="county", hiring_township__isnull=True),
                name="patroller_hiring_township_iff_township_level",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["candidate", "active", "dismissed", "resigned", "expired"]),
                name="patroller_status_valid",
            ),
        ]
        indexes = [
            # Roster lists: one township's patrollers filtered by status, ordered by name.
            models.Index(fields=["township", "status", "name"], name="patroller_township_status_idx"),
            # Phone sync: `?updated_since=` (and `after_id`, config.api.updated_after) ordered by updated_at, id.
            models.Index(fields=["updated_at", "id"], name="patroller_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def managing_office(self) -> tuple[str, int]:
        """("township", id) or ("county", id): the office that hired and manages this person."""
        if self.hiring_level == self.HiringLevel.TOWNSHIP:
            return ("township", self.hiring_township_id)
        return ("county", self.hiring_county_id)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.id_number = rules.normalize_id_number(self.id_number or "")
        info = rules.parse_id_number(self.id_number)
        if info is not None:
            self.birth_date, self.sex = info.birth_date, info.sex
        if self.hiring_level == self.HiringLevel.TOWNSHIP:
            if self.hiring_township_id is None:
                errors["hiring_township"] = _("乡级聘用必须指定聘用乡镇。")
            elif self.township_id and self.hiring_township_id != self.township_id:
                errors["township"] = _("乡级聘用的巡察员只能在聘用乡镇的花名册上。")
        elif self.hiring_level == self.HiringLevel.COUNTY and self.hiring_township_id is not None:
            errors["hiring_township"] = _("县级聘用不指定聘用乡镇。")
        if self.township_id and self.hiring_county_id and self.township.county_id != self.hiring_county_id:
            errors["township"] = _("所属乡镇不在聘用县(市、区)内。")
        if self.user_id and self.user.role != "patroller":
            errors["user"] = _("登录账号的角色必须是巡察员。")
        elif self.user_id and self.township_id and self.user.township_id != self.township_id:
            errors["user"] = _("登录账号所属乡镇(街道)与花名册不一致。")
        if errors:
            raise ValidationError(errors)
