"""Every read of board data, scoped to the person who asks."""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from members.models import Membership, Organization, OrganizationKind

from .models import (
    Attachment,
    Holiday,
    LabelAxis,
    Post,
    PostEvent,
    PostFollow,
    PostKind,
    PostLabel,
    PostMatch,
    PostStatus,
    Proposal,
    ProposalStatus,
)
from .workdays import working_days_between

Viewer = User | AnonymousUser

LIVE_PROPOSAL = ~Q(status=ProposalStatus.WITHDRAWN)


# --- Who the viewer acts for -----------------------------------------------------------------
def viewer_organization_ids(*, viewer: Viewer) -> frozenset[int]:
    """The organisations the viewer is a member of; one query, remembered on the user object."""
    if not viewer.is_authenticated:
        return frozenset()
    cached = getattr(viewer, "_boards_organization_ids", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=viewer).values_list("organization_id", flat=True)
        )
        viewer.__dict__["_boards_organization_ids"] = cached
    return cached


def viewer_memberships(*, viewer: Viewer) -> QuerySet[Membership]:
    """Organisations the viewer can act for (the choices of "on behalf of")."""
    if not viewer.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=viewer)
        .select_related("organization")
        .order_by("organization__name")
    )


def can_manage_post(*, viewer: Viewer, post: Post) -> bool:
    return post.organization_id in viewer_organization_ids(viewer=viewer)


def can_publish_problems(*, organization: Organization) -> bool:
    return organization.kind == OrganizationKind.GOVERNMENT and organization.is_verified


# --- Posts -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PostFilters:
    kind: str = ""
    category: str = ""
    status: str = ""
    district: str = ""
    organization: str = ""  # slug
    search: str = ""
    ordering: str = "newest"  # or "deadline"


ORDERINGS = ("newest", "deadline")


def _visible_posts(*, viewer: Viewer) -> QuerySet[Post]:
    """Published posts for everyone; drafts only for members of the organisation that wrote them."""
    visible = ~Q(status=PostStatus.DRAFT)
    organization_ids = viewer_organization_ids(viewer=viewer)
    if organization_ids:
        visible |= Q(organization_id__in=organization_ids)
    return Post.objects.filter(visible)


def _with_list_data(queryset: QuerySet[Post]) -> QuerySet[Post]:
    # A correlated subquery rather than a JOIN + GROUP BY: the paginator's COUNT(*) can then
    # drop it and count posts alone.
    live = (
        Proposal.objects.filter(post=OuterRef("pk"))
        .filter(LIVE_PROPOSAL)
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        queryset.select_related("organization")
        .prefetch_related(Prefetch("labels", queryset=PostLabel.objects.order_by("axis", "id")))
        .annotate(proposal_count=Coalesce(Subquery(live, output_field=IntegerField()), 0))
    )


def _has_label(axis: str, value: str) -> Exists:
    return Exists(PostLabel.objects.filter(post=OuterRef("pk"), axis=axis, value=value))


def post_list(*, viewer: Viewer, filters: PostFilters) -> QuerySet[Post]:
    queryset = _visible_posts(viewer=viewer)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    elif not filters.organization:
        # The public boards show published work; drafts appear when asked for by status or
        # on the organisation's own listing.
        queryset = queryset.exclude(status=PostStatus.DRAFT)
    if filters.category:
        queryset = queryset.filter(_has_label(LabelAxis.CATEGORY, filters.category))
    if filters.district:
        queryset = queryset.filter(_has_label(LabelAxis.DISTRICT, filters.district))
    if filters.organization:
        queryset = queryset.filter(organization__slug=filters.organization)
    if filters.search:
        for word in filters.search.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(organization__name__icontains=word)
                | Exists(
                    PostLabel.objects.filter(
                        post=OuterRef("pk"), axis=LabelAxis.TAG, value__icontains=word
                    )
                )
            )
    if filters.ordering == "deadline":
        today = timezone.localdate()
        # Closest upcoming deadline first; posts whose deadline has passed go last.
        queryset = queryset.annotate(
            deadline_passed=ExpressionWrapper(Q(deadline__lt=today), output_field=BooleanField())
        ).order_by("deadline_passed", "deadline", "-id")
    else:
        queryset = queryset.order_by("-published_at", "-created_at", "-id")
    return _with_list_data(queryset)


def post_get_for_viewer(*, post_id: int, viewer: Viewer) -> Post:
    """The post if the viewer may see it, else 404 (a draft does not exist for outsiders)."""
    queryset = _with_list_data(_visible_posts(viewer=viewer)).select_related("author")
    try:
        return queryset.get(pk=post_id)
    except Post.DoesNotExist:
        raise Http404 from None


def post_get_for_manager(*, post_id: int, viewer: Viewer) -> Post:
    """The post if the viewer is a member of the organisation that published it, else 404."""
    post = post_get_for_viewer(post_id=post_id, viewer=viewer)
    if not can_manage_post(viewer=viewer, post=post):
        raise Http404
    return post


