from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Invitation, JoinRequest, Membership, Organization, Role, Shortlist, Tag


class MembershipFormSet(BaseInlineFormSet):
    """The admin obeys the team rule too: an organisation that has members keeps an owner."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if kept and not any(data.get("role") == Role.OWNER for data in kept):
            raise ValidationError(
                _("Keep at least one owner: transfer ownership before removing the last one.")
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "title", "is_public", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "is_verified", "verified_by", "created_at"]
    list_filter = ["kind", "district", ("verified_at", admin.EmptyFieldListFilter), "size"]
    search_fields = ["name", "slug", "bin", "tagline"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["verified_at", "verified_by", "created_at", "updated_at"]
    autocomplete_fields = ["tags"]
    inlines = [MembershipInline]
    actions = ["verify", "unverify"]
    list_select_related = ["verified_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(boolean=True, description=_("verified"), ordering="verified_at")
    def is_verified(self, organization: Organization) -> bool:
        return organization.is_verified

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.organization_reindex(organizations=[form.instance])

    @admin.action(description=_("Verify the selected organisations"))
    def verify(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        done = 0
        for organization in queryset:
            try:
                services.organization_verify(moderator=request.user, organization=organization)  # type: ignore[arg-type]
                done += 1
            except ValidationError:
                self.message_user(
                    request,
                    _("%(name)s has no BIN and cannot be verified yet.") % {"name": organization},
                    messages.WARNING,
                )
        self.message_user(
            request,
            ngettext("%d organisation verified.", "%d organisations verified.", done) % done,
        )

    @admin.action(description=_("Withdraw verification"))
    def unverify(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        for organization in queryset:
            services.organization_unverify(moderator=request.user, organization=organization)  # type: ignore[arg-type]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "status", "expires_at", "created_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "organization__name"]
    raw_id_fields = ["organization", "invited_by", "accepted_by"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "organization__name"]
    raw_id_fields = ["organization", "user", "decided_by"]


@admin.register(Shortlist)
class ShortlistAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "team", "updated_at"]
    search_fields = ["name", "owner__email"]
    raw_id_fields = ["owner", "team"]
