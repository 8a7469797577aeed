"""Light validation of the GeoJSON stored on segments (WGS84 longitude/latitude pairs)."""

from typing import Any

from django.utils.translation import gettext as _

ALLOWED_TYPES = {"LineString", "MultiLineString", "Polygon", "MultiPolygon", "Point"}


def _is_position(value: Any) -> bool:
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        return False
    lng, lat = value[0], value[1]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lng, lat)):
        return False
    return -180 <= lng <= 180 and -90 <= lat <= 90


def _positions(value: Any, depth: int) -> bool:
    """True when `value` is a list nested `depth` levels deep ending in positions."""
    if depth == 0:
        return _is_position(value)
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(_positions(v, depth - 1) for v in value)


_DEPTH = {"Point": 0, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def geojson_problem(value: Any) -> str | None:
    """Return a Chinese message describing what is wrong with a GeoJSON geometry, or None."""
    if not isinstance(value, dict):
        return _("空间范围必须是GeoJSON几何对象。")
    kind = value.get("type")
    if kind not in ALLOWED_TYPES:
        return _("不支持的几何类型：%(kind)s(可用LineString、Polygon、Point等)。") % {"kind": kind}
    coordinates = value.get("coordinates")
    if not _positions(coordinates, _DEPTH[kind]):
        return _("坐标必须是[经度, 纬度]，经度在-180到180之间，纬度在-90到90之间。")
    if kind == "LineString" and len(coordinates) < 2:
        return _("线至少需要两个点。")
    return None