def post_list_for_organization(*, organization: Organization, viewer: Viewer) -> QuerySet[Post]:
    """An organisation's posts for its profile: drafts too when the viewer is one of its members."""
    return post_list(viewer=viewer, filters=PostFilters(organization=organization.slug))


def post_list_newest_problems(*, limit: int = 4) -> QuerySet[Post]:
    return _with_list_data(
        Post.objects.filter(kind=PostKind.PROBLEM, status=PostStatus.OPEN).order_by(
            "-published_at", "-id"
        )
    )[:limit]


def post_timeline(*, post: Post) -> QuerySet[PostEvent]:
    """Public: anyone who can see the post can see what was done with it."""
    return post.events.select_related("actor").order_by("created_at", "id")


def post_is_followed(*, post: Post, viewer: Viewer) -> bool:
    if not viewer.is_authenticated:
        return False
    return PostFollow.objects.filter(post=post, user=viewer).exists()


def post_matches_for_viewer(*, post: Post, viewer: Viewer) -> QuerySet[PostMatch]:
    """Suggested organisations: only the posting organisation sees them."""
    if not can_manage_post(viewer=viewer, post=post):
        return PostMatch.objects.none()
    return post.matches.select_related("organization").order_by("-score", "id")


# --- Proposals -------------------------------------------------------------------------------
@dataclass
class ProposalView:
    """What the viewer may see of a post's proposals."""

    proposals: list[Proposal]
    total: int  # live (not withdrawn) proposals, shown to everyone
    sees_all: bool
    own_organization_ids: frozenset[int] = field(default_factory=frozenset)


def _proposal_queryset() -> QuerySet[Proposal]:
    return Proposal.objects.select_related("organization", "author", "post").prefetch_related(
        "attachments"
    )


def proposal_list_for_post(*, post: Post, viewer: Viewer) -> QuerySet[Proposal]:
    """The posting organisation sees every proposal; a proposer sees its own; others none."""
    organization_ids = viewer_organization_ids(viewer=viewer)
    queryset = _proposal_queryset().filter(post=post)
    if post.organization_id in organization_ids:
        return queryset.order_by("created_at", "id")
    if organization_ids:
        return queryset.filter(organization_id__in=organization_ids).order_by("created_at", "id")
    return queryset.none()


def proposal_view_for_post(*, post: Post, viewer: Viewer) -> ProposalView:
    proposals = list(proposal_list_for_post(post=post, viewer=viewer))
    total = getattr(post, "proposal_count", None)
    if total is None:
        total = post.proposals.filter(LIVE_PROPOSAL).count()
    return ProposalView(
        proposals=proposals,
        total=total,
        sees_all=can_manage_post(viewer=viewer, post=post),
        own_organization_ids=viewer_organization_ids(viewer=viewer),
    )


def organizations_free_to_propose(*, post: Post, viewer: Viewer) -> list[Membership]:
    """The viewer's organisations that may still answer this post: not the posting one, and
    not one that already has a live proposal on it."""
    memberships = [
        m for m in viewer_memberships(viewer=viewer) if m.organization_id != post.organization_id
    ]
    if not memberships:
        return []
    answered = set(
        Proposal.objects.filter(
            post=post, organization_id__in=[m.organization_id for m in memberships]
        )
        .filter(LIVE_PROPOSAL)
        .values_list("organization_id", flat=True)
    )
    return [m for m in memberships if m.organization_id not in answered]


def proposal_get_for_viewer(*, proposal_id: int, viewer: Viewer) -> Proposal:
    """A proposal for the posting organisation or the proposer's organisation; 404 otherwise."""
    organization_ids = viewer_organization_ids(viewer=viewer)
    if not organization_ids:
        raise Http404
    try:
        return (
            _proposal_queryset()
            .select_related("post__organization")
            .filter(
                Q(organization_id__in=organization_ids)
                | Q(post__organization_id__in=organization_ids)
            )
            .get(pk=proposal_id)
        )
    except Proposal.DoesNotExist:
        raise Http404 from None


def proposal_list_overdue_for_organization(
    *, organization: Organization, viewer: Viewer
) -> QuerySet[Proposal]:
    """Proposals on the organisation's city problems past their response window, for its members."""
    if organization.pk not in viewer_organization_ids(viewer=viewer):
        return Proposal.objects.none()
    return proposal_list_overdue().filter(post__organization=organization)


def proposal_list_overdue_for_viewer(*, viewer: Viewer) -> QuerySet[Proposal]:
    """Overdue proposals on the posts of every organisation the viewer belongs to."""
    organization_ids = viewer_organization_ids(viewer=viewer)
    if not organization_ids:
        return Proposal.objects.none()
    return proposal_list_overdue().filter(post__organization_id__in=organization_ids)


