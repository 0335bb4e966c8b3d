"""`/api/v1/` endpoints of the members app: one small view per resource, nested Input/Output
serializers, every write through `members.services`, every private read through selectors."""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, parsers, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.auth import request_user
from accounts.models import User
from core.markdown import render_markdown

from . import selectors, services
from .filters import OrganizationFilter
from .models import (
    District,
    Organization,
    OrganizationKind,
    Role,
    Shortlist,
    ShortlistEntry,
    SizeBand,
    WorkingLanguage,
)

T = TypeVar("T")


# --- Serializers ------------------------------------------------------------------------


class OrganizationOutput(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    tagline = serializers.CharField()
    district = serializers.CharField()
    verified = serializers.BooleanField(source="is_verified")
    verified_at = serializers.DateTimeField(allow_null=True)
    logo = serializers.ImageField(allow_null=True)
    logo_thumb = serializers.ImageField(allow_null=True)
    tags = serializers.SerializerMethodField()
    website = serializers.URLField()
    url = serializers.CharField(source="get_absolute_url")
    created_at = serializers.DateTimeField()

    def get_tags(self, organization: Organization) -> list[str]:
        return [tag.name for tag in organization.tags.all()]

    def to_representation(self, instance: Organization) -> dict[str, Any]:
        data = super().to_representation(instance)
        for name in ("logo", "logo_thumb"):
            data[name] = data[name] or None
        return data


class OrganizationDetailOutput(OrganizationOutput):
    description = serializers.CharField()
    description_html = serializers.SerializerMethodField()
    public_email = serializers.EmailField()
    phone = serializers.CharField()
    address = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    founded_year = serializers.IntegerField(allow_null=True)
    size = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    bin = serializers.CharField()
    linkedin_url = serializers.URLField()
    telegram_url = serializers.URLField()
    instagram_url = serializers.URLField()
    facebook_url = serializers.URLField()
    youtube_url = serializers.URLField()
    can_post_city_problems = serializers.BooleanField()
    updated_at = serializers.DateTimeField()

    def get_description_html(self, organization: Organization) -> str:
        return str(render_markdown(organization.description))


class OrganizationInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    tagline = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    district = serializers.ChoiceField(choices=District.choices, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    public_email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    founded_year = serializers.IntegerField(required=False, allow_null=True)
    size = serializers.ChoiceField(choices=SizeBand.choices, required=False, allow_blank=True)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=WorkingLanguage.choices), required=False
    )
    bin = serializers.CharField(max_length=12, required=False, allow_blank=True)
    linkedin_url = serializers.URLField(required=False, allow_blank=True)
    telegram_url = serializers.URLField(required=False, allow_blank=True)
    instagram_url = serializers.URLField(required=False, allow_blank=True)
    facebook_url = serializers.URLField(required=False, allow_blank=True)
    youtube_url = serializers.URLField(required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=12
    )


class MemberOutput(serializers.Serializer):
    user = inline_serializer(
        "MemberUser", {"id": serializers.IntegerField(), "name": serializers.CharField()}
    )
    role = serializers.ChoiceField(choices=Role.choices)
    title = serializers.CharField()
    is_public = serializers.BooleanField()
    joined_at = serializers.DateTimeField(source="created_at")


class InvitationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.CharField()
    expires_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


class JoinRequestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.SlugField(source="organization.slug")
    user = inline_serializer(
        "JoinRequestUser", {"id": serializers.IntegerField(), "name": serializers.CharField()}
    )
    message = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ShortlistEntryOutput(serializers.Serializer):
    organization = OrganizationOutput()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ShortlistOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    owner = inline_serializer(
        "ShortlistOwner", {"id": serializers.IntegerField(), "name": serializers.CharField()}
    )
    team = serializers.SlugField(source="team.slug", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ShortlistDetailOutput(ShortlistOutput):
    entries = serializers.SerializerMethodField()

    @extend_schema_field(ShortlistEntryOutput(many=True))
    def get_entries(self, shortlist: Shortlist) -> list[dict[str, Any]]:
        entries = selectors.shortlist_entries(shortlist=shortlist)
        return ShortlistEntryOutput(entries, many=True, context=self.context).data  # type: ignore[return-value]


# --- Organisations ----------------------------------------------------------------------


class OrganizationListCreateApi(generics.GenericAPIView):
    """List the directory (same filters as `/members/`), or register an organisation."""

    queryset = Organization.objects.all()
    filterset_class = OrganizationFilter
    serializer_class = OrganizationOutput
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=OrganizationOutput(many=True), operation_id="organizations_list")
    def get(self, request: Request) -> Response:
        organizations = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(organizations)
        data = OrganizationOutput(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=OrganizationInput,
        responses={201: OrganizationDetailOutput},
        operation_id="organizations_create",
    )
    def post(self, request: Request) -> Response:
        serializer = OrganizationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = services.organization_create(
            creator=request_user(request),
            name=data.pop("name"),
            kind=data.pop("kind"),
            tags=data.pop("tags", []),
            **data,
        )
        organization = selectors.organization_get_public(slug=organization.slug)
        output = OrganizationDetailOutput(organization, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


class OrganizationDetailApi(generics.GenericAPIView):
    """Read a profile; owners and admins update it (PATCH changes only the fields sent)."""

    serializer_class = OrganizationDetailOutput
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=OrganizationDetailOutput, operation_id="organizations_retrieve")
    def get(self, request: Request, slug: str) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        return Response(OrganizationDetailOutput(organization, context={"request": request}).data)

    def _update(self, request: Request, slug: str, *, partial: bool) -> Response:
        organization, _membership = selectors.organization_get_for_manager(
            user=request.user, slug=slug
        )
        serializer = OrganizationInput(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        tags = data.pop("tags", None)
        services.organization_update(
            actor=request_user(request), organization=organization, data=data, tags=tags
        )
        organization = selectors.organization_get_public(slug=slug)
        return Response(OrganizationDetailOutput(organization, context={"request": request}).data)

    @extend_schema(
        request=OrganizationInput,
        responses=OrganizationDetailOutput,
        operation_id="organizations_update",
    )
    def put(self, request: Request, slug: str) -> Response:
        return self._update(request, slug, partial=False)

    @extend_schema(
        request=OrganizationInput,
        responses=OrganizationDetailOutput,
        operation_id="organizations_partial_update",
    )
    def patch(self, request: Request, slug: str) -> Response:
        return self._update(request, slug, partial=True)


class OrganizationVerifyApi(generics.GenericAPIView):
    """Moderators verify (POST) or withdraw the verification (DELETE)."""

    serializer_class = OrganizationDetailOutput
    permission_classes = [permissions.IsAdminUser]

    @extend_schema(request=None, responses=OrganizationDetailOutput)
    def post(self, request: Request, slug: str) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        services.organization_verify(moderator=request_user(request), organization=organization)
        return Response(OrganizationDetailOutput(organization, context={"request": request}).data)

    @extend_schema(request=None, responses=OrganizationDetailOutput)
    def delete(self, request: Request, slug: str) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        services.organization_unverify(moderator=request_user(request), organization=organization)
        return Response(OrganizationDetailOutput(organization, context={"request": request}).data)


class OrganizationLogoApi(generics.GenericAPIView):
    """Owners and admins upload (PUT, multipart `logo`) or remove (DELETE) the logo."""

    serializer_class = OrganizationDetailOutput
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.MultiPartParser]

    class LogoInput(serializers.Serializer):
        logo = serializers.FileField()

    @extend_schema(request={"multipart/form-data": LogoInput}, responses=OrganizationDetailOutput)
    def put(self, request: Request, slug: str) -> Response:
        organization, _membership = selectors.organization_get_for_manager(
            user=request.user, slug=slug
        )
        serializer = self.LogoInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.organization_set_logo(
                actor=request_user(request),
                organization=organization,
                upload=serializer.validated_data["logo"],
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"logo": exc.messages}) from exc
        return Response(OrganizationDetailOutput(organization, context={"request": request}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, slug: str) -> Response:
        organization, _membership = selectors.organization_get_for_manager(
            user=request.user, slug=slug
        )
        services.organization_remove_logo(actor=request_user(request), organization=organization)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Team -------------------------------------------------------------------------------


class MemberListApi(generics.GenericAPIView):
    """The team as the caller may see it: public members for everyone, all for colleagues."""

    serializer_class = MemberOutput
    permission_classes = [permissions.AllowAny]
    filter_backends: list[Any] = []

    @extend_schema(responses=MemberOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        team = selectors.organization_team(user=request.user, organization=organization)
        page = self.paginate_queryset(team)
        return self.get_paginated_response(MemberOutput(page, many=True).data)


class MemberDetailApi(generics.GenericAPIView):
    """Change a member's role (PATCH) or remove them (DELETE; removing yourself is leaving)."""

    serializer_class = MemberOutput
    permission_classes = [permissions.IsAuthenticated]

    class MemberRoleInput(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=MemberRoleInput, responses=MemberOutput)
    def patch(self, request: Request, slug: str, user_id: int) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        serializer = self.MemberRoleInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_change_role(
            actor=request_user(request),
            organization=organization,
            user=selectors.team_member_get(organization=organization, user_id=user_id),
            role=serializer.validated_data["role"],
        )
        return Response(MemberOutput(membership).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, slug: str, user_id: int) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        member = selectors.team_member_get(organization=organization, user_id=user_id)
        if member.pk == request.user.pk:
            services.membership_leave(user=member, organization=organization)
        else:
            services.membership_remove(
                actor=request_user(request), organization=organization, user=member
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TransferOwnershipApi(generics.GenericAPIView):
    """An owner hands ownership to a colleague and stays on as admin."""

    serializer_class = MemberOutput
    permission_classes = [permissions.IsAuthenticated]

    class TransferOwnershipInput(serializers.Serializer):
        user = serializers.IntegerField()

    @extend_schema(request=TransferOwnershipInput, responses=MemberOutput)
    def post(self, request: Request, slug: str) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        serializer = self.TransferOwnershipInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = selectors.team_member_get(
            organization=organization, user_id=serializer.validated_data["user"]
        )
        membership = services.membership_transfer_ownership(
            actor=request_user(request), organization=organization, to_user=target
        )
        return Response(MemberOutput(membership).data)


# --- Invitations ------------------------------------------------------------------------


class InvitationListCreateApi(generics.GenericAPIView):
    """Owners and admins list the open invitations and invite people by email."""

    serializer_class = InvitationOutput
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list[Any] = []

    class InvitationInput(serializers.Serializer):
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)

    @extend_schema(responses=InvitationOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        invitations = selectors.invitation_list_for_organization(
            user=request.user, organization=organization
        )
        page = self.paginate_queryset(invitations)
        return self.get_paginated_response(InvitationOutput(page, many=True).data)

    @extend_schema(request=InvitationInput, responses={201: InvitationOutput})
    def post(self, request: Request, slug: str) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        selectors.membership_require_manager(user=request.user, organization=organization)
        serializer = self.InvitationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            actor=request_user(request), organization=organization, **serializer.validated_data
        )
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class InvitationRevokeApi(generics.GenericAPIView):
    serializer_class = InvitationOutput
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        selectors.membership_require_manager(user=request.user, organization=organization)
        invitation = selectors.invitation_get_for_organization(organization=organization, pk=pk)
        services.invitation_revoke(actor=request_user(request), invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAnswerApi(generics.GenericAPIView):
    """Accept or decline an invitation with the token from its email link."""

    serializer_class = MemberOutput
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: MemberOutput, 204: None},
        parameters=[
            OpenApiParameter("decision", str, OpenApiParameter.PATH, enum=["accept", "decline"])
        ],
    )
    def post(self, request: Request, token: str, decision: str) -> Response:
        invitation = selectors.invitation_get_by_token(token=token)
        if decision == "decline":
            services.invitation_decline(user=request_user(request), invitation=invitation)
            return Response(status=status.HTTP_204_NO_CONTENT)
        membership = services.invitation_accept(user=request_user(request), invitation=invitation)
        return Response(MemberOutput(membership).data)


# --- Join requests ----------------------------------------------------------------------


class JoinRequestListCreateApi(generics.GenericAPIView):
    """Anyone signed in asks to join (POST); owners and admins list the pending requests."""

    serializer_class = JoinRequestOutput
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list[Any] = []

    class JoinRequestInput(serializers.Serializer):
        message = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    @extend_schema(responses=JoinRequestOutput(many=True))
    def get(self, request: Request, slug: str) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        requests = selectors.join_request_list_for_organization(
            user=request.user, organization=organization
        )
        page = self.paginate_queryset(requests)
        return self.get_paginated_response(JoinRequestOutput(page, many=True).data)

    @extend_schema(request=JoinRequestInput, responses={201: JoinRequestOutput})
    def post(self, request: Request, slug: str) -> Response:
        organization = selectors.organization_get_public(slug=slug)
        serializer = self.JoinRequestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        join_request = services.join_request_create(
            user=request_user(request),
            organization=organization,
            message=serializer.validated_data.get("message", ""),
        )
        return Response(JoinRequestOutput(join_request).data, status=status.HTTP_201_CREATED)


class JoinRequestDecideApi(generics.GenericAPIView):
    serializer_class = JoinRequestOutput
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses=JoinRequestOutput,
        parameters=[
            OpenApiParameter("decision", str, OpenApiParameter.PATH, enum=["approve", "decline"])
        ],
    )
    def post(self, request: Request, pk: int, decision: str) -> Response:
        join_request = selectors.join_request_get_for_manager(user=request.user, pk=pk)
        if decision == "approve":
            services.join_request_approve(actor=request_user(request), join_request=join_request)
        else:
            services.join_request_decline(actor=request_user(request), join_request=join_request)
        join_request.refresh_from_db()
        return Response(JoinRequestOutput(join_request).data)


