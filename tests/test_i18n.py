"""The interface speaks Simplified Chinese by default and English on request (SPEC §8, API.md "Errors").

The Chinese text is the msgid everywhere; locale/en/LC_MESSAGES/django.po holds the English, and django.mo is
committed beside it so that a machine without gettext still serves English. `make messages` refreshes both.
"""

import ast
import gettext as gnu_gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import templatize

from tests.conftest import PASSWORD

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# Chinese characters and the full-width punctuation that goes with them (、，：；（）).
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# The language switcher names each language in that language, so this one stays Chinese on English pages.
LANGUAGE_NAME = "简体中文"
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifr%])")
# What `make messages` leaves out of the catalogue (the Makefile's --ignore list), plus what never holds UI text.
NOT_SOURCE = {".venv", "staticfiles", "bench", "tests", "locale", "media", "docs", "node_modules"}
XGETTEXT = shutil.which("xgettext")


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def read_po(text: str) -> list[Entry]:
    """The entries of a .po/.pot file, header included (msgid ""). Enough of the format for makemessages' output."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, target = None, None
            continue
        if entry is None:
            entry = Entry()
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, target, ast.literal_eval(line))
        else:
            keyword, _, value = line.partition(" ")
            index = 0
            if keyword.startswith("msgstr["):
                keyword, index = "msgstr", int(keyword[7:-1])
            target = (keyword, index)
            if keyword == "msgstr":
                entry.msgstr[index] = ""
            else:
                setattr(entry, keyword, "")
            _append(entry, target, ast.literal_eval(value))
    return entries


def _append(entry: Entry, target: tuple[str, int] | None, text: str) -> None:
    keyword, index = target
    if keyword == "msgstr":
        entry.msgstr[index] += text
    else:
        setattr(entry, keyword, getattr(entry, keyword) + text)


def messages() -> list[Entry]:
    return [entry for entry in read_po(CATALOGUE.read_text(encoding="utf-8")) if entry.msgid]


def placeholders(text: str) -> list[tuple[str | None, str]]:
    return sorted((name, kind) for name, kind in PLACEHOLDER.findall(text))


def describe(entry: Entry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


# The catalogue


def test_catalogue_exists_with_its_compiled_copy():
    assert CATALOGUE.is_file()
    assert COMPILED.is_file()
    assert len(messages()) > 500


def test_every_message_has_an_english_translation_and_none_is_fuzzy():
    entries = read_po(CATALOGUE.read_text(encoding="utf-8"))
    assert "fuzzy" not in entries[0].flags, "the header is still marked fuzzy"
    untranslated = [describe(e) for e in entries[1:] if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [describe(e) for e in entries[1:] if "fuzzy" in e.flags]
    obsolete = [describe(e) for e in entries[1:] if e.obsolete]
    assert untranslated == []
    assert fuzzy == []
    assert obsolete == []


def test_plural_messages_have_a_singular_and_a_plural_english_form():
    plurals = [entry for entry in messages() if entry.msgid_plural is not None]
    assert plurals, "the page counters use {% blocktranslate count %}"
    for entry in plurals:
        assert sorted(entry.msgstr) == [0, 1], describe(entry)
        assert entry.msgstr[0] != entry.msgstr[1], describe(entry)


def test_translations_keep_every_placeholder_of_the_chinese_text():
    changed = [
        (describe(entry), text)
        for entry in messages()
        for text in entry.msgstr.values()
        if placeholders(text) != placeholders(entry.msgid)
    ]
    assert changed == []


def test_translations_contain_no_chinese_text():
    leftover = [
        (describe(entry), text) for entry in messages() for text in entry.msgstr.values() if CHINESE.search(text)
    ]
    assert leftover == []


def test_compiled_catalogue_matches_the_po_file():
    """A stale django.mo would serve old English: recompile with `make messages` after editing the .po."""
    with COMPILED.open("rb") as compiled:
        translations = gnu_gettext.GNUTranslations(compiled)
    stale = []
    for entry in messages():
        if entry.msgid_plural is not None:
            forms = [translations.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            if forms != [entry.msgstr[0], entry.msgstr[1]]:
                stale.append(describe(entry))
        elif entry.msgctxt is not None:
            if translations.pgettext(entry.msgctxt, entry.msgid) != entry.msgstr[0]:
                stale.append(describe(entry))
        elif translations.gettext(entry.msgid) != entry.msgstr[0]:
            stale.append(describe(entry))
    assert stale == []


@pytest.mark.skipif(XGETTEXT is None, reason="needs GNU gettext (xgettext) installed")
def test_every_text_marked_in_the_code_is_in_the_catalogue(tmp_path):
    """Extracts the marked strings the way makemessages does and looks each one up in the catalogue."""
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
    result = subprocess.run(  # noqa: S603 - the gettext tool found on PATH, our own source files as arguments
        [
            XGETTEXT,
            "--language=Python",
            "--from-code=UTF-8",
            "--output=-",
            *(f"--keyword={keyword}" for keyword in keywords),
            *sources,
        ],
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    )
    marked = {(entry.msgctxt, entry.msgid) for entry in read_po(result.stdout) if entry.msgid}
    assert len(marked) > 500
    known = {(entry.msgctxt, entry.msgid) for entry in messages()}
    missing = sorted(msgid for msgctxt, msgid in marked - known)
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
