from typing import Any

from django import template
from django.http import HttpRequest

from members.selectors import membership_list_for_user, membership_pick_active

register = template.Library()


@register.inclusion_tag("members/_switcher.html", takes_context=True)
def organization_switcher(context: dict[str, Any]) -> dict[str, Any]:
    """The account menu's "acting for" switcher: one query, only for signed-in users."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"memberships": []}
    memberships = list(membership_list_for_user(user=user))
    active = membership_pick_active(memberships=memberships, request_session=request.session)
    return {
        "memberships": memberships,
        "active": active,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
