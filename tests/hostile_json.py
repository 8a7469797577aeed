"""Bodies no JSON endpoint may answer with a 500 (issue 10): what the permission matrices send to every endpoint
that takes a body, as a caller allowed to reach it, and what they expect back."""

from urllib.parse import urlsplit

from django.urls import resolve

from config.parsers import MAX_DEPTH, MAX_INTEGER_DIGITS

NESTING = "JSON 嵌套层数过多(最多32层)。"
NUMBER = "JSON 中有超出范围的数字(不能是 NaN、Infinity 或超过20位的整数)。"
SURROGATE = "JSON 中有无效的字符(不成对的 UTF-16 代理项)。"
assert str(MAX_DEPTH) in NESTING and str(MAX_INTEGER_DIGITS) in NUMBER  # the messages track the limits

# (what it is, body, the message of the 400)
BODIES = [
    ("2000 nested arrays (Python's parser recurses past its limit)", "[" * 2000 + "]" * 2000, NESTING),
    ("2000 nested objects", '{"a":' * 2000 + "1" + "}" * 2000, NESTING),
    ("40 nested objects: parses, but deeper than any body of API.md", '{"a":' * 40 + "1" + "}" * 40, NESTING),
    ("a number beyond any float", '{"note": 1e999999}', NUMBER),
    ("NaN", '{"note": NaN}', NUMBER),
    ("an integer of 30 digits", '{"note": ' + "9" * 30 + "}", NUMBER),
    ("half a surrogate pair", '{"note": "\\ud800", "reasons": {"records": "\\udc00x"}}', SURROGATE),
]


# Endpoints that act without reading a body: nothing to parse, nothing to refuse (they answer as usual).
BODILESS_ROUTES = {"auth-logout", "auth-logout-all", "vacancy-cancel"}


def takes_json(url: str, method: str) -> bool:
    """Whether the view behind `url` parses JSON bodies (a photo upload takes multipart only: 415 for JSON)."""
    view = resolve(urlsplit(url).path).func
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    return any(parser.media_type == "application/json" for parser in cls().get_parsers())


def assert_refused(client, method: str, url: str) -> None:
    """Every hostile body to `url` is a 400 naming what is wrong, in the error shape; 415 where JSON is not taken."""
    route = resolve(urlsplit(url).path).url_name
    assert route not in BODILESS_ROUTES, f"{route} reads no body"
    for name, body, message in BODIES:
        response = getattr(client, method)(url, body, content_type="application/json")
        if takes_json(url, method):
            assert response.status_code == 400, (name, response.content.decode()[:300])
            assert response.json() == {"errors": {"non_field_errors": [message]}}, name
        else:
            assert response.status_code == 415, (name, response.content.decode()[:300])
            assert list(response.json()) == ["errors"], name
