"""The shared expertise vocabulary: one spelling per tag, whoever types it."""

import re

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

MAX_TAG_LENGTH = 40
MAX_TAGS_PER_ORGANIZATION = 12

_SPACES = re.compile(r"\s+")
_SPLIT = re.compile(r"[,;\n]")


def tag_normalize(name: str) -> str:
    """Lower case, single spaces, no surrounding punctuation.

    "  Machine   Learning," -> "machine learning"
    """
    return _SPACES.sub(" ", name).strip(" \t.,;#").lower()


def tag_slug(name: str) -> str:
    return slugify(name, allow_unicode=True)


def tag_parse(raw: str | list[str]) -> list[str]:
    """Split user input into normalised, de-duplicated tag names, keeping the typed order."""
    parts = raw if isinstance(raw, list) else _SPLIT.split(raw)
    names: list[str] = []
    seen: set[str] = set()
    for part in parts:
        name = tag_normalize(part)
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            raise ValidationError(
                _("The tag “%(tag)s” is longer than %(max)d characters.")
                % {"tag": name[:MAX_TAG_LENGTH] + "…", "max": MAX_TAG_LENGTH}
            )
        if not tag_slug(name):
            raise ValidationError(_("The tag “%(tag)s” has no letters or digits.") % {"tag": name})
        if tag_slug(name) in seen:
            continue
        seen.add(tag_slug(name))
        names.append(name)
    if len(names) > MAX_TAGS_PER_ORGANIZATION:
        raise ValidationError(
            _("At most %(max)d tags, please: pick the ones that describe you best.")
            % {"max": MAX_TAGS_PER_ORGANIZATION}
        )
    return names
