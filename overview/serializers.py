"""The overview's API answers (API.md): the month of one place with a row per county, township or patroller, the
sums and the twelve-month trend; and the GeoJSON of the scope's segments."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api import id_filter
from overview.selectors import LEVELS


class OverviewQuery(serializers.Serializer):
    month = serializers.CharField(
        required=False, label=_("月份"), help_text=_("YYYY-MM；默认为上一个完整月份。不能晚于本月。")
    )
    county = id_filter(_("县(市、区)"))
    township = id_filter(_("乡镇(街道)"))


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class StaffingSerializer(serializers.Serializer):
    floor = serializers.IntegerField()
    standard = serializers.IntegerField()
    actual = serializers.IntegerField()
    below_floor = serializers.IntegerField(help_text=_("低于底线的河段数"))


class FiguresSerializer(serializers.Serializer):
    patrollers = serializers.IntegerField()
    patroller_days = serializers.IntegerField(help_text=_("在岗人天(合同期内的巡察员天数)"))
    days_patrolled = serializers.IntegerField(help_text=_("有巡查日志的在岗人天"))
    patrol_rate = serializers.FloatField(allow_null=True, help_text=_("days_patrolled / patroller_days，0–1"))
    missing_logs = serializers.IntegerField(help_text=_("没有巡查日志的在岗人天"))
    logs = serializers.IntegerField()
    flagged_logs = serializers.IntegerField()
    flags = serializers.DictField(child=serializers.IntegerField(), help_text=_("{标记代码: 带此标记的日志数}"))
    problems_open = serializers.IntegerField(help_text=_("本月发现、目前未办结的问题"))
    problems_overdue = serializers.IntegerField(help_text=_("其中已超过办理期限的"))
    staffing = StaffingSerializer(allow_null=True)
    assessed = serializers.IntegerField()
    failed = serializers.IntegerField()
    average_score = serializers.FloatField(allow_null=True)
    open_flags = serializers.IntegerField(help_text=_("目前待确认的辞退提示"))
    unfiled_changes = serializers.IntegerField(help_text=_("目前未备案的花名册变动"))


class RowSerializer(FiguresSerializer):
    place = PlaceSerializer()
    segment = serializers.CharField(required=False, help_text=_("巡察员行：所负责的河段"))


class TrendSerializer(serializers.Serializer):
    month = serializers.CharField()
    patrol_rate = serializers.FloatField(allow_null=True)
    average_score = serializers.FloatField(allow_null=True)
    failed = serializers.IntegerField()
    assessed = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer):
    month = serializers.CharField()
    through = serializers.DateField(help_text=_("统计截至日期：月末，本月为今天"))
    level = serializers.ChoiceField(choices=LEVELS, help_text=_("行是县(市、区)、乡镇(街道)还是巡察员"))
    place = PlaceSerializer()
    rows = RowSerializer(many=True)
    totals = FiguresSerializer()
    trend = TrendSerializer(many=True)
    score_distribution = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("已考核人数，按总分每10分一档：0–9、10–19……90–100")
    )
    staffing_date = serializers.DateField()


class SegmentPropertiesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    township = serializers.IntegerField()
    township_name = serializers.CharField()
    patrol_rate = serializers.FloatField(allow_null=True)
    coverage = serializers.FloatField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    patroller_days = serializers.IntegerField()
    days_patrolled = serializers.IntegerField()


class SegmentFeatureSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    geometry = serializers.JSONField()
    properties = SegmentPropertiesSerializer()


class SegmentCollectionSerializer(serializers.Serializer):
    type = serializers.CharField()
    month = serializers.CharField()
    features = SegmentFeatureSerializer(many=True)


def figures_data(figures) -> dict:
    """A Figures as the API writes it (rates as fractions, rounded; flags by code)."""
    staffing = figures.staffing
    return {
        "patrollers": figures.patrollers,
        "patroller_days": figures.patroller_days,
        "days_patrolled": figures.days_patrolled,
        "patrol_rate": _round(figures.patrol_rate, 4),
        "missing_logs": figures.missing_logs,
        "logs": figures.logs,
        "flagged_logs": figures.flagged_logs,
        "flags": dict(sorted(figures.flags.items())),
        "problems_open": figures.problems_open,
        "problems_overdue": figures.problems_overdue,
        "staffing": None
        if staffing is None
        else {
            "floor": staffing.floor,
            "standard": staffing.standard,
            "actual": staffing.actual,
            "below_floor": staffing.below_floor,
        },
        "assessed": figures.assessed,
        "failed": figures.failed,
        "average_score": _round(figures.average_score, 1),
        "open_flags": figures.open_flags,
        "unfiled_changes": figures.unfiled_changes,
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def overview_data(overview) -> dict:
    rows = []
    for row in overview.rows:
        data = {"place": {"id": row.place.id, "name": row.place.name}, **figures_data(row.figures)}
        if row.place.kind == "patroller":
            data["segment"] = row.segment
        rows.append(data)
    return {
        "month": f"{overview.month:%Y-%m}",
        "through": overview.through.isoformat(),
        "level": overview.level,
        "place": {"id": overview.place.id, "name": overview.place.name},
        "rows": rows,
        "totals": figures_data(overview.totals),
        "trend": [
            {
                "month": f"{point.month:%Y-%m}",
                "patrol_rate": _round(point.patrol_rate, 4),
                "average_score": _round(point.average_score, 1),
                "failed": point.failed,
                "assessed": point.assessed,
            }
            for point in overview.trend
        ],
        "score_distribution": list(overview.score_hist),
        "staffing_date": overview.staffing_on.isoformat(),
    }
