"""`manage.py import_organizations FILE.csv`: onboard many organisations from a spreadsheet.

All or nothing: every row is validated first; one bad row and nothing is written, unless
`--skip-invalid` imports the good rows and reports the bad ones. The column format is in
docs/import-format.md.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction
from tqdm import tqdm

from members.forms import OrganizationForm
from members.models import Organization
from members.services import PROFILE_FIELDS, organization_import

REQUIRED_COLUMNS = {"name", "kind"}
LIST_COLUMNS = {"languages"}
OPTIONAL_COLUMNS = (set(PROFILE_FIELDS) - REQUIRED_COLUMNS) | {"slug", "tags", "owner_email"}
MAX_FILE_BYTES = 20 * 1024 * 1024


class ImportRowForm(OrganizationForm):
    slug = forms.SlugField(max_length=80, required=False)
    owner_email = forms.EmailField(required=False)

    class Meta(OrganizationForm.Meta):
        fields = [*OrganizationForm.Meta.fields, "slug"]


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class Plan:
    rows: list[tuple[int, dict[str, Any], list[str], str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _describe(form: forms.BaseForm) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = "row" if name == "__all__" else name
        parts.append(f"{label}: {' '.join(str(e) for e in errors)}")
    return "; ".join(parts)


class Command(BaseCommand):
    help = "Import member organisations from a CSV file (see docs/import-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8, first line is the header")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows even if some rows are invalid",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path} is larger than 20 MB; split it into several files.")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path} is not UTF-8 text (byte {exc.start}). Save the spreadsheet as "
                "“CSV UTF-8” and try again."
            ) from exc
        plan = self._validate(text, show_progress=options["verbosity"] > 0)
        self._report(plan)
        if plan.errors and not options["skip_invalid"]:
            raise CommandError(
                f"{len(plan.errors)} invalid row(s); nothing was imported. Fix them, or run "
                "again with --skip-invalid to import only the valid rows."
            )
        if options["dry_run"]:
            self.stdout.write(
                self.style.SUCCESS(f"Dry run: {len(plan.rows)} organisation(s) would be imported.")
            )
            return
        imported = self._import(
            plan, show_progress=options["verbosity"] > 0, skip_invalid=options["skip_invalid"]
        )
        self.stdout.write(self.style.SUCCESS(f"Imported {imported} organisation(s)."))

    def _validate(self, text: str, *, show_progress: bool) -> Plan:
        reader = csv.DictReader(text.splitlines(keepends=True))
        header = [name.strip() for name in reader.fieldnames or []]
        missing = REQUIRED_COLUMNS - set(header)
        unknown = set(header) - REQUIRED_COLUMNS - OPTIONAL_COLUMNS
        if missing or unknown:
            problems = []
            if missing:
                problems.append("missing column(s): " + ", ".join(sorted(missing)))
            if unknown:
                problems.append("unknown column(s): " + ", ".join(sorted(unknown)))
            raise CommandError("Line 1 (header): " + "; ".join(problems) + ". Nothing imported.")
        reader.fieldnames = header
        plan = Plan()
        seen_slugs: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        seen_bins: dict[str, int] = {}
        for raw in tqdm(reader, desc="Checking", unit=" rows", disable=not show_progress):
            line = reader.line_num
            if None in raw:
                plan.errors.append(RowError(line, "more values than columns in the header"))
                continue
            row = {key: (value or "").strip() for key, value in raw.items()}
            if not any(row.values()):
                continue
            data: dict[str, Any] = {
                key: value for key, value in row.items() if key not in LIST_COLUMNS | {"tags"}
            }
            data["tags_input"] = row.get("tags", "")
            data["languages"] = [
                c.strip() for c in row.get("languages", "").split(";") if c.strip()
            ]
            form = ImportRowForm(data=data)
            if not form.is_valid():
                plan.errors.append(RowError(line, _describe(form)))
                continue
            cleaned = form.cleaned_data
            name_key = cleaned["name"].casefold()
            duplicate = None
            if name_key in seen_names:
                duplicate = f"the same name as line {seen_names[name_key]}"
            elif cleaned["slug"] and cleaned["slug"] in seen_slugs:
                duplicate = f"the same slug as line {seen_slugs[cleaned['slug']]}"
            elif cleaned["bin"] and cleaned["bin"] in seen_bins:
                duplicate = f"the same BIN as line {seen_bins[cleaned['bin']]}"
            elif Organization.objects.filter(name__iexact=cleaned["name"]).exists():
                duplicate = "an organisation with this name is already a member"
            if duplicate:
                plan.errors.append(RowError(line, duplicate))
                continue
            seen_names[name_key] = line
            if cleaned["slug"]:
                seen_slugs[cleaned["slug"]] = line
            if cleaned["bin"]:
                seen_bins[cleaned["bin"]] = line
            profile = form.profile_data()
            if cleaned["slug"]:
                profile["slug"] = cleaned["slug"]
            plan.rows.append((line, profile, cleaned["tags_input"], cleaned["owner_email"]))
        return plan

    def _report(self, plan: Plan) -> None:
        for error in plan.errors:
            self.stdout.write(self.style.ERROR(f"Line {error.line}: {error.reason}"))
        self.stdout.write(f"{len(plan.rows)} valid row(s), {len(plan.errors)} invalid row(s).")

    def _import(self, plan: Plan, *, show_progress: bool, skip_invalid: bool) -> int:
        imported = 0
        with transaction.atomic():
            for line, profile, tags, owner_email in tqdm(
                plan.rows, desc="Importing", unit=" rows", disable=not show_progress
            ):
                try:
                    with transaction.atomic():
                        organization_import(data=profile, tags=tags, owner_email=owner_email)
                except (ValidationError, IntegrityError) as exc:
                    # Someone else wrote a clashing row since validation: same rules apply.
                    reason = "; ".join(getattr(exc, "messages", [str(exc)]))
                    if not skip_invalid:
                        raise CommandError(f"Line {line}: {reason}. Nothing was imported.") from exc
                    plan.errors.append(RowError(line, reason))
                    self.stdout.write(self.style.ERROR(f"Line {line}: {reason}"))
                    continue
                imported += 1
        return imported
