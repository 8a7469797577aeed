"""The picture of a log (patrol.track_map): the segment and the track in the same metres, north up, fitted to the
picture; and the track's distance, time and speeds."""

from datetime import date

from patrol import rules, track_map
from tests.factories import EAST, HOME_LINE, LAT, WEST, walk


def points():
    return rules.stored_track(walk(date(2026, 5, 4)))


def test_the_track_along_the_line_is_drawn_over_it_west_to_east_north_up():
    picture = track_map.draw(HOME_LINE, points(), [(7, LAT + 0.001, (WEST + EAST) / 2)])
    assert picture is not None and picture.width == track_map.WIDTH
    assert len(picture.segment_paths) == 1 and picture.track_path.startswith("M")
    assert picture.start[0] < picture.end[0]  # walked due east: left to right
    # Along one latitude: level, but for UTM's grid convergence (about 1.5° this far east of 111°E).
    assert abs(picture.start[1] - picture.end[1]) < 0.03 * (picture.end[0] - picture.start[0])
    ((photo_id, x, y),) = picture.photos
    assert photo_id == 7 and picture.start[0] < x < picture.end[0] and y < picture.start[1]  # north is up
    for px, py in (picture.start, picture.end):
        assert track_map.PAD - 1 <= px <= picture.width - track_map.PAD + 1
        assert 0 <= py <= picture.height
    assert picture.scale_metres in track_map.NICE_METRES and 0 < picture.scale_px < picture.width


def test_a_reservoirs_point_and_a_lakes_outline_are_drawn_too():
    point = track_map.draw({"type": "Point", "coordinates": [WEST, LAT]}, [])
    assert point is not None and len(point.segment_points) == 1 and point.track_path == ""
    ring = [[WEST, LAT], [EAST, LAT], [EAST, LAT + 0.01], [WEST, LAT]]
    lake = track_map.draw({"type": "Polygon", "coordinates": [ring]}, points())
    assert lake.segment_paths[0].endswith("Z") and lake.track_path


def test_nothing_to_draw_is_no_picture():
    assert track_map.draw(None, []) is None
    assert track_map.draw({"type": "LineString", "coordinates": "nonsense"}, []) is None


def test_a_still_phone_is_one_point_not_a_thousand():
    still = rules.stored_track(walk(date(2026, 5, 4), west=WEST, east=WEST, legs=1000, seconds_per_leg=1))
    picture = track_map.draw(HOME_LINE, still)
    assert picture.track_path.count("L") <= 1


def test_the_figures_of_a_walk():
    figures = track_map.figures(points(), max_accuracy_m=50)
    assert figures.points == figures.used == 25
    assert 950 < figures.metres < 1050  # about 1 km along the home line
    assert figures.seconds == 24 * 40
    assert 3.5 < figures.average_kmh < 4.2 and 3.5 < figures.fastest_kmh < 4.2
    inaccurate = track_map.figures(rules.stored_track(walk(date(2026, 5, 4), acc=300)), max_accuracy_m=50)
    assert inaccurate.used == 0 and inaccurate.average_kmh is None
