import pytest
from django.core.management import call_command

from members.models import Membership, Organization, ShortlistEntry, Tag

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Organization, Membership, Tag, ShortlistEntry)]


def test_seed_demo_builds_a_rich_directory_and_is_idempotent():
    call_command("seed_demo", stdout=None)
    first = counts()
    assert first[0] >= 40
    assert Organization.objects.filter(verified_at__isnull=False).exclude(bin="").count() >= 10
    assert not Organization.objects.filter(verified_at__isnull=False, bin="").exists()
    assert not Organization.objects.filter(tags_text="").exists()
    call_command("seed_demo", stdout=None)
    assert counts() == first
