"""The ru and kk catalogs translate every string of the boards."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

OURS = re.compile(r"^#: .*\b(boards/|templates/boards/)", re.MULTILINE)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_boards_string_is_translated(language):
    catalog = Path(settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.po")
    blocks = catalog.read_text(encoding="utf-8").split("\n\n")
    ours = [b for b in blocks if OURS.search(b)]
    assert len(ours) > 200
    for block in ours:
        assert "#, fuzzy" not in block, block
        assert not re.search(r'^msgstr(\[\d\])? ""$', block, re.MULTILINE), block


@pytest.mark.parametrize(
    ("language", "title", "count"),
    [("ru", "Доски проектов", "1 публикация"), ("kk", "Жобалар тақтасы", "1 жарияланым")],
)
def test_the_boards_speak_russian_and_kazakh(language, title, count, problem, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/boards/").content.decode()
    assert title in page
    assert count in page
    assert "Городская проблема" in page or "Қала мәселесі" in page