def proposal_list_overdue(*, today: date | None = None) -> QuerySet[Proposal]:
    today = today or timezone.localdate()
    return (
        Proposal.objects.filter(
            status=ProposalStatus.SUBMITTED,
            first_response_at__isnull=True,
            response_due_on__lt=today,
        )
        .select_related("post", "post__organization", "organization")
        .order_by("response_due_on", "id")
    )


# --- Attachments -----------------------------------------------------------------------------
def attachment_get_for_viewer(*, attachment_id: int, viewer: Viewer) -> Attachment:
    """A post's attachment for whoever sees the post; a proposal's only for its two sides."""
    try:
        attachment = Attachment.objects.select_related("post", "proposal").get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404 from None
    if attachment.post_id is not None:
        post_get_for_viewer(post_id=attachment.post_id, viewer=viewer)
    else:
        assert attachment.proposal_id is not None
        proposal_get_for_viewer(proposal_id=attachment.proposal_id, viewer=viewer)
    return attachment


# --- Holidays and response metrics -----------------------------------------------------------
def holiday_dates(*, start: date, end: date) -> frozenset[date]:
    return frozenset(
        Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True)
    )


@dataclass(frozen=True)
class ResponseMetrics:
    """How a government organisation keeps the response-window promise on its city problems."""

    proposals: int  # proposals whose window has ended or that were answered
    on_time: int
    answered: int
    median_working_days: float | None

    @property
    def rate(self) -> int | None:
        """Percentage of proposals answered within the window; None with nothing to measure."""
        if not self.proposals:
            return None
        return round(100 * self.on_time / self.proposals)


def response_metrics_for_organizations(
    *, organization_ids: list[int] | set[int] | frozenset[int], today: date | None = None
) -> dict[int, ResponseMetrics]:
    """Response metrics for several organisations in two queries (proposals and holidays).

    A proposal counts once it was answered or its window has ended; proposals withdrawn
    before any answer do not count. Time to first response is in working days.
    """
    today = today or timezone.localdate()
    rows = list(
        Proposal.objects.filter(
            post__organization_id__in=organization_ids,
            post__kind=PostKind.PROBLEM,
            response_due_on__isnull=False,
        )
        .exclude(status=ProposalStatus.WITHDRAWN, first_response_at__isnull=True)
        .values_list("post__organization_id", "created_at", "first_response_at", "response_due_on")
    )
    if rows:
        first = min(timezone.localdate(created) for _, created, _, _ in rows)
        holidays = holiday_dates(start=first, end=today + timedelta(days=1))
    else:
        holidays = frozenset()
    buckets: dict[int, list[tuple[date, date | None, date]]] = {}
    for organization_id, created, responded, due in rows:
        answered_on = timezone.localdate(responded) if responded else None
        assert due is not None  # filtered above
        buckets.setdefault(organization_id, []).append(
            (timezone.localdate(created), answered_on, due)
        )
    metrics: dict[int, ResponseMetrics] = {}
    for organization_id in organization_ids:
        counted = on_time = answered = 0
        durations: list[int] = []
        for submitted_on, answered_on, due in buckets.get(organization_id, []):
            if answered_on is None and today <= due:
                continue  # still inside its window: neither kept nor broken yet
            counted += 1
            if answered_on is not None:
                answered += 1
                durations.append(working_days_between(submitted_on, answered_on, holidays))
                if answered_on <= due:
                    on_time += 1
        metrics[organization_id] = ResponseMetrics(
            proposals=counted,
            on_time=on_time,
            answered=answered,
            median_working_days=statistics.median(durations) if durations else None,
        )
    return metrics


def response_metrics_for_organization(
    *, organization: Organization, today: date | None = None
) -> ResponseMetrics | None:
    """For the profile page: None for organisations that are not government bodies."""
    if organization.kind != OrganizationKind.GOVERNMENT:
        return None
    return response_metrics_for_organizations(organization_ids={organization.pk}, today=today)[
        organization.pk
    ]


# --- Dashboard -------------------------------------------------------------------------------
def boards_summary(*, viewer: Viewer) -> dict[str, int]:
    """The boards at a glance for the dashboard: open posts by kind, proposals of the last 30
    days, and the proposals on the viewer's own posts waiting past their response window."""
    since = timezone.now() - timedelta(days=30)
    counts = Post.objects.filter(status=PostStatus.OPEN).aggregate(
        problems=Count("id", filter=Q(kind=PostKind.PROBLEM)),
        projects=Count("id", filter=Q(kind=PostKind.PROJECT)),
        calls=Count("id", filter=Q(kind=PostKind.CALL)),
    )
    return {
        **counts,
        "recent_proposals": Proposal.objects.filter(created_at__gte=since).count(),
        "overdue": proposal_list_overdue_for_viewer(viewer=viewer).count(),
    }
