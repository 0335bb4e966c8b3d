"""Every write to members data. Keyword-only, transactional, validated before saving;
emails leave through Celery only after the transaction commits."""

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import email_send
from core.links import site_url

from .logos import logo_process
from .models import (
    INVITATION_LIFETIME,
    Invitation,
    JoinRequest,
    Membership,
    Organization,
    RequestStatus,
    Role,
    SearchWord,
    Shortlist,
    ShortlistEntry,
    Tag,
)
from .search import is_postgres, search_document_for, search_vector_expression, words_of
from .selectors import (
    ACTIVE_ORGANIZATION_SESSION_KEY,
    DIRECTORY_VERSION_KEY,
    invitation_token,
    is_moderator,
    membership_get,
    membership_require_manager,
)
from .tags import tag_parse, tag_slug
from .validators import RESERVED_SLUGS

MAX_INVITATIONS_PER_DAY = 100

# Fields of the public profile that owners and admins may change (the profile form and the
# import columns are made from them).
PROFILE_FIELDS = (
    "name",
    "kind",
    "tagline",
    "description",
    "website",
    "public_email",
    "phone",
    "address",
    "latitude",
    "longitude",
    "district",
    "founded_year",
    "size",
    "languages",
    "bin",
    "linkedin_url",
    "telegram_url",
    "instagram_url",
    "facebook_url",
    "youtube_url",
)


