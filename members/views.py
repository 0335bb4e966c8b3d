"""Pages of the members app: thin, each validates input and calls one service or selector."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.auth import request_user
from boards.selectors import post_list_for_organization, response_metrics_for_organization

from . import selectors, services
from .exports import MAX_EXPORT_ROWS, csv_response, organization_header, organization_row
from .filters import DirectoryFilter
from .forms import (
    InvitationForm,
    JoinRequestForm,
    LogoForm,
    MembershipSettingsForm,
    OrganizationForm,
    RoleForm,
    ShortlistAddForm,
    ShortlistForm,
    ShortlistNoteForm,
)
from .models import Organization
from .search import DirectoryParams, search_plan

DIRECTORY_PAGE_SIZE = 24
ViewFunc = Callable[..., HttpResponse]


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(fallback)


def flash_validation_errors(fallback: str) -> Callable[[ViewFunc], ViewFunc]:
    """For POST actions: a ValidationError from a service becomes a message, and the
    person goes back to `next`, or to the `fallback` page (for the same `slug`)."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except ValidationError as exc:
                _flash_errors(request, exc)
                slug = kwargs.get("slug")
                url = reverse(fallback, kwargs={"slug": slug} if slug else None)
                return _back(request, url)

        return wrapper

    return decorate


# --- Directory --------------------------------------------------------------------------


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    filterset = DirectoryFilter(request.GET or None, queryset=Organization.objects.all())
    params = filterset.params() if request.GET else DirectoryParams()
    plan = search_plan(params.q)
    organizations = selectors.organization_directory(params=params, plan=plan)
    page = Paginator(organizations, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": filterset.form,
        "params": params,
        "page": page,
        "facets": selectors.organization_directory_facets(params=params, plan=plan),
        "query": _query_without_page(request),
    }
    if request.htmx and request.htmx.target == "directory-body":  # type: ignore[attr-defined]
        response = render(request, "members/_directory_body.html", context)
    else:
        response = render(request, "members/directory.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_GET
def directory_export(request: HttpRequest) -> HttpResponse:
    filterset = DirectoryFilter(request.GET or None, queryset=Organization.objects.all())
    params = filterset.params() if request.GET else DirectoryParams()
    organizations = selectors.organization_directory(params=params)[:MAX_EXPORT_ROWS]
    base_url = request.build_absolute_uri("/").rstrip("/")
    rows = [organization_header(), *(organization_row(o, base_url) for o in organizations)]
    return csv_response("ucs-members.csv", rows)


@require_GET
def tag_suggestions(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("q") or request.GET.get("tags_input") or ""
    # Suggest for the tag being typed: the text after the last comma.
    tags = selectors.tag_suggest(prefix=typed.split(",")[-1])
    return render(request, "members/_tag_suggestions.html", {"tags": tags})


# --- Profile ----------------------------------------------------------------------------


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    user = request.user
    membership = selectors.membership_get(user=user, organization=organization)
    context: dict[str, Any] = {
        "organization": organization,
        "membership": membership,
        "team": selectors.organization_team(user=user, organization=organization),
        "is_moderator": selectors.is_moderator(user),
        # The organisation's posts on the project boards, and for government bodies how
        # quickly they answer proposals.
        "board_posts_template": "boards/_organization_posts.html",
        "board_posts": post_list_for_organization(organization=organization, viewer=user),
        "response_metrics": response_metrics_for_organization(organization=organization),
    }
    if user.is_authenticated and membership is None:
        context["pending_join_request"] = selectors.join_request_pending_for_user(
            user=user, organization=organization
        )
    if user.is_authenticated:
        shortlists = selectors.shortlist_list_for_user(user=request_user(request))
        context["shortlist_form"] = ShortlistAddForm(shortlists=shortlists)
        context["has_shortlists"] = shortlists.exists()
    return render(request, "members/detail.html", context)


@require_GET
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    person, memberships = selectors.person_get_public(viewer=request.user, user_id=user_id)
    context = {
        "person": person,
        "memberships": memberships,
        "is_self": request.user.pk == person.pk,
    }
    return render(request, "members/person.html", context)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.profile_data()
        try:
            organization = services.organization_create(
                creator=request_user(request),
                name=data.pop("name"),
                kind=data.pop("kind"),
                tags=form.cleaned_data["tags_input"],
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s is registered. Add a logo and invite your colleagues.")
                % {"name": organization.name},
            )
            return redirect("members:edit", slug=organization.slug)
    return render(request, "members/form.html", {"form": form, "creating": True})


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization, _membership = selectors.organization_get_for_manager(user=request.user, slug=slug)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request_user(request),
                organization=organization,
                data=form.profile_data(),
                tags=form.cleaned_data["tags_input"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect(organization)
    if request.method == "POST":
        # A failed save must not leave half-changed values on the instance the page shows.
        organization.refresh_from_db()
    return render(
        request,
        "members/form.html",
        {"form": form, "organization": organization, "logo_form": LogoForm()},
    )


@login_required
@require_POST
def logo(request: HttpRequest, slug: str) -> HttpResponse:
    organization, _membership = selectors.organization_get_for_manager(user=request.user, slug=slug)
    if request.POST.get("remove"):
        services.organization_remove_logo(actor=request_user(request), organization=organization)
        messages.success(request, _("The logo is removed."))
        return redirect("members:edit", slug=slug)
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.organization_set_logo(
                actor=request_user(request),
                organization=organization,
                upload=form.cleaned_data["logo"],
            )
        except ValidationError as exc:
            form.add_error("logo", exc)
        else:
            messages.success(request, _("The new logo is saved."))
            return redirect("members:edit", slug=slug)
    return render(
        request,
        "members/form.html",
        {
            "form": OrganizationForm(instance=organization),
            "organization": organization,
            "logo_form": form,
        },
        status=400,
    )


@login_required
@require_POST
@flash_validation_errors("members:detail")
def verify(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    if request.POST.get("action") == "unverify":
        services.organization_unverify(moderator=request_user(request), organization=organization)
        messages.success(request, _("The verification is withdrawn."))
    else:
        services.organization_verify(moderator=request_user(request), organization=organization)
        messages.success(request, _("%(name)s is verified.") % {"name": organization.name})
    return redirect(organization)


# --- Team -------------------------------------------------------------------------------


@login_required
def team(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    membership = selectors.membership_get(user=request.user, organization=organization)
    if membership is None and not selectors.is_moderator(request.user):
        raise PermissionDenied(_("Only members of the organisation see its team page."))
    context: dict[str, Any] = {
        "organization": organization,
        "membership": membership,
        "team": selectors.organization_team(user=request.user, organization=organization),
    }
    if membership is not None:
        context["settings_form"] = MembershipSettingsForm(
            initial={"title": membership.title, "is_public": membership.is_public}
        )
    if membership is not None and membership.can_manage:
        context["invitation_form"] = InvitationForm()
        context["invitations"] = selectors.invitation_list_for_organization(
            user=request.user, organization=organization
        )
        context["join_requests"] = selectors.join_request_list_for_organization(
            user=request.user, organization=organization
        )
        context["role_form"] = RoleForm()
    return render(request, "members/team.html", context)


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organization, _membership = selectors.organization_get_for_manager(user=request.user, slug=slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request_user(request),
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works for 7 days.")
                % {"email": invitation.email},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("members:team", slug=slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization, _membership = selectors.organization_get_for_manager(user=request.user, slug=slug)
    invitation = selectors.invitation_get_for_organization(organization=organization, pk=pk)
    services.invitation_revoke(actor=request_user(request), invitation=invitation)
    messages.success(request, _("The invitation is withdrawn."))
    return redirect("members:team", slug=slug)


@login_required
@require_POST
@flash_validation_errors("members:team")
def change_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    form = RoleForm(request.POST)
    if form.is_valid():
        services.membership_change_role(
            actor=request_user(request),
            organization=organization,
            user=selectors.team_member_get(organization=organization, user_id=user_id),
            role=form.cleaned_data["role"],
        )
        messages.success(request, _("The role is changed."))
    return redirect("members:team", slug=slug)


@login_required
@require_POST
@flash_validation_errors("members:team")
def remove_member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    member = selectors.team_member_get(organization=organization, user_id=user_id)
    services.membership_remove(actor=request_user(request), organization=organization, user=member)
    messages.success(request, _("%(name)s is no longer in the team.") % {"name": member})
    return redirect("members:team", slug=slug)


@login_required
@require_POST
@flash_validation_errors("members:team")
def transfer_ownership(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    member = selectors.team_member_get(organization=organization, user_id=user_id)
    services.membership_transfer_ownership(
        actor=request_user(request), organization=organization, to_user=member
    )
    messages.success(request, _("%(name)s now owns the organisation.") % {"name": member})
    return redirect("members:team", slug=slug)


@login_required
@require_POST
@flash_validation_errors("members:team")
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    services.membership_leave(user=request_user(request), organization=organization)
    messages.success(request, _("You left %(name)s.") % {"name": organization.name})
    return redirect(organization)


@login_required
@require_POST
def membership_settings(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    form = MembershipSettingsForm(request.POST)
    if form.is_valid():
        services.membership_update_own(
            user=request_user(request),
            organization=organization,
            title=form.cleaned_data["title"],
            is_public=form.cleaned_data["is_public"],
        )
        messages.success(request, _("Your settings are saved."))
    return redirect("members:team", slug=slug)


# --- Join requests ----------------------------------------------------------------------


@login_required
def join(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(
                user=request_user(request),
                organization=organization,
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(
                request, _("Your request is sent. The organisation's admins will answer it.")
            )
        return redirect(organization)
    return render(request, "members/join.html", {"organization": organization, "form": form})


@login_required
@require_POST
@flash_validation_errors("members:directory")
def join_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = selectors.join_request_get_for_manager(user=request.user, pk=pk)
    decision = request.POST.get("decision")
    if decision == "approve":
        services.join_request_approve(actor=request_user(request), join_request=join_request)
        messages.success(request, _("%(name)s joined the team.") % {"name": join_request.user})
    elif decision == "decline":
        services.join_request_decline(actor=request_user(request), join_request=join_request)
        messages.success(request, _("The request is declined."))
    return redirect("members:team", slug=join_request.organization.slug)


@login_required
@require_POST
@flash_validation_errors("members:detail")
def join_request_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    join_request = selectors.join_request_pending_for_user(
        user=request.user, organization=organization
    )
    if join_request is not None:
        services.join_request_withdraw(user=request_user(request), join_request=join_request)
        messages.success(request, _("Your request is withdrawn."))
    return redirect(organization)


# --- Invitations ------------------------------------------------------------------------


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation email. Works before the person has an account: the
    link proves they own the address, so signing up from here needs no second email."""
    invitation = selectors.invitation_get_by_token(token=token)
    context: dict[str, Any] = {"invitation": invitation, "organization": invitation.organization}
    if not request.user.is_authenticated:
        if invitation.is_open:
            get_adapter(request).stash_verified_email(request, invitation.email)
        next_query = urlencode({"next": request.path})
        context["signup_url"] = f"{reverse('account_signup')}?{next_query}"
        context["login_url"] = f"{reverse('account_login')}?{next_query}"
        return render(request, "members/invitation.html", context)
    user = request_user(request)
    context["email_matches"] = services.invitation_email_matches(user=user, invitation=invitation)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "decline":
                services.invitation_decline(user=user, invitation=invitation)
                messages.info(request, _("You declined the invitation."))
                return redirect("home")
            services.invitation_accept(user=user, invitation=invitation)
        except ValidationError as exc:
            _flash_errors(request, exc)
            return redirect(request.path)
        messages.success(
            request,
            _("Welcome to %(name)s!") % {"name": invitation.organization.name},
        )
        return redirect(invitation.organization)
    return render(request, "members/invitation.html", context)


# --- Acting for one organisation --------------------------------------------------------


@login_required
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=request.POST.get("organization", ""))
    services.membership_set_active(
        user=request_user(request), organization=organization, request_session=request.session
    )
    messages.success(request, _("You now act for %(name)s.") % {"name": organization.name})
    fallback = reverse("dashboard")
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(_back(request, fallback).url)
    return _back(request, fallback)


# --- Shortlists -------------------------------------------------------------------------


@login_required
def shortlists(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ShortlistForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        shortlist = services.shortlist_create(
            owner=user, name=form.cleaned_data["name"], team=form.cleaned_data["team"]
        )
        messages.success(request, _("The shortlist is created."))
        return redirect(shortlist)
    return render(
        request,
        "members/shortlists.html",
        {"shortlists": selectors.shortlist_list_for_user(user=user), "form": form},
    )


@login_required
def shortlist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    shortlist = selectors.shortlist_get_for_user(user=user, pk=pk)
    form = ShortlistForm(request.POST or None, instance=shortlist, user=user)
    if request.method == "POST" and form.is_valid():
        services.shortlist_update(
            actor=user,
            shortlist=shortlist,
            name=form.cleaned_data["name"],
            team=form.cleaned_data["team"],
        )
        messages.success(request, _("The shortlist is saved."))
        return redirect(shortlist)
    if request.method == "POST":
        shortlist.refresh_from_db()
    return render(
        request,
        "members/shortlist_detail.html",
        {
            "shortlist": shortlist,
            "entries": selectors.shortlist_entries(shortlist=shortlist),
            "form": form,
            "is_owner": shortlist.owner_id == user.pk,
        },
    )


@login_required
@require_POST
def shortlist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = selectors.shortlist_get_for_user(user=request.user, pk=pk)
    services.shortlist_delete(actor=request_user(request), shortlist=shortlist)
    messages.success(request, _("The shortlist is deleted."))
    return redirect("members:shortlists")


@login_required
@require_POST
def shortlist_add(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_get_public(slug=slug)
    user = request_user(request)
    form = ShortlistAddForm(request.POST, shortlists=selectors.shortlist_list_for_user(user=user))
    if form.is_valid():
        shortlist = form.cleaned_data["shortlist"]
        services.shortlist_add(
            actor=user,
            shortlist=shortlist,
            organization=organization,
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            _("%(name)s is in the shortlist “%(list)s”.")
            % {"name": organization.name, "list": shortlist.name},
        )
    else:
        messages.error(request, _("Choose one of your shortlists."))
    return redirect(organization)


@login_required
@require_POST
def shortlist_entry(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    shortlist = selectors.shortlist_get_for_user(user=request.user, pk=pk)
    entry = selectors.shortlist_entry_get(shortlist=shortlist, slug=slug)
    if request.POST.get("remove"):
        services.shortlist_remove(shortlist=shortlist, organization=entry.organization)
        messages.success(request, _("Removed from the shortlist."))
    else:
        form = ShortlistNoteForm(request.POST)
        if form.is_valid():
            services.shortlist_entry_update(entry=entry, note=form.cleaned_data["note"])
            messages.success(request, _("The note is saved."))
    return redirect(shortlist)


@login_required
@require_GET
def shortlist_export(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = selectors.shortlist_get_for_user(user=request.user, pk=pk)
    base_url = request.build_absolute_uri("/").rstrip("/")
    rows = [organization_header(_("Private note"))]
    rows += [
        organization_row(entry.organization, base_url, entry.note)
        for entry in selectors.shortlist_entries(shortlist=shortlist)
    ]
    return csv_response(f"shortlist-{shortlist.pk}.csv", rows)
