"""CSV exports of organisations (the directory result, a shortlist)."""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from .models import Organization

MAX_EXPORT_ROWS = 10_000
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def organization_header(*extra: str) -> list[str]:
    return [
        _("Name"),
        _("Kind"),
        _("District"),
        _("Verified"),
        _("Tagline"),
        _("Expertise tags"),
        _("Website"),
        _("Email"),
        _("Phone"),
        _("Profile"),
        *extra,
    ]


def organization_row(organization: Organization, base_url: str, *extra: Any) -> list[str]:
    return [
        csv_safe(value)
        for value in (
            organization.name,
            organization.get_kind_display(),
            organization.get_district_display(),
            _("yes") if organization.is_verified else _("no"),
            organization.tagline,
            ", ".join(tag.name for tag in organization.tags.all()),
            organization.website,
            organization.public_email,
            organization.phone,
            base_url + organization.get_absolute_url(),
            *extra,
        )
    ]


def csv_response(filename: str, rows: Iterable[list[str]]) -> HttpResponse:
    # Built in memory (at most MAX_EXPORT_ROWS rows): the database work stays inside the view.
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that Excel reads UTF-8 (Cyrillic names) correctly
    csv.writer(buffer).writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
