from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User

from .models import Membership, Organization, OrganizationKind


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The caller's own memberships, with their organisations, for menus and `/api/v1/me/`."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def organization_list_newest(*, limit: int = 6) -> QuerySet[Organization]:
    return Organization.objects.order_by("-created_at")[:limit]


def ecosystem_summary() -> dict[str, Any]:
    """Counts for the home page and the dashboard: two queries, whatever the size."""
    since = timezone.now() - timedelta(days=30)
    rows = (
        Organization.objects.values("kind")
        .annotate(
            total=Count("id"),
            verified=Count("id", filter=Q(verified_at__isnull=False)),
            recent=Count("id", filter=Q(created_at__gte=since)),
        )
        .order_by()
    )
    by_kind = {row["kind"]: row for row in rows}
    return {
        "total": sum(row["total"] for row in by_kind.values()),
        "verified": sum(row["verified"] for row in by_kind.values()),
        "new_this_month": sum(row["recent"] for row in by_kind.values()),
        "kinds": len(by_kind),
        "people": User.objects.filter(is_active=True).count(),
        "by_kind": [
            {
                "kind": kind,
                "label": label,
                "total": by_kind.get(kind, {}).get("total", 0),
                "verified": by_kind.get(kind, {}).get("verified", 0),
            }
            for kind, label in OrganizationKind.choices
        ],
    }
