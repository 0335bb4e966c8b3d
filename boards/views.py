"""Pages of the boards: thin, each validates input, calls one service or selector, renders."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.auth import request_user
from core.uploads import private_file_response
from members.models import Organization
from members.selectors import membership_pick_active

from . import selectors, services
from .forms import (
    BoardFilterForm,
    PostForm,
    ProposalDecisionForm,
    ProposalForm,
    TransitionForm,
)
from .models import Outcome, Post, PostKind, PostStatus
from .services import OUTCOMES_FOR, TRANSITIONS

PAGE_SIZE = 20


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


# --- The boards ------------------------------------------------------------------------------
@require_GET
def board_list(request: HttpRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.PostFilters(
        kind=data.get("kind", ""),
        category=data.get("category", ""),
        status=data.get("status", ""),
        district=data.get("district", ""),
        organization=data.get("organization", ""),
        search=data.get("q", ""),
        ordering=data.get("sort") or "newest",
    )
    posts = selectors.post_list(viewer=request.user, filters=filters)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    organization = (
        Organization.objects.filter(slug=filters.organization).first()
        if filters.organization
        else None
    )
    can_post = bool(selectors.viewer_organization_ids(viewer=request.user))
    # Flag to a department what waits past the response window (one query, members only).
    overdue = list(selectors.proposal_list_overdue_for_viewer(viewer=request.user)[:6])
    return render(
        request,
        "boards/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
            "filter_organization": organization,
            "can_post": can_post,
            "overdue": overdue[:5],
            "more_overdue": len(overdue) > 5,
        },
    )


# --- Writing posts ---------------------------------------------------------------------------
def _post_service_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "summary": data["summary"],
        "body": data["body"],
        "expected_outcome": data["expected_outcome"],
        "deadline": data["deadline"],
        "budget_min": data.get("budget_min"),
        "budget_max": data.get("budget_max"),
        "contact_name": data["contact_name"],
        "contact_email": data["contact_email"],
    }


@login_required
def post_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    memberships = list(selectors.viewer_memberships(viewer=user))
    if not memberships:
        messages.info(
            request,
            _("Join or create an organisation first: posts are published by organisations."),
        )
        return redirect("members:directory")
    problem_organizations = [
        m.organization.slug
        for m in memberships
        if selectors.can_publish_problems(organization=m.organization)
    ]
    kind = request.GET.get("kind", PostKind.PROJECT)
    if kind == PostKind.PROBLEM and not problem_organizations:
        kind = PostKind.PROJECT
    initial = {"kind": kind, "contact_name": user.name, "contact_email": user.email}
    # Preselect the organisation the user acts for (the switcher in the account menu).
    active = membership_pick_active(memberships=memberships, request_session=request.session)
    if kind == PostKind.PROBLEM:
        if active and active.organization.slug in problem_organizations:
            initial["organization"] = active.organization.slug
        elif len(problem_organizations) == 1:
            initial["organization"] = problem_organizations[0]
    elif active:
        initial["organization"] = active.organization.slug
    form = PostForm(
        request.POST or None,
        request.FILES or None,
        memberships=memberships,
        allow_problem=bool(problem_organizations),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = services.post_create(
                user=user,
                organization_slug=data["organization"],
                kind=data["kind"],
                categories=data["categories"],
                districts=data["districts"],
                tags=data["tags"],
                publish=request.POST.get("action") == "publish",
                attachments=data["attachments"],
                **_post_service_fields(data),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if post.status == PostStatus.OPEN:
                messages.success(request, _("Your post is published."))
            else:
                messages.success(request, _("Your draft is saved. Publish it when it is ready."))
            return redirect(post)
    return render(
        request,
        "boards/post_form.html",
        {"form": form, "post": None, "problem_organizations": problem_organizations},
    )


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    post = selectors.post_get_for_manager(post_id=pk, viewer=user)
    if post.is_terminal:
        messages.error(request, _("A completed or closed post can no longer be edited."))
        return redirect(post)
    initial = {
        "kind": post.kind,
        "categories": post.categories,
        "districts": post.districts,
        "tags": ", ".join(post.tags),
        **{name: getattr(post, name) for name in services.POST_FIELDS},
    }
    form = PostForm(
        request.POST or None,
        request.FILES or None,
        memberships=[],
        editing=True,
        allow_problem=selectors.can_publish_problems(organization=post.organization),
        initial=initial,
    )
    if post.status != PostStatus.DRAFT:
        form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.post_update(
                user=user,
                post=post,
                kind=data["kind"],
                categories=data["categories"],
                districts=data["districts"],
                tags=data["tags"],
                attachments=data["attachments"],
                **_post_service_fields(data),
            )
            if request.POST.get("action") == "publish" and post.status == PostStatus.DRAFT:
                services.post_transition(user=user, post=post, to_status=PostStatus.OPEN)
                messages.success(request, _("Your post is published."))
            else:
                messages.success(request, _("Your changes are saved."))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect(post)
    return render(
        request, "boards/post_form.html", {"form": form, "post": post, "problem_organizations": []}
    )


# --- Reading a post --------------------------------------------------------------------------
def _transition_options(post: Post) -> list[dict[str, Any]]:
    options = []
    for target in PostStatus.values:
        if target not in TRANSITIONS[post.status]:
            continue
        options.append(
            {
                "status": target,
                "label": PostStatus(target).label,
                "outcomes": [
                    (o, Outcome(o).label)
                    for o in Outcome.values
                    if o in OUTCOMES_FOR.get(target, ())
                ],
            }
        )
    return options


@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.user
    post = selectors.post_get_for_viewer(post_id=pk, viewer=viewer)
    is_manager = selectors.can_manage_post(viewer=viewer, post=post)
    proposal_view = selectors.proposal_view_for_post(post=post, viewer=viewer)
    own_ids = proposal_view.own_organization_ids
    can_propose = post.accepts_proposals and bool(
        selectors.organizations_free_to_propose(post=post, viewer=viewer)
    )
    metrics = None
    if post.kind == PostKind.PROBLEM:
        metrics = selectors.response_metrics_for_organization(organization=post.organization)
    return render(
        request,
        "boards/detail.html",
        {
            "post": post,
            "is_manager": is_manager,
            "is_moderator": getattr(viewer, "is_staff", False) and not is_manager,
            "attachments": list(post.attachments.all()),
            "timeline": list(selectors.post_timeline(post=post)),
            "proposals": proposal_view.proposals,
            "proposal_total": proposal_view.total,
            "sees_all_proposals": proposal_view.sees_all,
            "own_organization_ids": own_ids,
            "can_propose": can_propose,
            "is_following": selectors.post_is_followed(post=post, viewer=viewer),
            "transitions": _transition_options(post) if is_manager else [],
            "matches": list(selectors.post_matches_for_viewer(post=post, viewer=viewer)),
            "metrics": metrics,
            "response_window_days": settings.BOARDS_RESPONSE_WINDOW_WORKING_DAYS,
        },
    )


# --- Moving a post along ---------------------------------------------------------------------
@login_required
@require_POST
def post_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    post = selectors.post_get_for_viewer(post_id=pk, viewer=user)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(post)
    try:
        post = services.post_transition(
            user=user,
            post=post,
            to_status=form.cleaned_data["status"],
            outcome=form.cleaned_data["outcome"],
            statement=form.cleaned_data["statement"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The post is now “%(status)s”.") % {"status": post.get_status_display()}
        )
    return redirect(post)


@login_required
@require_POST
def post_follow(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    post = selectors.post_get_for_viewer(post_id=pk, viewer=user)
    if request.POST.get("follow") == "0":
        services.post_unfollow(user=user, post=post)
        messages.info(request, _("You no longer follow this post."))
    else:
        services.post_follow(user=user, post=post)
        messages.success(
            request, _("You follow this post: you will get an email when its status changes.")
        )
    return redirect(post)


# --- Proposals -------------------------------------------------------------------------------
@login_required
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    post = selectors.post_get_for_viewer(post_id=pk, viewer=user)
    if not post.accepts_proposals:
        messages.error(request, _("This post is not accepting proposals."))
        return redirect(post)
    memberships = selectors.organizations_free_to_propose(post=post, viewer=user)
    if not memberships:
        messages.error(
            request,
            _("Only members of another organisation can send a proposal, once per organisation."),
        )
        return redirect(post)
    active = membership_pick_active(memberships=list(memberships), request_session=request.session)
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        memberships=memberships,
        initial={"organization": active.organization.slug} if active else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_submit(
                user=user,
                post=post,
                organization_slug=data["organization"],
                summary=data["summary"],
                approach=data["approach"],
                team=data["team"],
                timeline=data["timeline"],
                attachments=data["attachments"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your proposal is sent."))
            return HttpResponseRedirect(proposal.get_absolute_url())
    return render(
        request,
        "boards/proposal_form.html",
        {
            "form": form,
            "post": post,
            "response_window_days": settings.BOARDS_RESPONSE_WINDOW_WORKING_DAYS,
        },
    )


@login_required
@require_POST
def proposal_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    proposal = selectors.proposal_get_for_viewer(proposal_id=pk, viewer=user)
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return HttpResponseRedirect(proposal.get_absolute_url())
    try:
        proposal = services.proposal_set_status(
            user=user,
            proposal=proposal,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The proposal is now “%(status)s”.") % {"status": proposal.get_status_display()},
        )
    return HttpResponseRedirect(proposal.get_absolute_url())


# --- Attachments -----------------------------------------------------------------------------
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get_for_viewer(attachment_id=pk, viewer=request.user)
    return private_file_response(
        attachment.file.open("rb"), name=attachment.name, content_type=attachment.content_type
    )