# --- Organisations ----------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False)[:70] or "organization"
    if base in RESERVED_SLUGS:
        base = f"{base}-org"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _tags_get_or_create(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        tag = Tag.objects.filter(slug=tag_slug(name)).first()
        if tag is None:
            tag = Tag(name=name, slug=tag_slug(name))
            tag.full_clean()
            tag.save()
        tags.append(tag)
    return tags


def organization_reindex(*, organizations: QuerySet[Organization] | list[Organization]) -> None:
    """Refresh the denormalised search text of these organisations (and, on PostgreSQL,
    their weighted search vector). Called by every service that changes searchable text."""
    organizations = list(organizations)
    words: set[str] = set()
    for organization in organizations:
        tags = list(organization.tags.all())
        names = sorted(tag.name for tag in tags)
        words |= words_of(organization.name, " ".join(names))
        organization.tags_text = " ".join(names)
        organization.tag_ids = sorted(tag.pk for tag in tags)
        organization.search_document = search_document_for(organization)
        Organization.objects.filter(pk=organization.pk).update(
            tags_text=organization.tags_text,
            tag_ids=organization.tag_ids,
            search_document=organization.search_document,
        )
    if is_postgres() and organizations:
        ids = [o.pk for o in organizations]
        Organization.objects.filter(pk__in=ids).update(search_vector=search_vector_expression())
        _search_rows_refresh(ids)
        SearchWord.objects.bulk_create(
            [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True
        )
    directory_changed()


SEARCH_ROWS_SQL = """
    INSERT INTO members_organizationsearchrow (organization_id, search_vector, sort_name)
    SELECT id, search_vector, lower(name) FROM members_organization WHERE id = ANY(%s)
    ON CONFLICT (organization_id) DO UPDATE
    SET search_vector = EXCLUDED.search_vector, sort_name = EXCLUDED.sort_name
"""


def _search_rows_refresh(ids: list[int]) -> None:
    """PostgreSQL: copy the organisations' vector and lower-cased name (`lower()` in SQL,
    exactly what the directory's name ordering compares) into the narrow ranking table."""
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_ROWS_SQL, [ids])


def directory_changed() -> None:
    """Forget cached facet counts once the current transaction commits."""

    def bump() -> None:
        try:
            cache.incr(DIRECTORY_VERSION_KEY)
        except ValueError:  # not set yet (or evicted): any new value will do
            cache.set(DIRECTORY_VERSION_KEY, 2, timeout=None)

    transaction.on_commit(bump)


def _normalise_profile(organization: Organization) -> None:
    organization.name = " ".join(organization.name.split())
    organization.tagline = organization.tagline.strip()
    organization.public_email = organization.public_email.strip().lower()
    organization.bin = organization.bin.strip()
    if (organization.latitude is None) != (organization.longitude is None):
        raise ValidationError(
            {"longitude": _("Give both latitude and longitude, or neither.")}, code="coordinates"
        )
    if organization.is_verified and not organization.bin:
        raise ValidationError(
            {"bin": _("A verified organisation must keep its BIN.")}, code="bin_required"
        )


@transaction.atomic
def organization_create(
    *, creator: User, name: str, kind: str, tags: list[str] | str | None = None, **fields: Any
) -> Organization:
    """Create an organisation; whoever creates it becomes its owner."""
    unknown = set(fields) - set(PROFILE_FIELDS) - {"slug"}
    if unknown:
        raise TypeError(f"organization_create() got unexpected fields: {sorted(unknown)}")
    organization = Organization(name=name.strip(), kind=kind, **fields)
    if not organization.slug:
        organization.slug = _unique_slug(organization.name)
    tag_names = tag_parse(tags or [])
    _normalise_profile(organization)
    organization.full_clean()
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as exc:
        # Someone registered the same slug or BIN between the check and the insert.
        raise ValidationError(
            _("This organisation was registered a moment ago. Please check the directory."),
            code="duplicate",
        ) from exc
    organization.tags.set(_tags_get_or_create(tag_names))
    Membership.objects.create(user=creator, organization=organization, role=Role.OWNER)
    organization_reindex(organizations=[organization])
    return organization


@transaction.atomic
def organization_update(
    *,
    actor: User,
    organization: Organization,
    data: dict[str, Any],
    tags: list[str] | str | None = None,
) -> Organization:
    """Change the public profile: owners and admins only. `tags=None` leaves tags alone."""
    membership_require_manager(user=actor, organization=organization)
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    for name, value in data.items():
        setattr(organization, name, value)
    _normalise_profile(organization)
    organization.full_clean()
    organization.save()
    if tags is not None:
        organization.tags.set(_tags_get_or_create(tag_parse(tags)))
    organization_reindex(organizations=[organization])
    return organization


def _delete_files_on_commit(*names: str) -> None:
    from django.core.files.storage import default_storage

    def delete() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def organization_set_logo(*, actor: User, organization: Organization, upload: Any) -> Organization:
    """Verify, re-encode and store a new logo; the old files go once the change commits."""
    membership_require_manager(user=actor, organization=organization)
    processed = logo_process(upload, stem=organization.slug)
    old = (organization.logo.name, organization.logo_thumb.name)
    organization.logo.save(processed.logo.name or "logo.webp", processed.logo, save=False)
    organization.logo_thumb.save(processed.thumb.name or "thumb.webp", processed.thumb, save=False)
    new = (organization.logo.name, organization.logo_thumb.name)
    organization.save(update_fields=["logo", "logo_thumb", "updated_at"])
    _delete_files_on_commit(*(name for name in old if name and name not in new))
    return organization


@transaction.atomic
def organization_remove_logo(*, actor: User, organization: Organization) -> Organization:
    membership_require_manager(user=actor, organization=organization)
    old = (organization.logo.name, organization.logo_thumb.name)
    organization.logo = ""
    organization.logo_thumb = ""
    organization.save(update_fields=["logo", "logo_thumb", "updated_at"])
    _delete_files_on_commit(*old)
    return organization


@transaction.atomic
def organization_verify(*, moderator: User, organization: Organization) -> Organization:
    """Mark an organisation verified by the city. Moderators only; a BIN is required."""
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators can verify organisations."))
    if not organization.bin:
        raise ValidationError(
            {"bin": _("Add the organisation's BIN before verifying it.")}, code="bin_required"
        )
    if organization.verified_at is None:
        organization.verified_at = timezone.now()
        organization.verified_by = moderator
        organization.save(update_fields=["verified_at", "verified_by", "updated_at"])
        directory_changed()
    return organization


@transaction.atomic
def organization_unverify(*, moderator: User, organization: Organization) -> Organization:
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators can verify organisations."))
    organization.verified_at = None
    organization.verified_by = None
    organization.save(update_fields=["verified_at", "verified_by", "updated_at"])
    directory_changed()
    return organization


# --- Team -------------------------------------------------------------------------------


def _lock_team(organization: Organization) -> list[Membership]:
    """Lock the organisation's memberships so two admins cannot both demote the last owners."""
    return list(
        Membership.objects.select_for_update().filter(organization=organization).order_by("pk")
    )


def _owner_count(team: list[Membership]) -> int:
    return sum(1 for m in team if m.role == Role.OWNER)


def _find(team: list[Membership], user: User) -> Membership:
    for membership in team:
        if membership.user_id == user.pk:
            return membership
    raise ValidationError(_("This person is not a member of the organisation."), code="not_member")


@transaction.atomic
def membership_change_role(
    *, actor: User, organization: Organization, user: User, role: str
) -> Membership:
    """Owners change any role; admins move people between member and admin only."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="role")
    team = _lock_team(organization)
    acting = next((m for m in team if m.user_id == actor.pk), None)
    if acting is None or not acting.can_manage:
        raise PermissionDenied(_("Only the organisation's owners and admins can change roles."))
    target = _find(team, user)
    if acting.role != Role.OWNER and (role == Role.OWNER or target.role == Role.OWNER):
        raise PermissionDenied(_("Only owners can make someone an owner or change an owner."))
    if target.role == Role.OWNER and role != Role.OWNER and _owner_count(team) == 1:
        raise ValidationError(
            _("The last owner cannot be demoted. Transfer ownership first."), code="last_owner"
        )
    if target.role != role:
        target.role = role
        target.full_clean()
        target.save(update_fields=["role"])
    return target


@transaction.atomic
def membership_remove(*, actor: User, organization: Organization, user: User) -> None:
    """Remove someone from the team (owners and admins; admins cannot remove owners)."""
    team = _lock_team(organization)
    acting = next((m for m in team if m.user_id == actor.pk), None)
    if acting is None or not acting.can_manage:
        raise PermissionDenied(_("Only the organisation's owners and admins can remove members."))
    target = _find(team, user)
    if target.role == Role.OWNER and acting.role != Role.OWNER:
        raise PermissionDenied(_("Only owners can remove an owner."))
    if target.role == Role.OWNER and _owner_count(team) == 1:
        raise ValidationError(_("The last owner cannot be removed."), code="last_owner")
    target.delete()


@transaction.atomic
def membership_leave(*, user: User, organization: Organization) -> None:
    team = _lock_team(organization)
    own = _find(team, user)
    if own.role == Role.OWNER and _owner_count(team) == 1:
        raise ValidationError(
            _("You are the last owner: transfer ownership to a colleague before leaving."),
            code="last_owner",
        )
    own.delete()


@transaction.atomic
def membership_transfer_ownership(
    *, actor: User, organization: Organization, to_user: User
) -> Membership:
    """Hand ownership to a colleague: they become owner, the actor stays on as admin."""
    team = _lock_team(organization)
    acting = next((m for m in team if m.user_id == actor.pk), None)
    if acting is None or acting.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can transfer ownership."))
    target = _find(team, to_user)
    if target.pk == acting.pk:
        raise ValidationError(_("You already own this organisation."), code="same_user")
    target.role = Role.OWNER
    target.save(update_fields=["role"])
    acting.role = Role.ADMIN
    acting.save(update_fields=["role"])
    return target


@transaction.atomic
def membership_update_own(
    *, user: User, organization: Organization, title: str, is_public: bool
) -> Membership:
    """A member's own settings: job title and whether the profile page lists them."""
    membership = membership_get(user=user, organization=organization)
    if membership is None:
        raise PermissionDenied(_("You are not a member of this organisation."))
    membership.title = title.strip()
    membership.is_public = is_public
    membership.full_clean()
    membership.save(update_fields=["title", "is_public"])
    return membership


def membership_set_active(
    *, user: User, organization: Organization, request_session: SessionBase
) -> Membership:
    """Act for `organization` from now on in this session (posting, proposing, messaging)."""
    membership = membership_get(user=user, organization=organization)
    if membership is None:
        raise PermissionDenied(_("You are not a member of this organisation."))
    request_session[ACTIVE_ORGANIZATION_SESSION_KEY] = organization.pk
    return membership


# --- Invitations ------------------------------------------------------------------------


def _send_invitation_email(invitation: Invitation) -> None:
    path = reverse("members:invitation", kwargs={"token": invitation_token(invitation)})
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "inviter": invitation.invited_by,
        "accept_url": site_url(path),
        "days": INVITATION_LIFETIME.days,
    }
    email_send(
        to=invitation.email,
        subject=render_to_string("members/email/invitation_subject.txt", context),
        body=render_to_string("members/email/invitation_message.txt", context),
    )


