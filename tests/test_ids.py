"""Ids typed by people: digits of other scripts ("²" is a digit to `str.isdigit()` that `int()` refuses, "١٢" one it
reads as 12) are a 400 or the form's error on every page and endpoint, never a server error."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from config.web import IdField, parse_id

# Every query parameter (and posted field) of the pages and the API that names an object by id.
ID_PARAMETERS = (
    "county",
    "township",
    "village",
    "segment",
    "water_body",
    "patroller",
    "vacancy",
    "applicant",
    "assessment",
    "filed",
    "after_id",
    "add-patroller",
    "row",
    "photos",
    "page",
)
NON_ASCII_DIGITS = ("²", "١٢", "１２")  # superscript two, Arabic-Indic 12, fullwidth 12


def test_parse_id_reads_ascii_digits_in_range_only():
    assert parse_id("12") == 12
    assert parse_id(12) == 12
    assert [parse_id(raw) for raw in ("²", "١٢", "１２", "", "0", "-1", "1.0", " 1", str(2**63), None, True)] == [
        None
    ] * 11


def test_an_id_field_refuses_non_ascii_digits_as_its_error():
    field = IdField(required=False)
    assert field.clean("12") == 12
    for raw in NON_ASCII_DIGITS:
        with pytest.raises(Exception, match=r"整数|whole number"):
            field.clean(raw)


def _routes(patterns, prefix: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _concrete(route: str, path_id: str) -> str | None:
    """A path for `route`: its ids `path_id`, its actions a word; None for admin pages and format suffixes."""
    if "format" in route or route.startswith(("admin/", "^admin")):
        return None
    path = re.sub(r"<id:\w+>", "1", route)
    path = re.sub(r"<(?:int|str):\w+>", path_id, path)
    path = re.sub(r"<slug:\w+>", "confirm", path)
    path = re.sub(r"<path:\w+>", "x", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", path_id, path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("\\", "")
    if re.search(r"[()<>\[\]?*+]", path):
        return None
    return "/" + path


def _paths() -> list[str]:
    found = set()
    for route in _routes(get_resolver().url_patterns):
        for path_id in ("1", "²"):
            path = _concrete(route, path_id)
            if path is not None:
                found.add(path)
    return sorted(found)


def test_the_walk_reaches_the_pages_and_endpoints_that_take_ids():
    paths = _paths()
    for expected in ("/staffing/patrollers/", "/staffing/roster/", "/api/v1/patrollers/²/", "/api/v1/staffing/"):
        assert expected in paths
    assert len(paths) > 60


@pytest.mark.parametrize("role", ["city_office", "township_office"])
def test_no_page_or_endpoint_answers_non_ascii_digits_with_a_server_error(cast, segments, role):
    client = Client(raise_request_exception=False)
    failures = []
    for path in _paths():
        client.force_login(cast[role])  # again: the walk also posts to the sign-out pages
        answers = [client.get(path, dict.fromkeys(ID_PARAMETERS, digits)) for digits in ("²", "１２")]
        query = dict.fromkeys(ID_PARAMETERS, "²")  # int() refuses it; "１２" it reads as 12
        if path.startswith("/api/"):
            answers.append(client.post(path, query, content_type="application/json"))
        else:
            answers.append(client.post(path, query))
        failures += [
            f"{answer.request['REQUEST_METHOD']} {path} {answer.request['QUERY_STRING']}"
            for answer in answers
            if answer.status_code >= 500
        ]
    assert not failures, "\n".join(failures)


def test_the_roster_shows_a_superscript_township_as_the_filters_error(cast, web, segments):
    response = web(cast["county_office"]).get("/staffing/patrollers/?township=²")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("url", ["/staffing/roster/?filed=²", "/staffing/patrollers/new/?vacancy=²"])
def test_a_superscript_id_that_only_points_back_is_ignored(cast, web, segments, url):
    """`filed` (the filing just made) and `vacancy` (where to go back after registering) only add a link."""
    response = web(cast["county_office"]).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("command", "args"),
    [("staffing_report", ["--township", "²"]), ("prepare_assessments", ["--month", "2026-01", "--county", "²"])],
)
def test_the_commands_that_take_a_place_by_id_say_they_found_none(db, command, args):
    with pytest.raises(CommandError):
        call_command(command, *args, stdout=io.StringIO())
