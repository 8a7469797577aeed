"""The GPS track measured against its segment: coverage and vehicle speed (SPEC §5 evidence flags). Pure, no ORM.

Phones record about one fix a second, so a morning's patrol is thousands of points, and a track is whatever the
phone (or anyone with a token) sends: a phone lying still for half an hour draws a 1 800-point scribble that
crosses itself at every step. Both checks therefore cost bounded, near-linear work in the number of points and
never build a polygon from the track (buffering such a line took over 30 s):

- **coverage** is the share of the segment's line lying within `buffer_m` metres of the track. It is measured
  exactly, leg by leg: for each leg of the track (two consecutive fixes) and each straight edge of the segment's
  line near it, the part of the edge within `buffer_m` of the leg is one interval (the leg's 50 m "capsule" is
  convex), computed in closed form; the covered length is the length of the union of those intervals. The pairs
  (leg, edge) come from a spatial index of the line's edges (cached with the line), so the work is
  O(n log n + P log P) for n points and P pairs — P ≈ n for a patrol along a river, whose legs each lie near one
  or two edges; at most n × edges for a track of kilometre-long jumps along the whole line.
- **vehicle speed** finds sustained fast runs in one vectorised pass over the legs (`vehicle_speed`).

Geometry is in UTM zone 49N metres (rivers.geometry), never degrees.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from patrol import rules
from rivers import geometry as river_geometry

# --- the segment's line ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SegmentLine:
    """A segment's LineString/MultiLineString in metres, as straight edges — start (x, y), unit direction (ux, uy),
    length, and where each edge begins along the whole line (parts one after the other) — with a spatial index
    of the edges. One-dimensional arrays, one entry per edge."""

    x: np.ndarray
    y: np.ndarray
    ux: np.ndarray
    uy: np.ndarray
    lengths: np.ndarray
    offsets: np.ndarray
    tree: Any  # shapely STRtree of the edges, in the same order

    @property
    def length(self) -> float:
        return float(self.lengths.sum())


def segment_line(geometry: Any) -> SegmentLine | None:
    """The segment's GeoJSON LineString/MultiLineString in metres as edges, or None (no geometry, a lake's polygon,
    a reservoir's point: coverage of a line does not apply). Kept per process with the geometry in metres
    (rivers.geometry.cached): every submission on a segment needs the same line."""
    if not isinstance(geometry, dict):
        return None
    return river_geometry.cached("segment_line", geometry, _segment_line)


def _segment_line(geometry: dict) -> SegmentLine | None:
    import shapely

    shape_m = river_geometry.in_metres(geometry)
    if shape_m is None or shape_m.geom_type not in ("LineString", "MultiLineString"):
        return None
    parts = [shape_m] if shape_m.geom_type == "LineString" else list(shape_m.geoms)
    projected = [np.asarray(part.coords, dtype=float)[:, :2] for part in parts if len(part.coords) >= 2]
    projected = [xy for xy in projected if np.isfinite(xy).all()]
    if not projected:
        return None
    a = np.concatenate([xy[:-1] for xy in projected])
    b = np.concatenate([xy[1:] for xy in projected])
    lengths = np.hypot(*(b - a).T)
    keep = lengths > 0  # a repeated vertex is no edge
    a, b, lengths = a[keep], b[keep], lengths[keep]
    if not len(lengths):
        return None
    offsets = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    tree = shapely.STRtree(shapely.linestrings(np.stack([a, b], axis=1)))
    (ux, uy) = ((b - a) / lengths[:, None]).T
    return SegmentLine(
        x=a[:, 0].copy(), y=a[:, 1].copy(), ux=ux.copy(), uy=uy.copy(), lengths=lengths, offsets=offsets, tree=tree
    )


# --- the track in metres ---------------------------------------------------------------------------------------


def projected(points: Sequence[rules.TrackPoint]) -> np.ndarray:
    """The points' (x, y) in UTM 49N metres, shape (n, 2)."""
    if not points:
        return np.empty((0, 2))
    lng = np.fromiter((p.lng for p in points), dtype=float, count=len(points))
    lat = np.fromiter((p.lat for p in points), dtype=float, count=len(points))
    xs, ys = river_geometry.to_utm().transform(lng, lat)
    return np.column_stack([xs, ys])


# --- coverage ----------------------------------------------------------------------------------------------------


