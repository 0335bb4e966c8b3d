"""`/api/v1/conversations/…` and `/api/v1/blocks/…`: validate, call one service or selector,
answer with the shapes from `payloads.py`. A conversation the caller may not read is a 404."""

from typing import Any, TypeVar

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth import request_user
from accounts.models import User
from core.pagination import PageNumberPagination
from members.models import Organization

from . import selectors, services
from .models import Attachment, Conversation, Message, Purpose
from .payloads import conversation_payload, message_payload

T = TypeVar("T")


# --- Output shapes, for the OpenAPI schema (payloads.py builds the data) -----------------


class SenderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OrganizationRefOutput(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField()
    sender = SenderOutput()
    organization = OrganizationRefOutput(allow_null=True)
    body = serializers.CharField()
    html = serializers.CharField(help_text="The body rendered by the site's sanitiser.")
    client_id = serializers.CharField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()
    attachments = AttachmentOutput(many=True)


class PartyOutput(serializers.Serializer):
    type = serializers.ChoiceField(choices=["user", "organization"])
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField(required=False)
    kind = serializers.CharField(required=False)
    assigned_to = SenderOutput(allow_null=True, required=False)


class ConversationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    # "with" is a Python keyword; the field is declared below.
    inbox = PartyOutput(allow_null=True)
    side = serializers.CharField(help_text='The caller\'s party, as in "u7" or "o12".')
    purpose = serializers.CharField()
    purpose_label = serializers.CharField()
    unread_count = serializers.IntegerField()
    muted = serializers.BooleanField()
    last_message = MessageOutput(allow_null=True)
    last_message_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    url = serializers.CharField()


ConversationOutput._declared_fields["with"] = PartyOutput()


class ConversationDetailOutput(ConversationOutput):
    read_marks = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="How far each other reader has read: user id → last read message id.",
    )


class MessagePageOutput(serializers.Serializer):
    results = MessageOutput(many=True)
    has_more = serializers.BooleanField()


def _conversation_data(user: User, conversation: Conversation) -> dict[str, Any]:
    organization_ids = set(selectors.organization_ids_for_user(user=user))
    return conversation_payload(conversation, user=user, organization_ids=organization_ids)


# --- Conversations ----------------------------------------------------------------------


class ConversationListCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    class ConversationListCreateInput(serializers.Serializer):
        user = serializers.IntegerField(required=False, min_value=1)
        organization = serializers.SlugField(required=False)
        as_organization = serializers.SlugField(
            required=False, help_text="Write on behalf of one of your organisations."
        )
        purpose = serializers.ChoiceField(choices=Purpose.choices, required=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("user" in attrs) == ("organization" in attrs):
                raise serializers.ValidationError(
                    "Give either “user” or “organization”.", code="target"
                )
            return attrs

    @extend_schema(
        operation_id="conversations_list",
        parameters=[
            OpenApiParameter("search", str, description="Name of a person or organisation."),
            OpenApiParameter("unread_first", bool),
        ],
        responses=ConversationOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        queryset = selectors.conversation_list_for_user(
            user=user,
            search=request.query_params.get("search", ""),
            unread_first=request.query_params.get("unread_first") in ("1", "true", "yes"),
        )
        paginator = PageNumberPagination()
        page = selectors.with_last_messages(
            paginator.paginate_queryset(queryset, request, view=self) or []
        )
        organization_ids = set(selectors.organization_ids_for_user(user=user))
        return paginator.get_paginated_response(
            [conversation_payload(c, user=user, organization_ids=organization_ids) for c in page]
        )

    @extend_schema(
        operation_id="conversations_create",
        request=ConversationListCreateInput,
        responses={201: ConversationOutput, 200: ConversationOutput},
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        data = self.ConversationListCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        to_user = to_organization = as_organization = None
        if "user" in values:
            to_user = User.objects.filter(pk=values["user"], is_active=True).first()
            if to_user is None:
                raise exceptions.ValidationError({"user": [_("There is no such person.")]})
        else:
            to_organization = Organization.objects.filter(slug=values["organization"]).first()
            if to_organization is None:
                raise exceptions.ValidationError(
                    {"organization": [_("There is no such organisation.")]}
                )
        if values.get("as_organization"):
            as_organization = Organization.objects.filter(slug=values["as_organization"]).first()
            if as_organization is None:
                raise exceptions.ValidationError(
                    {"as_organization": [_("There is no such organisation.")]}
                )
        conversation, created = services.conversation_get_or_create(
            user=user,
            to_user=to_user,
            to_organization=to_organization,
            as_organization=as_organization,
            purpose=values.get("purpose", ""),
        )
        conversation = selectors.conversation_get_for_user(
            user=user, conversation_id=conversation.pk
        )
        return Response(
            _conversation_data(user, conversation),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ConversationDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="conversations_retrieve", responses=ConversationDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        conversation = selectors.conversation_get_for_user(user=user, conversation_id=pk)
        data = _conversation_data(user, conversation)
        data["read_marks"] = {
            str(k): v
            for k, v in selectors.read_marks_for_conversation(user=user, conversation_id=pk).items()
        }
        return Response(data)


class UnreadApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="conversations_unread",
        responses=inline_serializer("UnreadOutput", {"total": serializers.IntegerField()}),
    )
    def get(self, request: Request) -> Response:
        return Response({"total": selectors.unread_total_for_user(user=request_user(request))})


class ConversationReadApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    class ConversationReadInput(serializers.Serializer):
        message = serializers.IntegerField(
            required=False, min_value=1, help_text="Read up to this message; the newest if absent."
        )

    @extend_schema(
        operation_id="conversations_read",
        request=ConversationReadInput,
        responses=inline_serializer("ReadOutput", {"last_read": serializers.IntegerField()}),
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        data = self.ConversationReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        state = services.conversation_mark_read(
            user=user, conversation_id=pk, message_id=data.validated_data.get("message")
        )
        return Response({"last_read": state.last_read_id})


class ConversationMuteApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    class ConversationMuteInput(serializers.Serializer):
        muted = serializers.BooleanField()

    @extend_schema(
        operation_id="conversations_mute",
        request=ConversationMuteInput,
        responses=inline_serializer("MuteOutput", {"muted": serializers.BooleanField()}),
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        data = self.ConversationMuteInput(data=request.data)
        data.is_valid(raise_exception=True)
        state = services.conversation_set_muted(
            user=user, conversation_id=pk, muted=data.validated_data["muted"]
        )
        return Response({"muted": state.muted})


class ConversationAssignApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    class ConversationAssignInput(serializers.Serializer):
        organization = serializers.SlugField(help_text="Your organisation's side.")
        user = serializers.IntegerField(allow_null=True, help_text="A colleague, or null.")

    @extend_schema(
        operation_id="conversations_assign",
        request=ConversationAssignInput,
        responses=ConversationOutput,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        data = self.ConversationAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        organization = Organization.objects.filter(slug=data.validated_data["organization"]).first()
        if organization is None:
            raise exceptions.NotFound()
        services.conversation_assign(
            user=user,
            conversation_id=pk,
            organization=organization,
            assignee_id=data.validated_data["user"] or None,
        )
        conversation = selectors.conversation_get_for_user(user=user, conversation_id=pk)
        return Response(_conversation_data(user, conversation))


# --- Messages ---------------------------------------------------------------------------


class MessageListSendApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class FilterSerializer(serializers.Serializer):
        after = serializers.IntegerField(required=False, min_value=0)
        before = serializers.IntegerField(required=False, min_value=1)
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=selectors.MESSAGE_PAGE_MAX
        )

    class MessageListSendInput(serializers.Serializer):
        body = serializers.CharField(
            required=False, allow_blank=True, trim_whitespace=False, max_length=20000
        )
        client_id = serializers.CharField(max_length=64)
        attachments = serializers.ListField(
            child=serializers.FileField(), required=False, help_text="Images or PDF, ≤ 10 MB."
        )

    @extend_schema(
        operation_id="conversations_messages_list",
        parameters=[FilterSerializer],
        responses=MessagePageOutput,
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        messages, more = selectors.message_list_for_user(
            user=user,
            conversation_id=pk,
            after=values.get("after"),
            before=values.get("before"),
            limit=values.get("limit", selectors.MESSAGE_PAGE_DEFAULT),
        )
        return Response({"results": [message_payload(m) for m in messages], "has_more": more})

    @extend_schema(
        operation_id="conversations_messages_create",
        request={
            "application/json": MessageListSendInput,
            "multipart/form-data": MessageListSendInput,
        },
        responses={201: MessageOutput, 200: MessageOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        data = self.MessageListSendInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        files = request.FILES.getlist("attachments") if request.FILES else []
        message, created = services.message_send(
            user=user,
            conversation_id=pk,
            body=values.get("body", ""),
            client_id=values["client_id"],
            attachments=files,
        )
        return Response(
            message_payload(message),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MessageDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    class MessageDetailInput(serializers.Serializer):
        body = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=20000)

    def _message(self, user: User, pk: int, message_id: int) -> Message:
        message = selectors.message_get_for_user(user=user, message_id=message_id)
        if message.conversation_id != pk:
            raise exceptions.NotFound()
        return message

    @extend_schema(
        operation_id="conversations_messages_update",
        request=MessageDetailInput,
        responses=MessageOutput,
    )
    def patch(self, request: Request, pk: int, message_id: int) -> Response:
        user = request_user(request)
        self._message(user, pk, message_id)
        data = self.MessageDetailInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_edit(
            user=user, message_id=message_id, body=data.validated_data["body"]
        )
        return Response(message_payload(message))

    @extend_schema(operation_id="conversations_messages_destroy", responses=MessageOutput)
    def delete(self, request: Request, pk: int, message_id: int) -> Response:
        user = request_user(request)
        self._message(user, pk, message_id)
        message = services.message_delete(user=user, message_id=message_id)
        return Response(message_payload(message, attachments=[]))


class MessageReportApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    class MessageReportInput(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    @extend_schema(
        operation_id="conversations_messages_report",
        request=MessageReportInput,
        responses={201: inline_serializer("ReportOutput", {"id": serializers.IntegerField()})},
    )
    def post(self, request: Request, pk: int, message_id: int) -> Response:
        user = request_user(request)
        data = self.MessageReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = selectors.message_get_for_user(user=user, message_id=message_id)
        if message.conversation_id != pk:
            raise exceptions.NotFound()
        report = services.message_report(
            user=user, message_id=message_id, reason=data.validated_data.get("reason", "")
        )
        return Response({"id": report.pk}, status=status.HTTP_201_CREATED)


# --- Blocks -----------------------------------------------------------------------------


class BlockListCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    class BlockListCreateInput(serializers.Serializer):
        user = serializers.IntegerField(min_value=1)

    @extend_schema(
        operation_id="blocks_list",
        responses=SenderOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        blocks = selectors.blocked_list_for_user(user=request_user(request))
        return Response([{"id": b.blocked_id, "name": b.blocked.name} for b in blocks])

    @extend_schema(
        operation_id="blocks_create", request=BlockListCreateInput, responses={201: None}
    )
    def post(self, request: Request) -> Response:
        data = self.BlockListCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        blocked = User.objects.filter(pk=data.validated_data["user"]).first()
        if blocked is None:
            raise exceptions.ValidationError({"user": [_("There is no such person.")]})
        services.block_create(blocker=request_user(request), blocked=blocked)
        return Response(status=status.HTTP_201_CREATED)


class BlockDeleteApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="blocks_destroy", responses={204: None})
    def delete(self, request: Request, user_id: int) -> Response:
        services.block_delete(blocker=request_user(request), blocked_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Routes under /api/v1/ (included by ucs/api.py).
urlpatterns = [
    # Messaging (docs/messaging.md)
    path(
        "conversations/",
        ConversationListCreateApi.as_view(),
        name="conversations",
    ),
    path(
        "conversations/unread/",
        UnreadApi.as_view(),
        name="conversations-unread",
    ),
    path(
        "conversations/<int:pk>/",
        ConversationDetailApi.as_view(),
        name="conversation",
    ),
    path(
        "conversations/<int:pk>/messages/",
        MessageListSendApi.as_view(),
        name="conversation-messages",
    ),
    path(
        "conversations/<int:pk>/messages/<int:message_id>/",
        MessageDetailApi.as_view(),
        name="conversation-message",
    ),
    path(
        "conversations/<int:pk>/messages/<int:message_id>/report/",
        MessageReportApi.as_view(),
        name="conversation-message-report",
    ),
    path(
        "conversations/<int:pk>/read/",
        ConversationReadApi.as_view(),
        name="conversation-read",
    ),
    path(
        "conversations/<int:pk>/mute/",
        ConversationMuteApi.as_view(),
        name="conversation-mute",
    ),
    path(
        "conversations/<int:pk>/assign/",
        ConversationAssignApi.as_view(),
        name="conversation-assign",
    ),
    path("blocks/", BlockListCreateApi.as_view(), name="blocks"),
    path("blocks/<int:user_id>/", BlockDeleteApi.as_view(), name="block"),
]
