"""Every read of members data, scoped to the user who asks (fetch and authorise in one call)."""

import hashlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, cast

from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .models import (
    District,
    Invitation,
    JoinRequest,
    Membership,
    Organization,
    OrganizationKind,
    RequestStatus,
    Role,
    Shortlist,
    ShortlistEntry,
    Tag,
)
from .search import (
    ORDERING_RELEVANCE,
    DirectoryParams,
    SearchPlan,
    apply_filters,
    apply_ordering,
    apply_search,
    is_postgres,
    ranked_count,
    ranked_page,
    search_plan,
)
from .tags import tag_normalize

ACTIVE_ORGANIZATION_SESSION_KEY = "members.active_organization"
DIRECTORY_VERSION_KEY = "members:directory:version"
FACET_CACHE_SECONDS = 600
INVITATION_SALT = "members.invitation"
FACET_TAG_LIMIT = 15
# Never read from directory results (see organization_directory).
DIRECTORY_UNUSED_FIELDS = (
    "description",
    "search_vector",
    "search_document",
    "tags_text",
    "tag_ids",
)


def is_moderator(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


# --- Memberships ------------------------------------------------------------------------


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The caller's own memberships, with their organisations, for menus and `/api/v1/me/`."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def is_member(*, user: User, organization_id: int) -> bool:
    """Asked of the database on every call, never cached: a membership removed a moment ago
    no longer grants anything (posting, proposing, writing for an organisation)."""
    return Membership.objects.filter(user=user, organization_id=organization_id).exists()


def membership_get(*, user: User | Any, organization: Organization) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, organization=organization).first()


def membership_get_active(*, user: User | Any, request_session: SessionBase) -> Membership | None:
    """The membership the user currently acts for (posting, proposing, messaging).

    The choice lives in the session (`membership_set_active`); a stale or missing choice
    falls back to the user's first organisation by name. None for anonymous users and for
    users without any organisation. Always re-checked against the database, so a user who
    was removed from an organisation can never act for it.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    return membership_pick_active(
        memberships=list(membership_list_for_user(user=user)), request_session=request_session
    )


def membership_pick_active(
    *, memberships: list[Membership], request_session: SessionBase
) -> Membership | None:
    """The session's choice among `memberships` (the user's own), else the first one."""
    if not memberships:
        return None
    chosen = request_session.get(ACTIVE_ORGANIZATION_SESSION_KEY)
    for membership in memberships:
        if membership.organization_id == chosen:
            return membership
    return memberships[0]


def membership_require_manager(*, user: User | Any, organization: Organization) -> Membership:
    """The caller's owner/admin membership, or PermissionDenied."""
    membership = membership_get(user=user, organization=organization)
    if membership is None or not membership.can_manage:
        raise PermissionDenied(_("Only the organisation's owners and admins can do this."))
    return membership


# --- Organisations ----------------------------------------------------------------------


def organization_list_newest(*, limit: int = 6) -> QuerySet[Organization]:
    return Organization.objects.prefetch_related("tags").order_by("-created_at")[:limit]


def organization_get_public(*, slug: str) -> Organization:
    try:
        return Organization.objects.prefetch_related("tags").get(slug=slug)
    except Organization.DoesNotExist as exc:
        raise Http404(_("No organisation lives at this address.")) from exc


def organization_get_for_manager(*, user: User | Any, slug: str) -> tuple[Organization, Membership]:
    organization = organization_get_public(slug=slug)
    return organization, membership_require_manager(user=user, organization=organization)


def memberships_visible_to(viewer: User | Any) -> Q:
    """The one rule for who sees a membership (a team list, a person's page): moderators
    and colleagues (members of the same organisation) see all of an organisation's
    memberships, everyone else only the public memberships of active people. Colleagues are
    found by a subquery, so a membership removed a moment ago no longer counts."""
    if is_moderator(viewer):
        return Q()
    public = Q(is_public=True, user__is_active=True)
    if not getattr(viewer, "is_authenticated", False):
        return public
    own_organizations = Membership.objects.filter(user=viewer).values("organization_id")
    return public | Q(organization_id__in=own_organizations)


