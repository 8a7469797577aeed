"""The interface speaks Simplified Chinese by default and English on request (SPEC §8, API.md "Errors").

The Chinese text is the msgid everywhere; locale/en/LC_MESSAGES/django.po holds the English, and django.mo is
committed beside it so that a machine without gettext still serves English. `make messages` refreshes both.
The catalogue is read the way Django reads it, from the compiled django.mo (Python's `gettext`); the .po file is
checked with the GNU gettext tools (`msgattrib`, `msgfmt`, `msginit`, `xgettext`), as `make messages` needs them.
"""

import gettext as gnu_gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import templatize

from tests.factories import CHINESE, PASSWORD

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# The language switcher names each language in that language, so this one stays Chinese on English pages.
LANGUAGE_NAME = "简体中文"
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifr%])")
# What `make messages` leaves out of the catalogue (the Makefile's --ignore list), plus what never holds UI text.
NOT_SOURCE = {".venv", "staticfiles", "bench", "tests", "locale", "media", "docs", "node_modules"}
TOOLS = {name: shutil.which(name) for name in ("msgattrib", "msgfmt", "msginit", "xgettext")}
needs_gettext = pytest.mark.skipif(not all(TOOLS.values()), reason="needs GNU gettext (apt-get install gettext)")


def gettext_tool(name: str, *args: str) -> str:
    """The standard output of one of the GNU gettext tools (found on PATH) run on our own files."""
    return subprocess.run(  # noqa: S603 - a gettext tool found on PATH, our own files as arguments
        [TOOLS[name], *args], capture_output=True, check=True, text=True, encoding="utf-8"
    ).stdout


def catalogue(path: Path = COMPILED) -> dict:
    """A compiled catalogue as Python's gettext reads it: msgid → English; "context\x04msgid" for a message with a
    context; (msgid, n) → the n-th plural form. The header (msgid "") left out."""
    with path.open("rb") as compiled:
        messages = dict(gnu_gettext.GNUTranslations(compiled)._catalog)
    messages.pop("", None)
    return messages


def msgid_of(key) -> str:
    """The Chinese text of a catalogue key (without its context or plural index)."""
    text = key[0] if isinstance(key, tuple) else key
    return text.rpartition("\x04")[2]


def placeholders(text: str) -> list[tuple[str | None, str]]:
    return sorted((name, kind) for name, kind in PLACEHOLDER.findall(text))


# The catalogue


def test_catalogue_exists_with_its_compiled_copy():
    assert CATALOGUE.is_file()
    assert COMPILED.is_file()
    assert len(catalogue()) > 500


@needs_gettext
@pytest.mark.parametrize("which", ["--untranslated", "--only-fuzzy", "--only-obsolete"])
def test_every_message_has_an_english_translation_and_none_is_fuzzy_or_obsolete(which):
    """msgattrib prints the entries of the .po that are untranslated, fuzzy (the header included) or obsolete."""
    assert gettext_tool("msgattrib", which, "--no-wrap", str(CATALOGUE)) == ""


def test_plural_messages_have_a_singular_and_a_plural_english_form():
    plurals: dict[str, dict[int, str]] = {}
    for key, text in catalogue().items():
        if isinstance(key, tuple):
            plurals.setdefault(key[0], {})[key[1]] = text
    assert plurals, "the page counters use {% blocktranslate count %}"
    for msgid, forms in plurals.items():
        assert sorted(forms) == [0, 1], msgid
        assert forms[0] != forms[1], msgid


def test_translations_keep_every_placeholder_of_the_chinese_text():
    changed = [(key, text) for key, text in catalogue().items() if placeholders(text) != placeholders(msgid_of(key))]
    assert changed == []


def test_translations_contain_no_chinese_text():
    leftover = [(key, text) for key, text in catalogue().items() if CHINESE.search(text)]
    assert leftover == []


@needs_gettext
def test_compiled_catalogue_matches_the_po_file(tmp_path):
    """A stale django.mo would serve old English: recompile with `make messages` after editing the .po."""
    fresh = tmp_path / "django.mo"
    gettext_tool("msgfmt", "--check", "-o", str(fresh), str(CATALOGUE))

    committed, compiled = catalogue(), catalogue(fresh)
    stale = sorted(
        {msgid_of(key) for key in committed.keys() | compiled.keys() if committed.get(key) != compiled.get(key)}
    )
    assert stale == []


