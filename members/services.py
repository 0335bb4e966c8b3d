from django.db import transaction
from django.utils.text import slugify

from accounts.models import User

from .models import Membership, Organization, Role


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False)[:70] or "organization"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organization_create(*, creator: User, name: str, kind: str, **fields: object) -> Organization:
    """Create an organisation; whoever creates it becomes its owner."""
    organization = Organization(name=name.strip(), kind=kind, **fields)
    if not organization.slug:
        organization.slug = _unique_slug(organization.name)
    organization.full_clean()
    organization.save()
    Membership.objects.create(user=creator, organization=organization, role=Role.OWNER)
    return organization
