from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from members.models import Invitation, Membership, Organization, Role
from tests.factories import OrganizationFactory, UserFactory

from .conftest import make_bin

pytestmark = pytest.mark.django_db

HEADER = "name,kind,tags,district,bin,languages,website,owner_email\n"


def run(tmp_path, text, *args):
    path = tmp_path / "organisations.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_organizations", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_imports_every_valid_row(tmp_path, django_capture_on_commit_callbacks):
    owner = UserFactory.create(email="boss@example.com")
    text = HEADER + (
        f'Тау Лаб,startup,"ИИ, IoT",almaly,{make_bin()},kk;ru,tau.example,boss@example.com\n'
        "Open Steppe,ngo,,medeu,,,,new.person@example.com\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        out = run(tmp_path, text)
    assert "Imported 2 organisation(s)" in out
    tau = Organization.objects.get(name="Тау Лаб")
    assert tau.languages == ["kk", "ru"]
    assert tau.website == "https://tau.example"
    assert tau.tags_text == "iot ии"
    assert Membership.objects.get(organization=tau).user == owner
    invitation = Invitation.objects.get(organization__name="Open Steppe")
    assert invitation.role == Role.OWNER
    assert [m.to for m in mail.outbox] == [["new.person@example.com"]]


def test_a_bad_row_changes_nothing_and_is_reported_with_its_line(tmp_path):
    text = HEADER + "Good One,startup,,,,,,\nBad One,spaceship,,,,,,\nBad Two,ngo,,,123,,,\n"
    with pytest.raises(CommandError, match="nothing was imported"):
        run(tmp_path, text)
    assert not Organization.objects.exists()


def test_the_report_names_each_line(tmp_path, capsys):
    text = HEADER + "Good One,startup,,,,,,\nBad One,spaceship,,,,,,\nBad Two,ngo,,nowhere,,,,\n"
    path = tmp_path / "o.csv"
    path.write_text(text)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_organizations", str(path), stdout=out, stderr=StringIO())
    report = out.getvalue()
    assert "Line 3: kind:" in report
    assert "Line 4: district:" in report
    assert "1 valid row(s), 2 invalid row(s)" in report


def test_skip_invalid_imports_the_rest(tmp_path):
    text = HEADER + "Good One,startup,,,,,,\nBad One,spaceship,,,,,,\n"
    out = run(tmp_path, text, "--skip-invalid")
    assert "Line 3" in out
    assert list(Organization.objects.values_list("name", flat=True)) == ["Good One"]


def test_dry_run_writes_nothing(tmp_path):
    out = run(tmp_path, HEADER + "Good One,startup,,,,,,\n", "--dry-run")
    assert "would be imported" in out
    assert not Organization.objects.exists()


def test_duplicates_within_the_file_and_with_members(tmp_path):
    OrganizationFactory.create(name="Existing")
    text = HEADER + "Same,startup,,,,,,\nsame,ngo,,,,,,\nExisting,ngo,,,,,,\n"
    out = run(tmp_path, text, "--skip-invalid")
    assert "Line 3: the same name as line 2" in out
    assert "Line 4: an organisation with this name is already a member" in out
    assert Organization.objects.count() == 2


def test_header_problems_are_fatal(tmp_path):
    with pytest.raises(CommandError, match="missing column"):
        run(tmp_path, "title,kind\nX,ngo\n")
    with pytest.raises(CommandError, match="unknown column"):
        run(tmp_path, "name,kind,colour\nX,ngo,red\n")


def test_not_utf8(tmp_path):
    path = tmp_path / "o.csv"
    path.write_bytes((HEADER + "Тест,ngo,,,,,,\n").encode("cp1251"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_organizations", str(path), stdout=StringIO(), stderr=StringIO())


def test_row_with_too_many_values(tmp_path):
    out = run(tmp_path, HEADER + "A,ngo,,,,,,,extra\nB,ngo,,,,,,\n", "--skip-invalid")
    assert "Line 2: more values than columns" in out
