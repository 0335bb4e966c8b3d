"""The ru and kk catalogs translate every string of the boards, and the compiled catalogs
really serve those translations."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db

OURS = re.compile(r"^#: .*\b(boards/|templates/boards/)", re.MULTILINE)
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
# Identical in translation on purpose (a format name, a proper noun).
SAME = {"Markdown.", "Team", "Energy", "Moderation", "Budget", "Timeline"}


def _entries(language: str) -> list[tuple[str, str | None, str]]:
    catalog = Path(settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.po")
    entries = []
    for block in catalog.read_text(encoding="utf-8").split("\n\n"):
        if not OURS.search(block):
            continue
        assert "#, fuzzy" not in block, block
        parts: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith(("msgid ", "msgid_plural ", "msgstr")):
                key = line.split(" ", 1)[0]
                parts[key] = json.loads(line.split(" ", 1)[1])
            elif line.startswith('"') and key:
                parts[key] += json.loads(line)
        entries.append((parts["msgid"], parts.get("msgid_plural"), block))
    return entries


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_boards_string_is_translated(language):
    entries = _entries(language)
    assert len(entries) > 250
    with translation.override(language):
        for msgid, plural, block in entries:
            if plural is None:
                translated = translation.gettext(msgid)
            else:
                translated = translation.ngettext(msgid, plural, 5)
            assert translated, block
            # An empty msgstr falls back to the msgid, so this also catches a missing one.
            assert translated != msgid or msgid in SAME, block


@pytest.mark.parametrize(
    ("language", "title", "lead", "count"),
    [
        ("ru", "Доски проектов", "Актуальные проблемы города", "1 публикация"),
        ("kk", "Жобалар тақтасы", "Қаланың өзекті мәселелері", "1 жарияланым"),
    ],
)
def test_the_boards_speak_russian_and_kazakh(language, title, lead, count, problem, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/boards/").content.decode()
    assert title in page
    assert lead in page
    assert count in page