@needs_gettext
def test_every_text_marked_in_the_code_is_in_the_catalogue(tmp_path):
    """Extracts the marked strings the way makemessages does and looks each one up in the compiled catalogue."""
    base = Path(settings.BASE_DIR)
    sources = []
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base)
        if relative.parts[0] in NOT_SOURCE or path.suffix not in (".py", ".html", ".txt") or not path.is_file():
            continue
        if path.suffix == ".py":
            sources.append(str(path))
            continue
        # Templates become Python with gettext calls, as makemessages does with them.
        target = tmp_path / relative.with_name(relative.name + ".py")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8")
        sources.append(str(target))
    keywords = [
        "gettext_noop",
        "gettext_lazy",
        "ngettext_lazy:1,2",
        "pgettext:1c,2",
        "npgettext:1c,2,3",
        "pgettext_lazy:1c,2",
        "npgettext_lazy:1c,2,3",
    ]
    template = tmp_path / "marked.pot"
    gettext_tool(
        "xgettext",
        "--language=Python",
        "--from-code=UTF-8",
        f"--output={template}",
        *(f"--keyword={keyword}" for keyword in keywords),
        *sources,
    )
    # Every marked text "translated" as itself (msginit does so for English), compiled: the keys Django looks up.
    gettext_tool(
        "msginit",
        "--no-translator",
        "--locale=en_US.UTF-8",
        f"--input={template}",
        f"--output-file={tmp_path / 'marked.po'}",
    )
    gettext_tool("msgfmt", "-o", str(tmp_path / "marked.mo"), str(tmp_path / "marked.po"))
    marked = {key[0] if isinstance(key, tuple) else key for key in catalogue(tmp_path / "marked.mo")}
    assert len(marked) > 500
    known = {key[0] if isinstance(key, tuple) else key for key in catalogue()}
    missing = sorted(msgid_of(key) for key in marked - known)
    assert missing == [], "run `make messages` and translate the new entries in locale/en/LC_MESSAGES/django.po"


# Pages


def test_login_page_is_in_chinese_by_default(client):
    page = client.get(reverse("login")).content.decode()

    assert '<html lang="zh-hans">' in page
    assert "用户名" in page and "密码" in page and "登录" in page
    assert "Log in" not in page


def test_login_page_is_in_english_when_the_browser_asks_for_it(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en">' in page
    assert "Username" in page and "Password" in page and "Log in" in page
    assert CHINESE.findall(page.replace(LANGUAGE_NAME, "")) == []


@pytest.mark.parametrize(
    "role", ["patroller", "village_chief", "township_office", "county_office", "city_office", "supervisor"]
)
def test_home_page_in_english_has_no_chinese_left(client, cast, role):
    client.force_login(cast[role])

    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert CHINESE.findall(page.replace(LANGUAGE_NAME, "")) == []


def test_chosen_language_sticks_for_the_session(client, cast):
    client.force_login(cast["township_office"])

    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    page = client.get(reverse("home")).content.decode()

    assert "Dashboard" in page and "工作台" not in page


def test_staffing_report_writes_its_date_the_way_each_language_does(client, cast, segments):
    client.force_login(cast["county_office"])
    url = reverse("staffing-report") + "?date=2025-03-05"

    chinese = client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "2025年3月5日" in chinese
    assert "March 5, 2025" in english and "2025年3月5日" not in english


# API errors


def errors_of(response) -> list[str]:
    return [message for messages in response.json()["errors"].values() for message in messages]


@pytest.mark.parametrize(
    ("language", "expected"),
    [(None, "用户名或密码不正确。"), ("en", "Incorrect username or password.")],
)
def test_wrong_password_is_explained_in_the_language_asked_for(api, cast, language, expected):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}

    response = api.post(
        "/api/v1/auth/token/", {"username": "township_office", "password": "wrong"}, format="json", **headers
    )

    assert response.status_code == 400
    assert errors_of(response) == [expected]


def test_right_password_still_logs_in_with_english(api, cast):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "township_office", "password": PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("language", "expected"),
    [(None, "您的角色无权执行此操作。"), ("en", "Your role is not allowed to do this.")],
)
def test_role_refusal_is_explained_in_the_language_asked_for(api, cast, language, expected):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}

    response = api.as_user(cast["patroller"]).get("/api/v1/staffing/", **headers)

    assert response.status_code == 403
    assert errors_of(response) == [expected]


@pytest.mark.parametrize(
    ("language", "expected"),
    [(None, "未找到，或不在您的管辖范围内。"), ("en", "Not found, or outside your area of responsibility.")],
)
def test_object_outside_scope_is_explained_in_the_language_asked_for(api, cast, segments, language, expected):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}

    response = api.as_user(cast["township_office"]).get(f"/api/v1/segments/{segments['far'].pk}/", **headers)

    assert response.status_code == 404
    assert errors_of(response) == [expected]


def test_validation_messages_follow_the_language_of_each_request(api, cast, places):
    """Messages are translated per request, not frozen in whatever language was active when a module loaded."""
    client = api.as_user(cast["township_office"])
    body = {"name": "测试", "id_number": "12345", "phone": "13800000000", "residence_village": places["village"].pk}

    english = client.post("/api/v1/patrollers/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.post("/api/v1/patrollers/", body, format="json")

    assert english.status_code == chinese.status_code == 400
    assert "The ID number must have 18 characters: 17 digits followed by a digit or X." in errors_of(english)
    assert "身份证号应为18位：17位数字加1位数字或X。" in errors_of(chinese)