@transaction.atomic
def invitation_create(
    *, actor: User | None, organization: Organization, email: str, role: str = Role.MEMBER
) -> Invitation:
    """Invite someone by email; the link works for 7 days, with or without an account.

    `actor=None` is the import command acting for city staff (it may invite owners).
    """
    email = email.strip().lower()
    if actor is not None:
        acting = membership_require_manager(user=actor, organization=organization)
        if role == Role.OWNER and acting.role != Role.OWNER:
            raise PermissionDenied(_("Only owners can invite another owner."))
        # The site sends these emails in the organisation's name: keep it from spamming.
        since = timezone.now() - timedelta(days=1)
        if (
            Invitation.objects.filter(organization=organization, created_at__gte=since).count()
            >= MAX_INVITATIONS_PER_DAY
        ):
            raise ValidationError(
                _("An organisation can send at most %(n)d invitations a day. Try again tomorrow.")
                % {"n": MAX_INVITATIONS_PER_DAY},
                code="too_many_invitations",
            )
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("This person is already a member of the organisation.")},
            code="already_member",
        )
    # A fresh invitation replaces an unanswered one: the old link stops working.
    Invitation.objects.filter(
        organization=organization, email=email, status=RequestStatus.PENDING
    ).update(status=RequestStatus.REVOKED, decided_at=timezone.now())
    invitation = Invitation(organization=organization, email=email, role=role, invited_by=actor)
    invitation.full_clean()
    invitation.save()
    _send_invitation_email(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    membership_require_manager(user=actor, organization=invitation.organization)
    if invitation.status == RequestStatus.PENDING:
        invitation.status = RequestStatus.REVOKED
        invitation.decided_at = timezone.now()
        invitation.save(update_fields=["status", "decided_at"])
    return invitation


def _check_open(invitation: Invitation) -> None:
    if invitation.status != RequestStatus.PENDING:
        raise ValidationError(_("This invitation has already been used or withdrawn."))
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation has expired. Ask the organisation to send a new one.")
        )