# --- Shortlists -------------------------------------------------------------------------


class ShortlistInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    team = serializers.SlugField(required=False, allow_null=True, default=None)


def _team_for(user: User, slug: str | None) -> Organization | None:
    if not slug:
        return None
    return get_object_or_404(Organization, slug=slug, memberships__user=user)


class ShortlistListCreateApi(generics.GenericAPIView):
    serializer_class = ShortlistOutput
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list[Any] = []

    @extend_schema(responses=ShortlistOutput(many=True))
    def get(self, request: Request) -> Response:
        shortlists: QuerySet[Shortlist] = selectors.shortlist_list_for_user(
            user=request_user(request)
        )
        page = self.paginate_queryset(shortlists)
        return self.get_paginated_response(ShortlistOutput(page, many=True).data)

    @extend_schema(request=ShortlistInput, responses={201: ShortlistOutput})
    def post(self, request: Request) -> Response:
        serializer = ShortlistInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        shortlist = services.shortlist_create(
            owner=request_user(request),
            name=serializer.validated_data["name"],
            team=_team_for(request_user(request), serializer.validated_data["team"]),
        )
        return Response(ShortlistOutput(shortlist).data, status=status.HTTP_201_CREATED)


class ShortlistDetailApi(generics.GenericAPIView):
    serializer_class = ShortlistDetailOutput
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ShortlistDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        shortlist = selectors.shortlist_get_for_user(user=request.user, pk=pk)
        return Response(ShortlistDetailOutput(shortlist, context={"request": request}).data)

    @extend_schema(request=ShortlistInput, responses=ShortlistOutput)
    def patch(self, request: Request, pk: int) -> Response:
        shortlist = selectors.shortlist_get_for_user(user=request.user, pk=pk)
        serializer = ShortlistInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.shortlist_update(
            actor=request_user(request),
            shortlist=shortlist,
            name=serializer.validated_data["name"],
            team=_team_for(request_user(request), serializer.validated_data["team"]),
        )
        return Response(ShortlistOutput(shortlist).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        shortlist = selectors.shortlist_get_for_user(user=request.user, pk=pk)
        services.shortlist_delete(actor=request_user(request), shortlist=shortlist)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShortlistEntryInput(serializers.Serializer):
    organization = serializers.SlugField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ShortlistEntryCreateApi(generics.GenericAPIView):
    serializer_class = ShortlistEntryOutput
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ShortlistEntryInput, responses={201: ShortlistEntryOutput})
    def post(self, request: Request, pk: int) -> Response:
        shortlist = selectors.shortlist_get_for_user(user=request.user, pk=pk)
        serializer = ShortlistEntryInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = selectors.organization_get_public(
            slug=serializer.validated_data["organization"]
        )
        entry = services.shortlist_add(
            actor=request_user(request),
            shortlist=shortlist,
            organization=organization,
            note=serializer.validated_data["note"],
        )
        output = ShortlistEntryOutput(entry, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


class ShortlistEntryDetailApi(generics.GenericAPIView):
    serializer_class = ShortlistEntryOutput
    permission_classes = [permissions.IsAuthenticated]

    class ShortlistNoteInput(serializers.Serializer):
        note = serializers.CharField(max_length=2000, allow_blank=True)

    def _entry(self, request: Request, pk: int, slug: str) -> ShortlistEntry:
        shortlist = selectors.shortlist_get_for_user(user=request.user, pk=pk)
        return selectors.shortlist_entry_get(shortlist=shortlist, slug=slug)

    @extend_schema(request=ShortlistNoteInput, responses=ShortlistEntryOutput)
    def patch(self, request: Request, pk: int, slug: str) -> Response:
        entry = self._entry(request, pk, slug)
        serializer = self.ShortlistNoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.shortlist_entry_update(entry=entry, note=serializer.validated_data["note"])
        return Response(ShortlistEntryOutput(entry, context={"request": request}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int, slug: str) -> Response:
        entry = self._entry(request, pk, slug)
        services.shortlist_remove(shortlist=entry.shortlist, organization=entry.organization)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Tags -------------------------------------------------------------------------------


class TagSuggestApi(generics.GenericAPIView):
    """Autocomplete for the shared expertise vocabulary."""

    permission_classes = [permissions.AllowAny]
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("search", str, required=True)],
        responses=inline_serializer(
            "TagList", {"name": serializers.CharField(), "slug": serializers.CharField()}, many=True
        ),
    )
    def get(self, request: Request) -> Response:
        tags = selectors.tag_suggest(prefix=request.query_params.get("search", ""))
        return Response([{"name": tag.name, "slug": tag.slug} for tag in tags])


