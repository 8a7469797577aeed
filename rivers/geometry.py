"""The GeoJSON stored on segments (WGS84 longitude/latitude pairs): its light validation, and the same geometry in
metres (UTM zone 49N, which covers Zhengzhou) for every distance the system measures — never degrees.

Every patrol log and photo on a segment measures against the same geometry, so the projected shape, and what is
built from it (patrol.tracks' edges and index), is kept per process: `cached` holds the last `CACHE_MAX` of them,
keyed by a hash of the geometry itself, so an edited segment is a new key, never a stale shape. The cached objects
are never written to, safe to share between threads.
"""

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
from django.utils.translation import gettext as _

T = TypeVar("T")

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


# --- the geometry in metres ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def to_utm():
    """The WGS84 → UTM 49N transformer, built once per process."""
    from pyproj import Transformer

    # always_xy: GeoJSON and the tracks are (longitude, latitude), whatever the CRS's official axis order.
    return Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True)


def project(lng_lat: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    """WGS84 (lng, lat) pairs → UTM 49N (x, y) metres."""
    if not lng_lat:
        return []
    xs, ys = to_utm().transform([p[0] for p in lng_lat], [p[1] for p in lng_lat])
    return list(zip(xs, ys, strict=True))


CACHE_MAX = 512  # two entries per segment in use (its shape, its line's edges): a county's busy segments
_CACHE: OrderedDict[tuple[str, bytes], Any] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_MISSING = object()


def cached(kind: str, geometry: Any, build: Callable[[Any], T]) -> T:
    """`build(geometry)`, kept per process under (`kind`, the geometry's hash); least recently used out first.
    A geometry that is no JSON (it could not have been stored) is built every time."""
    try:
        text = json.dumps(geometry, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return build(geometry)
    key = (kind, hashlib.blake2b(text.encode(), digest_size=16).digest())
    with _CACHE_LOCK:
        found = _CACHE.get(key, _MISSING)
        if found is not _MISSING:
            _CACHE.move_to_end(key)
            return found
    value = build(geometry)
    with _CACHE_LOCK:
        _CACHE[key] = value
        while len(_CACHE) > CACHE_MAX:
            _CACHE.popitem(last=False)
    return value


def _shape_in_metres(geometry: Any):
    import shapely
    from shapely.geometry import shape

    if not isinstance(geometry, dict):
        return None
    try:
        geom = shape(geometry)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, shapely.errors.ShapelyError):
        return None
    if geom.is_empty:
        return None
    return shapely.transform(geom, lambda coords: np.asarray(project(coords.tolist()), dtype=float))


def in_metres(geometry: Any):
    """The segment's GeoJSON (line, polygon, point) as a shapely geometry in UTM 49N metres, or None when it has
    none that can be read."""
    return cached("metres", geometry, _shape_in_metres)