def invitation_email_matches(*, user: User, invitation: Invitation) -> bool:
    if user.email.lower() == invitation.email:
        return True
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


@transaction.atomic
def invitation_accept(*, user: User, invitation: Invitation) -> Membership:
    """Join the organisation with the invited role. The invitation was sent to an address;
    only the account that owns that (verified) address can accept it."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_open(invitation)
    if not invitation_email_matches(user=user, invitation=invitation):
        raise PermissionDenied(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.status = RequestStatus.ACCEPTED
    invitation.accepted_by = user
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "decided_at"])
    JoinRequest.objects.filter(
        organization=invitation.organization, user=user, status=RequestStatus.PENDING
    ).update(status=RequestStatus.ACCEPTED, decided_at=timezone.now())
    return membership


@transaction.atomic
def invitation_decline(*, user: User, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_open(invitation)
    if not invitation_email_matches(user=user, invitation=invitation):
        raise PermissionDenied(_("This invitation was sent to someone else."))
    invitation.status = RequestStatus.DECLINED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    return invitation


# --- Join requests ----------------------------------------------------------------------


def _notify_managers_of_join_request(join_request: JoinRequest) -> None:
    organization = join_request.organization
    managers = list(
        User.objects.filter(
            memberships__organization=organization,
            memberships__role__in=[Role.OWNER, Role.ADMIN],
            is_active=True,
        )
    )
    team_url = site_url(reverse("members:team", kwargs={"slug": organization.slug}))
    for manager in managers:
        with translation.override(manager.language):
            context = {"join_request": join_request, "organization": organization, "url": team_url}
            email_send(
                to=manager.email,
                subject=render_to_string("members/email/join_request_subject.txt", context),
                body=render_to_string("members/email/join_request_message.txt", context),
            )


@transaction.atomic
def join_request_create(
    *, user: User, organization: Organization, message: str = ""
) -> JoinRequest:
    if membership_get(user=user, organization=organization) is not None:
        raise ValidationError(_("You are already a member of this organisation."), code="member")
    if JoinRequest.objects.filter(
        user=user, organization=organization, status=RequestStatus.PENDING
    ).exists():
        raise ValidationError(
            _("You have already asked to join; the organisation's admins will answer soon."),
            code="pending",
        )
    join_request = JoinRequest(user=user, organization=organization, message=message.strip())
    join_request.full_clean()
    join_request.save()
    _notify_managers_of_join_request(join_request)
    return join_request


def _decide(join_request: JoinRequest, actor: User, status: str) -> JoinRequest:
    if join_request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been answered."), code="decided")
    join_request.status = status
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    return join_request


@transaction.atomic
def join_request_approve(*, actor: User, join_request: JoinRequest) -> Membership:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    membership_require_manager(user=actor, organization=join_request.organization)
    _decide(join_request, actor, RequestStatus.ACCEPTED)
    membership, _created = Membership.objects.get_or_create(
        user=join_request.user,
        organization=join_request.organization,
        defaults={"role": Role.MEMBER},
    )
    return membership


@transaction.atomic
def join_request_decline(*, actor: User, join_request: JoinRequest) -> JoinRequest:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    membership_require_manager(user=actor, organization=join_request.organization)
    return _decide(join_request, actor, RequestStatus.DECLINED)


@transaction.atomic
def join_request_withdraw(*, user: User, join_request: JoinRequest) -> JoinRequest:
    if join_request.user_id != user.pk:
        raise PermissionDenied(_("This is not your request."))
    return _decide(join_request, user, RequestStatus.WITHDRAWN)


# --- Shortlists -------------------------------------------------------------------------


@transaction.atomic
def shortlist_create(*, owner: User, name: str, team: Organization | None = None) -> Shortlist:
    """A new shortlist; with `team`, every member of that organisation shares it."""
    if team is not None and membership_get(user=owner, organization=team) is None:
        raise PermissionDenied(_("You can only share a shortlist with your own organisation."))
    shortlist = Shortlist(owner=owner, name=name.strip(), team=team)
    shortlist.full_clean()
    shortlist.save()
    return shortlist


@transaction.atomic
def shortlist_update(
    *, actor: User, shortlist: Shortlist, name: str, team: Organization | None
) -> Shortlist:
    if shortlist.owner_id != actor.pk:
        raise PermissionDenied(_("Only the person who made the shortlist can rename or share it."))
    if team is not None and membership_get(user=actor, organization=team) is None:
        raise PermissionDenied(_("You can only share a shortlist with your own organisation."))
    shortlist.name = name.strip()
    shortlist.team = team
    shortlist.full_clean()
    shortlist.save()
    return shortlist


@transaction.atomic
def shortlist_delete(*, actor: User, shortlist: Shortlist) -> None:
    if shortlist.owner_id != actor.pk:
        raise PermissionDenied(_("Only the person who made the shortlist can delete it."))
    shortlist.delete()


@transaction.atomic
def shortlist_add(
    *, actor: User, shortlist: Shortlist, organization: Organization, note: str = ""
) -> ShortlistEntry:
    """Add (or, when already there, keep) an organisation; a note given replaces the old one.

    The caller must have fetched `shortlist` through `shortlist_get_for_user`."""
    entry = ShortlistEntry.objects.filter(shortlist=shortlist, organization=organization).first()
    if entry is None:
        entry = ShortlistEntry(
            shortlist=shortlist, organization=organization, note=note.strip(), added_by=actor
        )
        entry.full_clean()
        entry.save()
    elif note.strip():
        entry.note = note.strip()
        entry.full_clean()
        entry.save(update_fields=["note"])
    Shortlist.objects.filter(pk=shortlist.pk).update(updated_at=timezone.now())
    return entry


@transaction.atomic
def shortlist_entry_update(*, entry: ShortlistEntry, note: str) -> ShortlistEntry:
    entry.note = note.strip()
    entry.full_clean()
    entry.save(update_fields=["note"])
    return entry


@transaction.atomic
def shortlist_remove(*, shortlist: Shortlist, organization: Organization) -> None:
    shortlist.entries.filter(organization=organization).delete()


# --- Onboarding at city scale -----------------------------------------------------------


@transaction.atomic
def organization_import(
    *, data: dict[str, Any], tags: list[str], owner_email: str = ""
) -> Organization:
    """Create one organisation for city staff (the import command).

    Nobody is its creator: a known `owner_email` becomes the owner at once, an unknown one
    is invited as owner by email (sent only if the whole import commits).
    """
    unknown = set(data) - set(PROFILE_FIELDS) - {"slug"}
    if unknown:
        raise TypeError(f"organization_import() got unexpected fields: {sorted(unknown)}")
    organization = Organization(**data)
    if not organization.slug:
        organization.slug = _unique_slug(organization.name)
    _normalise_profile(organization)
    organization.full_clean()
    organization.save()
    organization.tags.set(_tags_get_or_create(tag_parse(tags)))
    organization_reindex(organizations=[organization])
    owner_email = owner_email.strip().lower()
    if owner_email:
        owner = User.objects.filter(email__iexact=owner_email, is_active=True).first()
        if owner is not None:
            Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
        else:
            invitation_create(
                actor=None, organization=organization, email=owner_email, role=Role.OWNER
            )
    return organization
