"""`/api/v1/posts/…` and `/api/v1/proposals/…`: validate, call a service or selector, serialise."""

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import request_user
from core.pagination import PageNumberPagination
from members.models import District

from . import selectors, services
from .models import (
    Category,
    Outcome,
    Post,
    PostKind,
    PostStatus,
    Proposal,
    ProposalStatus,
)


# --- Output ----------------------------------------------------------------------------------
class BoardOrganizationOutput(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.CharField()
    verified = serializers.BooleanField(source="is_verified")


class BoardAttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")


class TimelineEventOutput(serializers.Serializer):
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    outcome = serializers.CharField()
    note = serializers.CharField()
    actor = serializers.CharField(source="actor.name", default=None)
    created_at = serializers.DateTimeField()


class PostOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")
    kind = serializers.ChoiceField(choices=PostKind.choices)
    status = serializers.ChoiceField(choices=PostStatus.choices)
    title = serializers.CharField()
    summary = serializers.CharField()
    organization = BoardOrganizationOutput()
    categories = serializers.ListField(child=serializers.CharField())
    districts = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    deadline = serializers.DateField()
    budget_min = serializers.IntegerField(allow_null=True)
    budget_max = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField()
    outcome_statement = serializers.CharField()
    proposal_count = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class PostDetailOutput(PostOutput):
    body = serializers.CharField(help_text="Markdown, as written.")
    expected_outcome = serializers.CharField()
    contact_name = serializers.CharField()
    contact_email = serializers.SerializerMethodField()
    attachments = BoardAttachmentOutput(many=True, source="attachments.all")
    timeline = TimelineEventOutput(many=True, source="timeline_events")

    def get_contact_email(self, post: Post) -> str | None:
        # Like the page: the contact address is for signed-in members, not for scrapers.
        request = self.context.get("request")
        return post.contact_email if request and request.user.is_authenticated else None


class ProposalOutput(serializers.Serializer):
    id = serializers.IntegerField()
    post = serializers.IntegerField(source="post_id")
    organization = BoardOrganizationOutput()
    summary = serializers.CharField()
    approach = serializers.CharField()
    team = serializers.CharField()
    timeline = serializers.CharField()
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    decision_reason = serializers.CharField()
    response_due_on = serializers.DateField(allow_null=True)
    first_response_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField(source="is_overdue")
    created_at = serializers.DateTimeField()
    attachments = BoardAttachmentOutput(many=True, source="attachments.all")


def _post_detail(post: Post, request: Request) -> dict[str, Any]:
    post.timeline_events = list(selectors.post_timeline(post=post))  # type: ignore[attr-defined]
    return PostDetailOutput(post, context={"request": request}).data


# --- Input -----------------------------------------------------------------------------------
class PostFieldsInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500)
    body = serializers.CharField()
    expected_outcome = serializers.CharField()
    deadline = serializers.DateField()
    contact_name = serializers.CharField(max_length=150)
    contact_email = serializers.EmailField()
    budget_min = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    budget_max = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), min_length=1
    )
    districts = serializers.ListField(
        child=serializers.ChoiceField(choices=District.choices), required=False
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=12
    )


class PostCreateInput(PostFieldsInput):
    organization = serializers.SlugField(help_text="Slug of one of your organisations.")
    kind = serializers.ChoiceField(choices=PostKind.choices)
    status = serializers.ChoiceField(
        choices=[PostStatus.DRAFT, PostStatus.OPEN],
        default=PostStatus.DRAFT,
        help_text="`open` publishes at once.",
    )


class PostUpdateInput(PostFieldsInput):
    kind = serializers.ChoiceField(choices=PostKind.choices, required=False)
    status = serializers.ChoiceField(
        choices=PostStatus.choices, required=False, help_text="Move the post along its lifecycle."
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        help_text="Required when completing or closing.",
    )
    statement = serializers.CharField(
        required=False,
        help_text="The public outcome statement; required when completing or closing.",
    )


class ProposalCreateInput(serializers.Serializer):
    organization = serializers.SlugField(help_text="Slug of one of your organisations.")
    summary = serializers.CharField(max_length=500)
    approach = serializers.CharField()
    team = serializers.CharField()
    timeline = serializers.CharField()