def team_member_get(*, organization: Organization, user_id: int) -> User:
    """A member of the organisation, for the team's managers to act on; 404 if not one."""
    membership = (
        Membership.objects.select_related("user")
        .filter(organization=organization, user_id=user_id)
        .first()
    )
    if membership is None:
        raise Http404(_("This person is not a member of the organisation."))
    return membership.user


def organization_team(*, user: User | Any, organization: Organization) -> QuerySet[Membership]:
    """Members of the organisation as `user` may see them (`memberships_visible_to`)."""
    team = (
        Membership.objects.filter(organization=organization)
        .filter(memberships_visible_to(user))
        .select_related("user")
    )
    order = {Role.OWNER: 0, Role.ADMIN: 1, Role.MEMBER: 2}
    return team.order_by(
        Case(
            *(When(role=role, then=Value(rank)) for role, rank in order.items()),
            output_field=IntegerField(),
        ),
        "user__name",
    )


# --- People -----------------------------------------------------------------------------


def person_get_public(*, viewer: User | Any, user_id: int) -> tuple[User, list[Membership]]:
    """A person's page as `viewer` may see it: the person and the memberships the viewer
    may see (`memberships_visible_to`; all of them for the person themself), by
    organisation name.

    Http404 unless the person is active and the viewer sees at least one membership (or is
    the person): a page for every id would let anyone enumerate the accounts."""
    # The page shows the name only: the email address and the rest are never loaded.
    try:
        person = User.objects.only("pk", "name").get(pk=user_id, is_active=True)
    except User.DoesNotExist as exc:
        raise Http404(_("No one lives at this address.")) from exc
    is_self = getattr(viewer, "is_authenticated", False) and viewer.pk == person.pk
    memberships = Membership.objects.filter(user=person)
    if not is_self:
        memberships = memberships.filter(memberships_visible_to(viewer))
    visible = list(
        memberships.select_related("organization")
        .defer(*(f"organization__{field}" for field in DIRECTORY_UNUSED_FIELDS))
        .order_by("organization__name")
    )
    if not visible and not is_self:
        raise Http404(_("No one lives at this address."))
    return person, visible


# Pages up to this size are ranked on the narrow table and loaded by id (the page and the
# API); longer slices (the CSV export) run the one-query version.
RANKED_PAGE_MAX = 200


class DirectoryQuerySet(QuerySet[Organization]):
    """The directory result. For a plain relevance search on PostgreSQL (no other filter)
    `count()` and a page slice (`[a:b]`, as `Paginator` and DRF take it) run on the narrow
    `OrganizationSearchRow` table: rank every match there, keep the page's ids, then load
    just those rows (with their tags). Anything else (iteration, longer slices, a further
    `.filter()`, which makes a plain clone) is the ordinary queryset, same order."""

    ranked_plan: SearchPlan | None = None

    def count(self) -> int:
        if self.ranked_plan is not None and self._result_cache is None:
            return ranked_count(plan=self.ranked_plan)
        return super().count()

    def __getitem__(self, k: Any) -> Any:
        plan = self.ranked_plan
        if (
            plan is None
            or self._result_cache is not None
            or not isinstance(k, slice)
            or k.step is not None
            or k.stop is None
            or (k.start or 0) < 0
            or k.stop - (k.start or 0) > RANKED_PAGE_MAX
        ):
            return super().__getitem__(k)
        start = k.start or 0
        ranked = ranked_page(plan=plan, offset=start, limit=k.stop - start)
        if not ranked:
            return []
        ids = [pk for pk, _rank in ranked]
        loaded = {
            organization.pk: organization
            for organization in Organization.objects.filter(pk__in=ids)
            .order_by()
            .defer(*DIRECTORY_UNUSED_FIELDS)
            .prefetch_related(_directory_tags())
        }
        page = []
        for pk, rank in ranked:
            organization = loaded.get(pk)
            if organization is not None:  # deleted between the two queries
                organization.rank = rank  # type: ignore[attr-defined]
                page.append(organization)
        return page


def _directory_tags() -> Prefetch:
    return Prefetch("tags", queryset=Tag.objects.order_by("name"))