urlpatterns = [
    path("organizations/", OrganizationListCreateApi.as_view(), name="organization-list"),
    path("organizations/<slug:slug>/", OrganizationDetailApi.as_view(), name="organization-detail"),
    path(
        "organizations/<slug:slug>/logo/", OrganizationLogoApi.as_view(), name="organization-logo"
    ),
    path(
        "organizations/<slug:slug>/verify/",
        OrganizationVerifyApi.as_view(),
        name="organization-verify",
    ),
    path(
        "organizations/<slug:slug>/members/", MemberListApi.as_view(), name="organization-members"
    ),
    path(
        "organizations/<slug:slug>/members/<int:user_id>/",
        MemberDetailApi.as_view(),
        name="organization-member",
    ),
    path(
        "organizations/<slug:slug>/transfer-ownership/",
        TransferOwnershipApi.as_view(),
        name="organization-transfer-ownership",
    ),
    path(
        "organizations/<slug:slug>/invitations/",
        InvitationListCreateApi.as_view(),
        name="organization-invitations",
    ),
    path(
        "organizations/<slug:slug>/invitations/<int:pk>/",
        InvitationRevokeApi.as_view(),
        name="organization-invitation",
    ),
    path(
        "organizations/<slug:slug>/join-requests/",
        JoinRequestListCreateApi.as_view(),
        name="organization-join-requests",
    ),
    path(
        "invitations/<str:token>/<str:decision>/",
        InvitationAnswerApi.as_view(),
        name="invitation-answer",
    ),
    path(
        "join-requests/<int:pk>/<str:decision>/",
        JoinRequestDecideApi.as_view(),
        name="join-request-decide",
    ),
    path("shortlists/", ShortlistListCreateApi.as_view(), name="shortlist-list"),
    path("shortlists/<int:pk>/", ShortlistDetailApi.as_view(), name="shortlist-detail"),
    path(
        "shortlists/<int:pk>/entries/",
        ShortlistEntryCreateApi.as_view(),
        name="shortlist-entries",
    ),
    path(
        "shortlists/<int:pk>/entries/<slug:slug>/",
        ShortlistEntryDetailApi.as_view(),
        name="shortlist-entry",
    ),
    path("tags/", TagSuggestApi.as_view(), name="tag-list"),
]
