"""The JSON parser of every API endpoint: whatever a client sends, a body it cannot read is a 400 in the error
shape of API.md, never a 500.

Python's json module parses nesting by recursion and answers a deep body (`[[[[…]]]]`, two thousand levels) with a
RecursionError; a body just shallow enough to parse can still overflow the stack later, when DRF's JSONField
serialises it again deeper down the call stack. So nesting is bounded here, well below either: no body of API.md
nests deeper than five levels. Numbers are bounded too: `1e999999` parses as infinity and an integer of thousands
of digits costs quadratic time to convert and overflows a float later (a track point's latitude), so a number
that no field can hold is refused with the rest of the body. NaN and Infinity are not JSON (DRF's strict mode), nor
is half a UTF-16 surrogate pair ("\\ud800").
"""

import json
import math
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deepest nesting of arrays and objects accepted; API.md's deepest body (a track point in a log) has three levels.
MAX_DEPTH = 32
# Longest integer literal accepted, in digits: room for any 64-bit id or count, nothing a float cannot hold.
MAX_INTEGER_DIGITS = 20


class NumberOutOfRange(ValueError):
    pass


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise NumberOutOfRange
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999999
        raise NumberOutOfRange
    return value


def _refuse_constant(name: str) -> None:
    raise NumberOutOfRange  # NaN, Infinity, -Infinity


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than `limit`, walked level by level (no recursion of our own)."""
    level = [data] if isinstance(data, (dict, list)) else []
    for _depth in range(limit):
        below = []
        for node in level:
            children = node.values() if isinstance(node, dict) else node
            below += [child for child in children if isinstance(child, (dict, list))]
        if not below:
            return False
        level = below
    return True


def loads(raw: bytes, encoding: str = "utf-8") -> Any:
    """Parse a request body; ParseError (400) for anything that is not JSON this service can take."""
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise ParseError(_("请求内容不是 %(encoding)s 编码的文字。") % {"encoding": encoding}) from None
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_refuse_constant)
    except NumberOutOfRange:
        raise ParseError(
            _("JSON 中有超出范围的数字(不能是 NaN、Infinity 或超过%(digits)d位的整数)。")
            % {"digits": MAX_INTEGER_DIGITS}
        ) from None
    except RecursionError:
        raise ParseError(_("JSON 嵌套层数过多(最多%(depth)d层)。") % {"depth": MAX_DEPTH}) from None
    except json.JSONDecodeError as exc:
        raise ParseError(
            _("JSON 格式错误(第%(line)d行第%(column)d列)。") % {"line": exc.lineno, "column": exc.colno}
        ) from None
    # Only a body with more brackets than the limit can nest deeper than it: most bodies skip the walk.
    if text.count("[") + text.count("{") > MAX_DEPTH and too_deep(data):
        raise ParseError(_("JSON 嵌套层数过多(最多%(depth)d层)。") % {"depth": MAX_DEPTH})
    # A "\ud800" escape without its pair is no character: stored in a JSONField it would break every page and
    # export that shows it. Only an escape can make one (UTF-8 text cannot), so only such bodies are checked.
    if ("\\ud" in text or "\\uD" in text) and _has_lone_surrogate(data):
        raise ParseError(_("JSON 中有无效的字符(不成对的 UTF-16 代理项)。"))
    return data


def _has_lone_surrogate(data: Any) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the bounds above. The body's size is bounded before this reads it
    (config.limits.RequestLimitsMiddleware: Content-Length required, at most DATA_UPLOAD_MAX_MEMORY_SIZE)."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        return loads(stream.read(), parsers.get_encoding(parser_context or {}))
