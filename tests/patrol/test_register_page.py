"""河湖登记 for a patroller: the segments they hold, nobody else's (the register page reads who holds which segment
from the roster, a layer above the register)."""


def test_a_patroller_sees_the_segment_they_hold_and_no_other(web, cast, segments, hire_patroller):
    hire_patroller(cast["patroller"])

    page = web(cast["patroller"]).get("/register/").content.decode()

    assert segments["home"].code in page
    assert segments["neighbour"].code not in page


def test_a_patroller_without_a_segment_sees_an_empty_register(web, cast, segments):
    page = web(cast["patroller"]).get("/register/").content.decode()

    assert segments["home"].code not in page
