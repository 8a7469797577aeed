"""Places (city → county → township → village), water bodies and their segments (SPEC §2)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rivers import geometry


class County(models.Model):
    """A county-level unit 县(市、区); the four zones with county powers count as counties."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("市辖区")
        CITY = "city", _("县级市")
        COUNTY = "county", _("县")
        ZONE = "zone", _("功能区")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.DISTRICT)

    class Meta:
        verbose_name = _("县(市、区)")
        verbose_name_plural = _("县(市、区)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Township(models.Model):
    """A township 乡镇(街道): the level that keeps the roster and scores patrollers."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships", verbose_name=_("县(市、区)"))
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    office_phone = models.CharField(
        _("河长办电话"),
        max_length=32,
        blank=True,
        default="",
        help_text=_("巡察员遇到问题时拨打的乡级河长办电话，显示在巡查应用中。"),
    )

    class Meta:
        verbose_name = _("乡镇(街道)")
        verbose_name_plural = _("乡镇(街道)")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="township_name_unique_in_county"),
        ]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("乡镇(街道)")
    )
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)

    class Meta:
        verbose_name = _("村(社区)")
        verbose_name_plural = _("村(社区)")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="village_name_unique_in_township"),
        ]

    def __str__(self) -> str:
        return self.name


class WaterBody(models.Model):
    class Kind(models.TextChoices):
        RIVER = "river", _("河流")
        LAKE = "lake", _("湖泊")
        RESERVOIR = "reservoir", _("水库")

    class SizeClass(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL_1 = "small_1", _("小(1)型")
        SMALL_2 = "small_2", _("小(2)型")

    class Basin(models.TextChoices):
        YELLOW_RIVER = "yellow_river", _("黄河")
        HUAI_RIVER = "huai_river", _("淮河")

    SMALL_RESERVOIR_CLASSES = (SizeClass.SMALL_1, SizeClass.SMALL_2)

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    size_class = models.CharField(_("规模"), max_length=16, choices=SizeClass.choices, blank=True)
    basin = models.CharField(_("流域"), max_length=16, choices=Basin.choices, blank=True)
    length_km = models.DecimalField(_("长度(公里)"), max_digits=8, decimal_places=2, null=True, blank=True)
    # A small reservoir needs 2 patrollers in all (第三条 "小型水库按每个2名配备"), however many townships its
    # segments lie in: the requirement counts in the township that holds its dam (SPEC §3, docs/staffing.md).
    # No index: nothing looks water bodies up by it but the PROTECT check on deleting a township, over a table of a
    # few hundred rows.
    dam_township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("坝址所在乡镇(街道)"),
        help_text=_("水库大坝所在的乡镇(街道)。跨乡镇的小型水库按每座2名配备，计入坝址所在乡镇。"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("河湖库")
        verbose_name_plural = _("河湖库")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="reservoir", size_class__in=["large", "medium", "small_1", "small_2"])
                | (~Q(kind="reservoir") & Q(size_class="")),
                name="water_body_size_class_only_and_always_for_reservoirs",
            ),
            models.CheckConstraint(
                condition=~Q(kind="river") | (Q(length_km__gt=0) & ~Q(basin="")),
                name="water_body_river_has_length_and_basin",
            ),
            models.CheckConstraint(
                condition=Q(length_km__isnull=True) | Q(length_km__gt=0),
                name="water_body_length_positive",
            ),
            models.CheckConstraint(
                condition=Q(dam_township__isnull=True) | Q(kind="reservoir"),
                name="water_body_dam_township_only_for_reservoirs",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_small_reservoir(self) -> bool:
        return self.kind == self.Kind.RESERVOIR and self.size_class in self.SMALL_RESERVOIR_CLASSES

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == self.Kind.RESERVOIR and not self.size_class:
            errors["size_class"] = _("水库必须填写规模(大型、中型、小(1)型、小(2)型)。")
        if self.kind != self.Kind.RESERVOIR and self.size_class:
            errors["size_class"] = _("只有水库有规模。")
        if self.kind == self.Kind.RIVER:
            if self.length_km is None:
                errors["length_km"] = _("河流必须填写长度。")
            if not self.basin:
                errors["basin"] = _("河流必须填写流域(黄河或淮河)。")
        if self.length_km is not None and self.length_km <= 0:
            errors["length_km"] = _("长度必须大于0。")
        if self.dam_township_id is not None and self.kind != self.Kind.RESERVOIR:
            errors["dam_township"] = _("只有水库有坝址。")
        if errors:
            raise ValidationError(errors)


class SegmentQuerySet(models.QuerySet["Segment"]):
    def with_register(self) -> "SegmentQuerySet":
        return self.select_related("water_body", "township__county").prefetch_related("villages")


class Segment(models.Model):
    """A stretch of one water body inside one township: the unit that patrollers are assigned to."""

    class Basis(models.TextChoices):
        LENGTH = "length", _("按长度(每公里1名)")
        VILLAGE = "village", _("按村(每村1名)")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    water_body = models.ForeignKey(
        WaterBody, on_delete=models.PROTECT, related_name="segments", verbose_name=_("河湖库")
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="segments", verbose_name=_("乡镇(街道)")
    )
    villages = models.ManyToManyField(Village, blank=True, related_name="segments", verbose_name=_("途经村"))
    length_km = models.DecimalField(_("长度(公里)"), max_digits=8, decimal_places=2, null=True, blank=True)
    basis = models.CharField(_("配备依据"), max_length=16, choices=Basis.choices, default=Basis.LENGTH)
    required_patrollers = models.PositiveIntegerField(
        _("核定人数"),
        null=True,
        blank=True,
        help_text=_("湖泊和大中型水库由主管河长办核定；河流和小型水库按规则计算，留空。"),
    )
    geometry = models.JSONField(_("空间范围(GeoJSON)"), null=True, blank=True)
    river_chiefs = models.CharField(_("河长"), max_length=255, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = SegmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("河段")
        verbose_name_plural = _("河段")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_km__isnull=True) | Q(length_km__gt=0),
                name="segment_length_positive",
            ),
            models.CheckConstraint(
                condition=Q(required_patrollers__isnull=True) | Q(required_patrollers__gte=1),
                name="segment_required_patrollers_at_least_one",
            ),
        ]
        indexes = [
            # Staffing report and segment lists filter by township (and county through it).
            models.Index(fields=["township", "code"], name="segment_township_code_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        body = self.water_body if self.water_body_id else None
        if body is not None and body.kind == WaterBody.Kind.RIVER:
            if self.length_km is None:
                errors["length_km"] = _("河流河段必须填写长度(公里)。")
            elif self.length_km <= Decimal("0"):
                errors["length_km"] = _("河段长度必须大于0。")
            if self.required_patrollers is not None:
                errors["required_patrollers"] = _("河流河段的人数按长度或途经村计算，不能另行核定。")
        if body is not None and body.kind != WaterBody.Kind.RIVER and self.basis == self.Basis.VILLAGE:
            errors["basis"] = _("只有河流河段可以按村配备。")
        if body is not None and body.is_small_reservoir and self.required_patrollers is not None:
            errors["required_patrollers"] = _("小型水库按每座2名配备，不能另行核定。")
        if self.required_patrollers is not None and self.required_patrollers < 1:
            errors["required_patrollers"] = _("核定人数至少为1。")
        if self.geometry is not None:
            problem = geometry.geojson_problem(self.geometry)
            if problem:
                errors["geometry"] = problem
        if errors:
            raise ValidationError(errors)