def coverage(geometry: Any, points: Sequence[rules.TrackPoint], *, buffer_m: float) -> float | None:
    """Share (0–1, 4 decimals) of the segment's line lying within `buffer_m` metres of the track (the polyline
    through the points in their order; a single point covers a disc); None when the segment has no line
    geometry. No track covers nothing (0.0)."""
    line = segment_line(geometry)
    if line is None:
        return None
    if not points:
        return 0.0
    xy = projected(points)
    xy = xy[np.isfinite(xy).all(axis=1)]  # a point the projection cannot place (none known) is nowhere near
    if not len(xy):
        return 0.0
    if len(xy) == 1:
        xy = np.concatenate([xy, xy])  # one fix: a leg of length 0, i.e. a disc
    covered = covered_length(line, xy[:-1], xy[1:], buffer_m=buffer_m)
    return round(min(max(covered / line.length, 0.0), 1.0), 4)


# Legs looked up in the edges' index at a time, and (leg, edge) pairs per numpy pass: they bound the memory a
# pathological track can take (kilometre-long legs along a line of a thousand edges) to a few tens of MB.
_LEGS_PER_QUERY = 2048
_PAIRS_PER_PASS = 100_000


def covered_length(line: SegmentLine, p: np.ndarray, q: np.ndarray, *, buffer_m: float) -> float:
    """Length of the line within `buffer_m` of any leg p[i]→q[i]: the union of the per-(leg, edge) intervals."""
    import shapely

    lo = np.minimum(p, q) - buffer_m
    hi = np.maximum(p, q) + buffer_m
    px, py, qx, qy = (np.ascontiguousarray(c) for c in (p[:, 0], p[:, 1], q[:, 0], q[:, 1]))
    union = (np.empty(0), np.empty(0))
    for first in range(0, len(p), _LEGS_PER_QUERY):
        window = slice(first, first + _LEGS_PER_QUERY)
        boxes = shapely.box(lo[window, 0], lo[window, 1], hi[window, 0], hi[window, 1])
        # Candidate pairs by bounding boxes; the intervals are exact, and empty for a pair that is not near.
        legs, edges = line.tree.query(boxes)
        legs += first
        for pair in range(0, len(legs), _PAIRS_PER_PASS):
            leg, edge = legs[pair : pair + _PAIRS_PER_PASS], edges[pair : pair + _PAIRS_PER_PASS]
            t0, t1 = _intervals(line, edge, px[leg], py[leg], qx[leg], qy[leg], buffer_m)
            np.maximum(t0, 0.0, out=t0)
            np.minimum(t1, line.lengths[edge], out=t1)
            ok = t1 > t0
            # Positions along the whole line, edges one after the other: the union needs no grouping by edge.
            offsets = line.offsets[edge[ok]]
            union = _union(np.concatenate([union[0], offsets + t0[ok]]), np.concatenate([union[1], offsets + t1[ok]]))
    return float((union[1] - union[0]).sum())


def _intervals(
    line: SegmentLine,
    edge: np.ndarray,
    px: np.ndarray,
    py: np.ndarray,
    qx: np.ndarray,
    qy: np.ndarray,
    r: float,
) -> tuple[np.ndarray, np.ndarray]:
    """For each pair, the interval [t0, t1] of positions t along the edge's straight line (t = 0 at its start) whose
    distance to the leg p→q is at most r; empty (t0 > t1) when there is none.

    The leg's r-neighbourhood is the union of two discs (around p and q) and a rectangle along p→q; it is convex,
    so its intersection with a line is one interval, from the lowest start to the highest end of the pieces'."""
    ax, ay, ux, uy = line.x[edge], line.y[edge], line.ux[edge], line.uy[edge]
    # The leg in the edge's frame: x along the edge, y across it (to the left).
    dx, dy = px - ax, py - ay
    p_along, p_across = dx * ux + dy * uy, dy * ux - dx * uy
    dx, dy = qx - ax, qy - ay
    q_along, q_across = dx * ux + dy * uy, dy * ux - dx * uy
    lo, hi = _disc(p_along, p_across, r)
    q_lo, q_hi = _disc(q_along, q_across, r)
    np.minimum(lo, q_lo, out=lo)
    np.maximum(hi, q_hi, out=hi)
    # The rectangle: points X = (x, 0) with 0 ≤ (X − p)·w ≤ d and |(X − p)·m| ≤ r, w the leg's unit direction, m
    # its normal, d its length. Each condition is a slab, linear in x: a·x + b between two bounds.
    wx, wy = q_along - p_along, q_across - p_across
    d = np.hypot(wx, wy)
    has_length = d > 0
    safe = np.where(has_length, d, 1.0)
    wx /= safe
    wy /= safe
    s0, s1 = _slab(wx, -(p_along * wx + p_across * wy), 0.0, d)
    c0, c1 = _slab(-wy, p_along * wy - p_across * wx, -r, r)
    np.maximum(s0, c0, out=s0)
    np.minimum(s1, c1, out=s1)
    rectangle = has_length & (s0 <= s1)
    np.minimum(lo, np.where(rectangle, s0, np.inf), out=lo)
    np.maximum(hi, np.where(rectangle, s1, -np.inf), out=hi)
    return lo, hi


