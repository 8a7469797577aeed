"""The segment's geometry in metres (rivers.geometry): one cached projection that the track's coverage and the
photo's distance both measure against."""

import copy

import pytest

from patrol import photo_checks, tracks
from rivers import geometry

LINE = {"type": "LineString", "coordinates": [[113.62, 34.75], [113.631, 34.75], [113.631, 34.758]]}


def test_the_geometry_in_metres_is_projected_once_per_geometry():
    first = geometry.in_metres(LINE)
    assert geometry.in_metres(copy.deepcopy(LINE)) is first
    moved = copy.deepcopy(LINE)
    moved["coordinates"][2][1] = 34.766
    assert geometry.in_metres(moved) is not first
    assert geometry.in_metres(moved).length > first.length + 800


def test_the_track_and_the_photo_checks_measure_the_same_line():
    shape = geometry.in_metres(LINE)
    assert tracks.segment_line(LINE).length == pytest.approx(shape.length, rel=1e-9)
    assert 1000 < shape.length < 2000  # about 1.0 km east, then 0.9 km north
    lng, lat = LINE["coordinates"][1]
    assert photo_checks.distance_to_segment_m(lat, lng, LINE) == pytest.approx(0, abs=1e-6)
    assert photo_checks.distance_to_segment_m(lat - 0.001, lng + 0.001, LINE) == pytest.approx(140, abs=10)


@pytest.mark.parametrize("broken", [None, {"type": "LineString"}, {"type": "Polygon", "coordinates": "x"}, "text"])
def test_a_geometry_that_cannot_be_read_has_no_shape(broken):
    assert geometry.in_metres(broken) is None
    assert tracks.segment_line(broken) is None