def organization_directory(
    *,
    params: DirectoryParams,
    queryset: QuerySet[Organization] | None = None,
    plan: SearchPlan | None = None,
) -> QuerySet[Organization]:
    """The directory result for `params`: searched, filtered, ordered, tags prefetched.
    Pass the `plan` from `search_plan(params.q)` to share it with the facet counts."""
    given = Organization.objects.all() if queryset is None else queryset
    base = DirectoryQuerySet(model=Organization, query=given.query.chain(), using=given.db)
    plan = plan or search_plan(params.q)
    found = apply_filters(apply_search(base, params.q, plan=plan), params)
    # The page, the API list and the CSV never show these long columns; leaving them out
    # keeps the rows that a broad query sorts by rank narrow (measurably faster on PG).
    directory = cast(
        DirectoryQuerySet,
        apply_ordering(found, params)
        .defer(*DIRECTORY_UNUSED_FIELDS)
        .prefetch_related(_directory_tags()),
    )
    narrow = (
        is_postgres()
        and bool(params.q)
        and not params.has_facet_filters
        and params.effective_ordering == ORDERING_RELEVANCE
        and not given.query.has_filters()
    )
    if narrow:
        directory.ranked_plan = plan
    return directory


def directory_version() -> int:
    """Bumped by every write that changes what the directory shows (see services)."""
    return int(cache.get_or_set(DIRECTORY_VERSION_KEY, 1, timeout=None) or 1)


def organization_directory_facets(
    *, params: DirectoryParams, plan: SearchPlan | None = None
) -> dict[str, Any]:
    """Counts for each filter value. Kinds, districts and verified ignore their own filter
    (choosing a kind still shows how many there are of the other kinds); tags, which
    narrow with every tick, count within the current result.

    Counting is the expensive part of a directory page on a big directory, so results are
    cached until the directory changes (`directory_changed`) or for FACET_CACHE_SECONDS."""
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:32]
    key = f"members:facets:{directory_version()}:{digest}"
    facets = cache.get(key)
    if facets is None:
        facets = _directory_facets(params, plan or search_plan(params.q))
        cache.set(key, facets, FACET_CACHE_SECONDS)
    return facets


def _directory_facets(params: DirectoryParams, plan: SearchPlan) -> dict[str, Any]:

    def base(skip: str) -> QuerySet[Organization]:
        searched = apply_search(Organization.objects.all(), params.q, plan=plan)
        return apply_filters(searched, params, skip=skip)

    kinds = {
        row["kind"]: row["n"]
        for row in base("kind").values("kind").annotate(n=Count("id")).order_by()
    }
    districts = {
        row["district"]: row["n"]
        for row in base("district").values("district").annotate(n=Count("id")).order_by()
    }
    verified = base("verified").aggregate(
        yes=Count("id", filter=Q(verified_at__isnull=False)),
        no=Count("id", filter=Q(verified_at__isnull=True)),
    )
    # Tags combine with AND (each one narrows the result), so their counts are taken
    # within the current result: a count is what ticking that tag would leave.
    tag_rows = list(
        Tag.objects.filter(organizations__in=base("").order_by().values("pk"))
        .values("slug", "name")
        .annotate(n=Count("organizations"))
        .order_by("-n", "name")[:FACET_TAG_LIMIT]
    )
    shown = {row["slug"] for row in tag_rows}
    missing = [slug for slug in params.tags if slug not in shown]
    if missing:
        # A chosen tag always stays visible so that it can be unticked.
        tag_rows += [
            {"slug": tag.slug, "name": tag.name, "n": 0}
            for tag in Tag.objects.filter(slug__in=missing)
        ]
    return {
        "kinds": [
            {"value": v, "label": label, "count": kinds.get(v, 0), "selected": v in params.kinds}
            for v, label in OrganizationKind.choices
        ],
        "districts": [
            {
                "value": v,
                "label": label,
                "count": districts.get(v, 0),
                "selected": v in params.districts,
            }
            for v, label in District.choices
        ],
        "verified": {"yes": verified["yes"], "no": verified["no"]},
        "tags": [
            {
                "value": row["slug"],
                "label": row["name"],
                "count": row["n"],
                "selected": row["slug"] in params.tags,
            }
            for row in tag_rows
        ],
    }


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


