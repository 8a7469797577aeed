"""The log's track drawn over its segment, as SVG drawn on the server (no tiles, no internet, no script): the
segment's GeoJSON and the GPS points projected to UTM 49N metres (rivers.geometry.project, the same frame the coverage
is measured in), fitted into a fixed-width picture with grid north up (within 2° of true north in Zhengzhou), plus
where each photo was taken and a scale bar. Also the track's distance, duration and speeds (pure, no ORM)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from patrol import rules, tracks
from rivers import geometry

WIDTH = 800
MIN_HEIGHT, MAX_HEIGHT = 260, 640
PAD = 24
NICE_METRES = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000)


@dataclass
class TrackMap:
    width: int
    height: int
    segment_paths: list[str] = field(default_factory=list)  # SVG path data of the segment's lines and outlines
    segment_points: list[tuple[float, float]] = field(default_factory=list)  # a reservoir's or dam's point
    track_path: str = ""
    start: tuple[float, float] | None = None
    end: tuple[float, float] | None = None
    photos: list[tuple[int, float, float]] = field(default_factory=list)  # photo id, x, y
    scale_metres: int = 0
    scale_px: float = 0.0

    @property
    def scale_label(self) -> str:
        return f"{self.scale_metres // 1000} km" if self.scale_metres >= 1000 else f"{self.scale_metres} m"


def _parts(geometry: Any) -> tuple[list[list], list[list], list]:
    """(lines, rings, points) of a GeoJSON geometry as lists of [lng, lat]; nothing for anything unreadable."""
    if not isinstance(geometry, dict):
        return [], [], []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    try:
        if kind == "LineString":
            return [coordinates], [], []
        if kind == "MultiLineString":
            return list(coordinates), [], []
        if kind == "Polygon":
            return [], list(coordinates), []
        if kind == "MultiPolygon":
            return [], [ring for polygon in coordinates for ring in polygon], []
        if kind == "Point":
            return [], [], [coordinates]
        if kind == "GeometryCollection":
            lines, rings, points = [], [], []
            for part in geometry.get("geometries") or []:
                more = _parts(part)
                lines += more[0]
                rings += more[1]
                points += more[2]
            return lines, rings, points
    except TypeError:
        pass
    return [], [], []


def _projected(lng_lat: Sequence) -> np.ndarray:
    try:
        xy = np.asarray(geometry.project([(float(p[0]), float(p[1])) for p in lng_lat]), dtype=float)
    except (TypeError, ValueError, IndexError):
        return np.empty((0, 2))
    if xy.ndim != 2 or not len(xy):
        return np.empty((0, 2))
    return xy[np.isfinite(xy).all(axis=1)]


def _path(xy: np.ndarray, *, closed: bool = False) -> str:
    """SVG path data, at 0.1 px, without repeated points (a still phone's thousand fixes are one point)."""
    if not len(xy):
        return ""
    rounded = np.round(xy, 1)
    keep = np.concatenate([[True], (np.diff(rounded, axis=0) != 0).any(axis=1)])
    rounded = rounded[keep]
    text = "M" + " L".join(f"{x:g},{y:g}" for x, y in rounded)
    if len(rounded) == 1:
        text += " l0,0"  # a single fix still draws (round line caps)
    return text + (" Z" if closed else "")


def draw(
    geometry: Any, points: Sequence[rules.TrackPoint], photos: Sequence[tuple[int, float, float]] = ()
) -> TrackMap | None:
    """The picture of a log: `geometry` the segment's GeoJSON, `points` the stored track, `photos` (id, lat, lng)
    of the photos with a position. None when there is nothing to draw at all."""
    lines, rings, spots = _parts(geometry)
    line_xy = [_projected(line) for line in lines]
    ring_xy = [_projected(ring) for ring in rings]
    spot_xy = _projected(spots)
    track_xy = tracks.projected(list(points)) if points else np.empty((0, 2))
    track_xy = track_xy[np.isfinite(track_xy).all(axis=1)] if len(track_xy) else track_xy
    photo_xy = _projected([(lng, lat) for _pk, lat, lng in photos]) if photos else np.empty((0, 2))
    every = [xy for xy in [*line_xy, *ring_xy, spot_xy, track_xy, photo_xy] if len(xy)]
    if not every:
        return None
    stacked = np.concatenate(every)
    low, high = stacked.min(axis=0), stacked.max(axis=0)
    span = np.maximum(high - low, 1.0)  # one point still makes a picture
    aspect = span[1] / span[0]
    height = int(min(max(round((WIDTH - 2 * PAD) * aspect + 2 * PAD), MIN_HEIGHT), MAX_HEIGHT))
    scale = min((WIDTH - 2 * PAD) / span[0], (height - 2 * PAD) / span[1])
    centre = (low + high) / 2

    def to_px(xy: np.ndarray) -> np.ndarray:
        if not len(xy):
            return xy
        x = WIDTH / 2 + (xy[:, 0] - centre[0]) * scale
        y = height / 2 - (xy[:, 1] - centre[1]) * scale  # north up
        return np.column_stack([x, y])

    picture = TrackMap(width=WIDTH, height=height)
    picture.segment_paths = [_path(to_px(xy)) for xy in line_xy if len(xy)]
    picture.segment_paths += [_path(to_px(xy), closed=True) for xy in ring_xy if len(xy)]
    picture.segment_points = [(round(x, 1), round(y, 1)) for x, y in to_px(spot_xy)]
    if len(track_xy):
        px = to_px(track_xy)
        picture.track_path = _path(px)
        picture.start = (round(px[0, 0], 1), round(px[0, 1], 1))
        picture.end = (round(px[-1, 0], 1), round(px[-1, 1], 1))
    if len(photo_xy):
        kept = [(pk, lat, lng) for pk, lat, lng in photos]
        picture.photos = [(kept[i][0], round(x, 1), round(y, 1)) for i, (x, y) in enumerate(to_px(photo_xy))]
    # A scale bar of a round length, about a fifth of the picture.
    target = (WIDTH / 5) / scale
    picture.scale_metres = max((m for m in NICE_METRES if m <= target), default=NICE_METRES[0])
    picture.scale_px = round(picture.scale_metres * scale, 1)
    return picture


@dataclass(frozen=True)
class TrackFigures:
    points: int  # every fix received
    used: int  # fixes accurate enough to measure with
    metres: float
    seconds: float
    average_kmh: float | None
    fastest_kmh: float | None  # the fastest leg between two accurate fixes at least a second apart


def figures(points: Sequence[rules.TrackPoint], *, max_accuracy_m: float) -> TrackFigures:
    """Distance walked, time taken and speeds, measured on the fixes accurate enough (as the vehicle check does)."""
    kept = rules.usable(points, max_accuracy_m=max_accuracy_m)
    if len(kept) < 2:
        return TrackFigures(len(points), len(kept), 0.0, 0.0, None, None)
    xy = tracks.projected(kept)
    legs = np.hypot(*np.diff(xy, axis=0).T)
    times = np.fromiter(((p.t - kept[0].t).total_seconds() for p in kept), dtype=float, count=len(kept))
    seconds = np.diff(times)
    metres = float(legs.sum())
    total = float(times[-1] - times[0])
    timed = seconds >= 1
    fastest = float((legs[timed] / seconds[timed]).max() * 3.6) if timed.any() else None
    average = metres / total * 3.6 if total > 0 else None
    if fastest is not None and not math.isfinite(fastest):
        fastest = None
    return TrackFigures(len(points), len(kept), metres, total, average, fastest)
