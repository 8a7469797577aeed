"""The API's JSON parser (config/parsers.py) at its edges: what it still reads and where it stops. What every
endpoint answers for the bodies it refuses is in the permission matrices (tests/hostile_json.py)."""

import json

import pytest
from rest_framework.exceptions import ParseError

from config.parsers import MAX_DEPTH, MAX_INTEGER_DIGITS, loads


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_nesting_up_to_the_limit_is_read_one_more_level_is_refused():
    assert loads(nested(MAX_DEPTH).encode()) is not None
    with pytest.raises(ParseError, match="嵌套层数过多"):
        loads(nested(MAX_DEPTH + 1).encode())


def test_many_shallow_brackets_are_not_mistaken_for_depth():
    """A 20,000-point track has 20,000 braces and three levels."""
    track = [{"t": "2026-11-20T08:00:00+08:00", "lat": 34.75, "lng": 113.62, "acc": 5.0}] * 20_000
    assert len(loads(json.dumps({"track": track}).encode())["track"]) == 20_000


def test_brackets_inside_strings_do_not_count():
    assert loads(json.dumps({"notes": "[" * 100}).encode()) == {"notes": "[" * 100}


def test_numbers_any_field_can_hold_are_read_as_they_are():
    body = {"id": -(10 ** (MAX_INTEGER_DIGITS - 1)), "big": 10**MAX_INTEGER_DIGITS - 1, "lat": 34.75, "tiny": 1e-300}
    assert loads(json.dumps(body).encode()) == body


@pytest.mark.parametrize("number", ["1e999999", "-1e999999", "NaN", "Infinity", "-Infinity", "9" * 21, "-" + "9" * 21])
def test_numbers_no_field_can_hold_are_refused(number):
    with pytest.raises(ParseError, match="超出范围的数字"):
        loads(f'{{"lat": {number}}}'.encode())


def test_a_surrogate_pair_is_a_character_half_of_one_is_refused():
    assert loads(b'{"notes": "\\ud83d\\ude00"}') == {"notes": "\U0001f600"}
    with pytest.raises(ParseError, match="代理项"):
        loads(b'{"notes": "\\ud83d"}')
    with pytest.raises(ParseError, match="代理项"):
        loads(b'{"\\udc00": 1}')


def test_malformed_json_says_where_and_text_in_another_encoding_says_so():
    with pytest.raises(ParseError, match="第1行第15列"):
        loads(b'{"notes": "x",}')
    with pytest.raises(ParseError, match="utf-8"):
        loads("备注".encode("gbk"))