# --- Tags -------------------------------------------------------------------------------


def tag_suggest(*, prefix: str, limit: int = 10) -> Sequence[Tag]:
    """Tags starting with (then containing) `prefix`, the most used first."""
    prefix = tag_normalize(prefix)[:40]
    if not prefix:
        return []
    tags = (
        Tag.objects.filter(name__icontains=prefix)
        .annotate(uses=Count("organizations"))
        .order_by("-uses", "name")[: limit * 3]
    )
    starts = [t for t in tags if t.name.startswith(prefix)]
    rest = [t for t in tags if not t.name.startswith(prefix)]
    return (starts + rest)[:limit]


# --- Invitations and join requests ------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_get_by_token(*, token: str) -> Invitation:
    """The invitation a signed link points to; Http404 for a forged, unknown or stale link."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=timedelta(days=8))
    except signing.BadSignature as exc:
        raise Http404(_("This invitation link is not valid.")) from exc
    try:
        return Invitation.objects.select_related("organization", "invited_by").get(pk=pk)
    except Invitation.DoesNotExist as exc:
        raise Http404(_("This invitation no longer exists.")) from exc


def invitation_get_for_organization(*, organization: Organization, pk: int) -> Invitation:
    try:
        return Invitation.objects.get(pk=pk, organization=organization)
    except Invitation.DoesNotExist as exc:
        raise Http404(_("There is no such invitation.")) from exc


def invitation_list_for_organization(
    *, user: User | Any, organization: Organization
) -> QuerySet[Invitation]:
    membership_require_manager(user=user, organization=organization)
    return (
        Invitation.objects.filter(organization=organization, status=RequestStatus.PENDING)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def join_request_list_for_organization(
    *, user: User | Any, organization: Organization
) -> QuerySet[JoinRequest]:
    membership_require_manager(user=user, organization=organization)
    return (
        JoinRequest.objects.filter(organization=organization, status=RequestStatus.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def join_request_get_for_manager(*, user: User | Any, pk: int) -> JoinRequest:
    try:
        join_request = JoinRequest.objects.select_related("organization", "user").get(pk=pk)
    except JoinRequest.DoesNotExist as exc:
        raise Http404 from exc
    membership_require_manager(user=user, organization=join_request.organization)
    return join_request


def join_request_pending_for_user(
    *, user: User | Any, organization: Organization
) -> JoinRequest | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return JoinRequest.objects.filter(
        user=user, organization=organization, status=RequestStatus.PENDING
    ).first()


# --- Shortlists -------------------------------------------------------------------------


def _shortlists_visible_to(user: User) -> QuerySet[Shortlist]:
    teams = Membership.objects.filter(user=user).values("organization_id")
    return Shortlist.objects.filter(Q(owner=user) | Q(team_id__in=teams))


def shortlist_list_for_user(*, user: User) -> QuerySet[Shortlist]:
    """The user's own shortlists and those shared with any of their organisations."""
    return (
        _shortlists_visible_to(user)
        .select_related("owner", "team")
        .annotate(size=Count("entries"))
        .order_by("name", "pk")
    )


def shortlist_get_for_user(*, user: User | Any, pk: int) -> Shortlist:
    """A shortlist the user may see and edit; 404 otherwise (its existence stays private)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    try:
        return _shortlists_visible_to(user).select_related("owner", "team").get(pk=pk)
    except Shortlist.DoesNotExist as exc:
        raise Http404(_("No such shortlist.")) from exc


def shortlist_entry_get(*, shortlist: Shortlist, slug: str) -> ShortlistEntry:
    """The shortlist's entry for the organisation at `slug`; 404 if it is not on the list."""
    entry = shortlist.entries.select_related("organization").filter(organization__slug=slug).first()
    if entry is None:
        raise Http404(_("This organisation is not on the shortlist."))
    return entry


def shortlist_entries(*, shortlist: Shortlist) -> QuerySet[ShortlistEntry]:
    return (
        shortlist.entries.select_related("organization", "added_by")
        .prefetch_related("organization__tags")
        .order_by("-created_at")
    )
