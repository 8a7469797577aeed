"""What the Content-Security-Policy (config/settings.py) would block in markup, found in a template or a page:
used by tests/test_security.py (templates) and tests/demo/test_pages.py (every page of the demo city)."""

import re

# What the Content-Security-Policy forbids in markup: a <script> without src (a JSON data block such as Django's
# json_script is not run, and allowed), an on…= handler attribute, a javascript: URL, a style attribute or element.
INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
}


def inline_code(html: str) -> list[str]:
    found = []
    for what, pattern in INLINE.items():
        found += [f"{what}: {match.group(0)[:120]!r}" for match in pattern.finditer(html)]
    return found
