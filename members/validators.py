"""Validators for organisation data that belong to one field."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Paths under /members/ that a slug must never shadow.
RESERVED_SLUGS = frozenset(
    {
        "new",
        "export",
        "shortlists",
        "invitations",
        "switch",
        "tags",
        "join-requests",
        "people",
        "api",
    }
)

_BIN_WEIGHTS = (tuple(range(1, 12)), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))


def bin_check_digit(first_eleven: str) -> int | None:
    """The control digit of a Kazakh BIN/IIN, or None when the number admits none.

    The official algorithm: weights 1..11 modulo 11; a remainder of 10 means a second
    pass with weights 3..11,1,2; a second 10 means the number is never issued.
    """
    digits = [int(c) for c in first_eleven]
    for weights in _BIN_WEIGHTS:
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def validate_bin(value: str) -> None:
    if not value:
        return
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("A BIN has exactly 12 digits."), code="bin_format")
    if bin_check_digit(value[:11]) != int(value[11]):
        raise ValidationError(
            _("This BIN is not valid: its check digit does not match. Please check for typos."),
            code="bin_checksum",
        )


def validate_languages(value: object) -> None:
    from .models import WorkingLanguage

    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Languages must be a list of language codes."), code="languages")
    unknown = sorted(set(value) - set(WorkingLanguage.values))
    if unknown:
        raise ValidationError(
            _("Unknown language: %(codes)s."),
            code="languages",
            params={"codes": ", ".join(unknown)},
        )


def validate_not_reserved_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved; choose another."), code="reserved")
