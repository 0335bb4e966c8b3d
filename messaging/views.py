"""Pages under `/messages/`: the conversation list, a thread, starting a conversation,
settings, and attachment downloads (for the conversation's readers only)."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.auth import request_user
from accounts.models import User
from core.uploads import private_file_response
from members.models import Organization
from members.selectors import membership_list_for_user

from . import selectors, services
from .forms import AssignForm, ReportForm, SettingsForm, StartForm
from .models import Attachment, Conversation, Message, Purpose
from .payloads import conversation_payload, message_payload, sides


def _list_context(request: HttpRequest, user: User, organization_ids: set[int]) -> dict[str, Any]:
    search = request.GET.get("q", "").strip()
    unread_first = request.GET.get("unread") == "1"
    conversations = selectors.with_last_messages(
        selectors.conversation_list_for_user(user=user, search=search, unread_first=unread_first)[
            :100
        ]
    )
    groups: dict[str, list[dict[str, Any]]] = {}
    for conversation in conversations:
        item = conversation_payload(conversation, user=user, organization_ids=organization_ids)
        label = item["inbox"]["name"] if item["inbox"] else _("Personal")
        groups.setdefault(label, []).append(item)
    personal = _("Personal")
    ordered = sorted(groups.items(), key=lambda pair: (pair[0] != personal, pair[0]))
    return {
        "groups": ordered,
        "search": search,
        "unread_first": unread_first,
        "has_conversations": bool(conversations) or bool(search),
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    organization_ids = set(selectors.organization_ids_for_user(user=user))
    context = _list_context(request, user, organization_ids)
    return render(request, "messaging/inbox.html", context)


@login_required
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    try:
        conversation = selectors.conversation_get_for_user(user=user, conversation_id=pk)
        page, more = selectors.message_list_for_user(user=user, conversation_id=pk)
    except Conversation.DoesNotExist:
        raise Http404 from None
    organization_ids = set(selectors.organization_ids_for_user(user=user))
    item = conversation_payload(conversation, user=user, organization_ids=organization_ids)
    mine, other = sides(conversation, user=user, organization_ids=organization_ids)
    presence = None
    if other.user_id:
        presence = selectors.presence_for_users(user_ids=[other.user_id])[other.user_id]
        presence["last_seen"] = presence["last_seen"].isoformat() if presence["last_seen"] else None
    assignable = (
        list(selectors.assignable_members(organization=mine.organization))
        if mine.organization
        else []
    )
    data = {
        "conversation": item,
        "me": {"id": user.pk, "name": user.name},
        "messages": [message_payload(m) for m in page],
        "has_more": more,
        "read_marks": {
            str(k): v
            for k, v in selectors.read_marks_for_conversation(user=user, conversation_id=pk).items()
        },
        "presence": presence,
        "urls": {
            "messages": reverse("conversation-messages", kwargs={"pk": pk}),
            "read": reverse("conversation-read", kwargs={"pk": pk}),
            "report": reverse("messaging:report", kwargs={"pk": pk}),
        },
        "edit_window_seconds": int(services.EDIT_WINDOW.total_seconds()),
    }
    context = _list_context(request, user, organization_ids)
    context.update(
        {
            "conversation": conversation,
            "item": item,
            "mine": mine,
            "other": other,
            "chat_data": data,
            "assignable": assignable,
            "blocked": other.user_id is not None
            and selectors.is_blocked(blocker_id=user.pk, blocked_id=other.user_id),
            "report_form": ReportForm(),
        }
    )
    return render(request, "messaging/thread.html", context)


def _start(
    request: HttpRequest,
    *,
    to_user: User | None = None,
    to_organization: Organization | None = None,
) -> HttpResponse:
    user = request_user(request)
    target = to_user or to_organization
    assert target is not None
    target_key = services.party_key(target)
    if request.method == "GET":
        existing = selectors.conversation_find_for_user(
            user=user, pair_key=services.pair_key(services.party_key(user), target_key)
        )
        if existing is not None:
            return redirect(existing)
    organizations = [
        m.organization
        for m in membership_list_for_user(user=user)
        if m.organization != to_organization
    ]
    form = StartForm(
        request.POST or None,
        user=user,
        organizations=organizations,
        to_organization=to_organization,
        initial={"purpose": request.GET.get("purpose", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                conversation, _created = services.conversation_get_or_create(
                    user=user,
                    to_user=to_user,
                    to_organization=to_organization,
                    as_organization=form.cleaned_data["as_organization"],
                    purpose=form.cleaned_data.get("purpose", ""),
                )
                services.message_send(
                    user=user,
                    conversation_id=conversation.pk,
                    body=form.cleaned_data["body"],
                    client_id=request.POST.get("client_id") or uuid.uuid4().hex,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(conversation)
    return render(
        request,
        "messaging/start.html",
        {
            "form": form,
            "to_user": to_user,
            "to_organization": to_organization,
            "client_id": uuid.uuid4().hex,
            "purposes": Purpose.choices,
        },
    )


@login_required
def start_user(request: HttpRequest, user_id: int) -> HttpResponse:
    to_user = get_object_or_404(User, pk=user_id, is_active=True)
    if to_user.pk == request.user.pk:
        messages.info(request, _("This is you."))
        return redirect("messaging:inbox")
    return _start(request, to_user=to_user)


@login_required
def start_organization(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    if organization.pk in selectors.organization_ids_for_user(user=request_user(request)):
        messages.info(request, _("You are a member: conversations with it are in your inbox."))
        return redirect("messaging:inbox")
    return _start(request, to_organization=organization)


@login_required
@require_POST
def mute(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        state = services.conversation_set_muted(
            user=request_user(request), conversation_id=pk, muted=request.POST.get("muted") == "1"
        )
    except Conversation.DoesNotExist:
        raise Http404 from None
    messages.success(
        request, _("Conversation muted.") if state.muted else _("Conversation unmuted.")
    )
    return redirect("messaging:thread", pk=pk)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The assignment could not be saved."))
        return redirect("messaging:thread", pk=pk)
    organization = get_object_or_404(Organization, slug=form.cleaned_data["organization"])
    try:
        services.conversation_assign(
            user=user,
            conversation_id=pk,
            organization=organization,
            assignee_id=form.cleaned_data["user"],
        )
    except Conversation.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Assignment saved."))
    return redirect("messaging:thread", pk=pk)


@login_required
@require_POST
def block(request: HttpRequest, pk: int) -> HttpResponse:
    """Block (or unblock) the person on the other side of a direct conversation."""
    user = request_user(request)
    try:
        conversation = selectors.conversation_get_for_user(user=user, conversation_id=pk)
    except Conversation.DoesNotExist:
        raise Http404 from None
    organization_ids = set(selectors.organization_ids_for_user(user=user))
    _mine, other = sides(conversation, user=user, organization_ids=organization_ids)
    if other.user is None:
        raise Http404
    if request.POST.get("blocked") == "1":
        services.block_create(blocker=user, blocked=other.user)
        messages.success(
            request,
            _("%(name)s is blocked. They cannot write to you and are not told.")
            % {"name": other.user.name},
        )
    else:
        services.block_delete(blocker=user, blocked_id=other.user.pk)
        messages.success(request, _("%(name)s is unblocked.") % {"name": other.user.name})
    return redirect("messaging:thread", pk=pk)


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    form = ReportForm(request.POST)
    message_id = request.POST.get("message", "")
    if not message_id.isdigit() or not form.is_valid():
        messages.error(request, _("The report could not be sent."))
        return redirect("messaging:thread", pk=pk)
    try:
        message = selectors.message_get_for_user(user=user, message_id=int(message_id))
        if message.conversation_id != pk:
            raise Message.DoesNotExist
        services.message_report(
            user=user, message_id=message.pk, reason=form.cleaned_data["reason"]
        )
    except (Conversation.DoesNotExist, Message.DoesNotExist):
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you. The moderators will look at this message."))
    return redirect("messaging:thread", pk=pk)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = SettingsForm(
        request.POST or None,
        initial={"email": selectors.email_preference_for_user(user=user)},
    )
    if request.method == "POST" and form.is_valid():
        services.messaging_settings_update(user=user, email=form.cleaned_data["email"])
        messages.success(request, _("Your messaging settings are saved."))
        return redirect("messaging:settings")
    return render(
        request,
        "messaging/settings.html",
        {"form": form, "blocks": selectors.blocked_list_for_user(user=user)},
    )


@login_required
@require_POST
def unblock(request: HttpRequest, user_id: int) -> HttpResponse:
    services.block_delete(blocker=request_user(request), blocked_id=user_id)
    messages.success(request, _("Unblocked."))
    return redirect("messaging:settings")


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    try:
        item = selectors.attachment_get_for_user(user=request_user(request), attachment_id=pk)
    except Attachment.DoesNotExist:
        raise Http404 from None
    # Images show in the thread; PDFs are always downloaded, never opened as a page.
    return private_file_response(
        item.file.open("rb"),
        name=item.name,
        content_type=item.content_type,
        inline=item.kind == Attachment.Kind.IMAGE,
    )