class ProposalUpdateInput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            ProposalStatus.SHORTLISTED,
            ProposalStatus.ACCEPTED,
            ProposalStatus.DECLINED,
            ProposalStatus.WITHDRAWN,
        ],
        help_text=(
            "The posting organisation shortlists, accepts or declines; the proposer withdraws."
        ),
    )
    reason = serializers.CharField(
        required=False, default="", help_text="Required when declining; the proposer sees it."
    )


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField(help_text="A PDF, or a PNG, JPEG or WebP image; at most 10 MB.")


class MatchOutput(serializers.Serializer):
    organization = BoardOrganizationOutput()
    score = serializers.FloatField()
    reasons = serializers.DictField(
        help_text="`categories`, `tags`, `words` (lists), `district`, `kind`."
    )


FILTER_PARAMETERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, enum=PostKind.values),
    OpenApiParameter("category", OpenApiTypes.STR, enum=Category.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=PostStatus.values),
    OpenApiParameter("district", OpenApiTypes.STR, enum=District.values),
    OpenApiParameter("organization", OpenApiTypes.STR, description="Organisation slug."),
    OpenApiParameter("search", OpenApiTypes.STR),
    OpenApiParameter("ordering", OpenApiTypes.STR, enum=["newest", "deadline"]),
]


class PostFilterInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PostKind.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    status = serializers.ChoiceField(choices=PostStatus.choices, required=False)
    district = serializers.ChoiceField(choices=District.choices, required=False)
    organization = serializers.SlugField(required=False)
    search = serializers.CharField(required=False, max_length=100)
    ordering = serializers.ChoiceField(choices=["newest", "deadline"], required=False)


# --- Views -----------------------------------------------------------------------------------
class PostListCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="posts_list",
        parameters=FILTER_PARAMETERS,
        responses=PostOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        params = PostFilterInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = selectors.PostFilters(
            kind=data.get("kind", ""),
            category=data.get("category", ""),
            status=data.get("status", ""),
            district=data.get("district", ""),
            organization=data.get("organization", ""),
            search=data.get("search", ""),
            ordering=data.get("ordering", "newest"),
        )
        posts = selectors.post_list(viewer=request.user, filters=filters)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(posts, request, view=self)
        return paginator.get_paginated_response(PostOutput(page, many=True).data)

    @extend_schema(
        operation_id="posts_create",
        request=PostCreateInput,
        responses={201: PostDetailOutput},
    )
    def post(self, request: Request) -> Response:
        serializer = PostCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        publish = data.pop("status") == PostStatus.OPEN
        post = services.post_create(
            user=request_user(request),
            organization_slug=data.pop("organization"),
            publish=publish,
            **data,
        )
        post = selectors.post_get_for_viewer(post_id=post.pk, viewer=request.user)
        return Response(_post_detail(post, request), status=status.HTTP_201_CREATED)


class PostDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(operation_id="posts_retrieve", responses=PostDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
        return Response(_post_detail(post, request))

    @extend_schema(
        operation_id="posts_partial_update",
        request=PostUpdateInput,
        responses=PostDetailOutput,
        description=(
            "Update details (members of the posting organisation) and/or change the status. "
            "Legal moves: draft→open, open→reviewing, reviewing→in_progress, "
            "in_progress→completed, and any non-final status→closed. Completing and closing "
            "need `outcome` and `statement`. Moderators may only close."
        ),
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        post = selectors.post_get_for_viewer(post_id=pk, viewer=user)
        serializer = PostUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        to_status = data.pop("status", None)
        outcome = data.pop("outcome", "")
        statement = data.pop("statement", "")
        if data:
            post = services.post_update(user=user, post=post, **data)
        if to_status and to_status != post.status:
            post = services.post_transition(
                user=user, post=post, to_status=to_status, outcome=outcome, statement=statement
            )
        post = selectors.post_get_for_viewer(post_id=pk, viewer=user)
        return Response(_post_detail(post, request))


class PostFollowApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="posts_follow", request=None, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
        services.post_follow(user=request_user(request), post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(operation_id="posts_unfollow", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
        services.post_unfollow(user=request_user(request), post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostProposalsApi(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="posts_proposals_list",
        responses=ProposalOutput(many=True),
        description=(
            "The posting organisation's members see every proposal, a proposer's members "
            "their own, everyone else an empty list (the count is on the post)."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
        proposals = selectors.proposal_list_for_post(post=post, viewer=request.user)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(proposals, request, view=self)
        return paginator.get_paginated_response(ProposalOutput(page, many=True).data)

    @extend_schema(
        operation_id="posts_proposals_create",
        request=ProposalCreateInput,
        responses={201: ProposalOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        post = selectors.post_get_for_viewer(post_id=pk, viewer=user)
        serializer = ProposalCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        proposal = services.proposal_submit(
            user=user, post=post, organization_slug=data.pop("organization"), **data
        )
        proposal = selectors.proposal_get_for_viewer(proposal_id=proposal.pk, viewer=user)
        return Response(ProposalOutput(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="proposals_retrieve", responses=ProposalOutput)
    def get(self, request: Request, pk: int) -> Response:
        proposal = selectors.proposal_get_for_viewer(proposal_id=pk, viewer=request.user)
        return Response(ProposalOutput(proposal).data)

    @extend_schema(
        operation_id="proposals_partial_update",
        request=ProposalUpdateInput,
        responses=ProposalOutput,
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        proposal: Proposal = selectors.proposal_get_for_viewer(proposal_id=pk, viewer=user)
        serializer = ProposalUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.proposal_set_status(
            user=user,
            proposal=proposal,
            status=serializer.validated_data["status"],
            reason=serializer.validated_data["reason"],
        )
        proposal = selectors.proposal_get_for_viewer(proposal_id=pk, viewer=user)
        return Response(ProposalOutput(proposal).data)


class PostAttachmentsApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="posts_attachments_create",
        request={"multipart/form-data": AttachmentInput},
        responses={201: BoardAttachmentOutput},
        description="Members of the posting organisation attach a file, checked by content.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        post = selectors.post_get_for_viewer(post_id=pk, viewer=user)
        serializer = AttachmentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            user=user, post=post, upload=serializer.validated_data["file"]
        )
        return Response(BoardAttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class ProposalAttachmentsApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="proposals_attachments_create",
        request={"multipart/form-data": AttachmentInput},
        responses={201: BoardAttachmentOutput},
        description="Members of the proposing organisation attach a file, checked by content.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        proposal = selectors.proposal_get_for_viewer(proposal_id=pk, viewer=user)
        serializer = AttachmentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            user=user, proposal=proposal, upload=serializer.validated_data["file"]
        )
        return Response(BoardAttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class PostMatchesApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="posts_matches_list",
        responses=MatchOutput(many=True),
        description=(
            "Organisations suggested for a published problem or call, best first, with the "
            "reasons. Only the posting organisation's members see them; others get an empty list."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
        matches = selectors.post_matches_for_viewer(post=post, viewer=request.user)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(matches, request, view=self)
        return paginator.get_paginated_response(MatchOutput(page, many=True).data)


# Routes under /api/v1/ (included by ucs/api.py).
urlpatterns = [
    path("posts/", PostListCreateApi.as_view(), name="post-list"),
    path("posts/<int:pk>/", PostDetailApi.as_view(), name="post-detail"),
    path("posts/<int:pk>/follow/", PostFollowApi.as_view(), name="post-follow"),
    path(
        "posts/<int:pk>/proposals/",
        PostProposalsApi.as_view(),
        name="post-proposals",
    ),
    path(
        "posts/<int:pk>/attachments/",
        PostAttachmentsApi.as_view(),
        name="post-attachments",
    ),
    path("posts/<int:pk>/matches/", PostMatchesApi.as_view(), name="post-matches"),
    path("proposals/<int:pk>/", ProposalDetailApi.as_view(), name="proposal-detail"),
    path(
        "proposals/<int:pk>/attachments/",
        ProposalAttachmentsApi.as_view(),
        name="proposal-attachments",
    ),
]