def _disc(along: np.ndarray, across: np.ndarray, r: float) -> tuple[np.ndarray, np.ndarray]:
    """Where the x-axis crosses the disc of radius r around (along, across): (x − along)² + across² ≤ r²; an
    empty interval (inf, −inf) where it does not."""
    square = r * r - across * across
    inside = square >= 0
    half = np.sqrt(np.maximum(square, 0.0))
    return np.where(inside, along - half, np.inf), np.where(inside, along + half, -np.inf)


def _slab(a: np.ndarray, b: np.ndarray, low, high) -> tuple[np.ndarray, np.ndarray]:
    """The x with low ≤ a·x + b ≤ high: an interval, everything (a = 0, b inside) or nothing (a = 0, b outside)."""
    flat = np.abs(a) < 1e-12
    safe = np.where(flat, 1.0, a)
    x0, x1 = (low - b) / safe, (high - b) / safe
    start, end = np.minimum(x0, x1), np.maximum(x0, x1)
    if flat.any():
        inside = ((low <= b) & (b <= high))[flat]
        start[flat] = np.where(inside, -np.inf, np.inf)
        end[flat] = np.where(inside, np.inf, -np.inf)
    return start, end


def _union(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The union of the intervals [starts[i], ends[i]] as disjoint intervals in order (touching ones merged)."""
    if not len(starts):
        return starts, ends
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)  # the furthest end of the intervals up to each one
    opens = np.concatenate([[True], starts[1:] > reach[:-1]])  # a new piece starts beyond everything before it
    first = np.flatnonzero(opens)
    last = np.concatenate([first[1:] - 1, [len(starts) - 1]])
    return starts[first], reach[last]


# --- vehicle speed -------------------------------------------------------------------------------------------------

# A run of fast legs is "sustained" (a vehicle, not GPS jitter or a few running steps) when it lasts at least
# this long or covers at least this distance; every leg of it and its net displacement must be over the limit.
SUSTAINED_SECONDS = 60
SUSTAINED_METRES = 1000


def vehicle_speed(points: Sequence[rules.TrackPoint], *, limit_kmh: float, max_accuracy_m: float) -> bool:
    """True when the track shows a sustained speed over `limit_kmh`.

    Points less accurate than `max_accuracy_m` are dropped. Consecutive legs each faster than the limit form a
    run; the run counts when its straight-line (net) speed is also over the limit — back-and-forth jitter has
    fast legs but no net movement — and it lasts ≥ SUSTAINED_SECONDS or covers ≥ SUSTAINED_METRES. Legs with
    no elapsed time end a run (two fixes in the same second say nothing about speed).

    One pass over all the legs at once: each fast leg knows where its run started (a running maximum of run
    starts), so the run's duration, distance and net speed up to that leg are array arithmetic.
    """
    kept = rules.usable(points, max_accuracy_m=max_accuracy_m)
    if len(kept) < 2:
        return False
    xy = projected(kept)
    first = kept[0].t
    t = np.fromiter(((p.t - first).total_seconds() for p in kept), dtype=float, count=len(kept))
    limit = limit_kmh / 3.6  # m/s
    seconds = np.diff(t)
    metres = np.hypot(*np.diff(xy, axis=0).T)
    positive = seconds > 0
    fast = positive & (metres / np.where(positive, seconds, 1.0) > limit)
    if not fast.any():
        return False
    legs = np.arange(len(fast))  # leg i goes from point i to point i + 1
    opens = fast & ~np.concatenate([[False], fast[:-1]])
    start = np.maximum.accumulate(np.where(opens, legs, 0))  # the first point of leg i's run
    walked = np.concatenate([[0.0], np.cumsum(metres)])
    run_metres = walked[legs + 1] - walked[start]
    duration = t[legs + 1] - t[start]
    net = np.hypot(*(xy[legs + 1] - xy[start]).T)
    net_fast = net / np.where(duration > 0, duration, 1.0) > limit
    sustained = (duration >= SUSTAINED_SECONDS) | (run_metres >= SUSTAINED_METRES)
    return bool((fast & net_fast & sustained).any())
