from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Attachment, Holiday, Post, PostEvent, PostLabel, PostMatch, Proposal


class PostLabelInline(admin.TabularInline):
    model = PostLabel
    extra = 0


class PostEventInline(admin.TabularInline):
    model = PostEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "from_status", "to_status", "outcome", "note", "actor", "created_at")
    fields = ("kind", "from_status", "to_status", "outcome", "note", "actor", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "organization", "deadline", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "summary", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "author"]
    # Status and outcome change only through the lifecycle service, which keeps the timeline.
    readonly_fields = ["status", "outcome", "outcome_statement", "published_at"]
    inlines = [PostLabelInline, PostEventInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["post", "organization", "status", "response_due_on", "first_response_at"]
    list_filter = ["status"]
    search_fields = ["post__title", "organization__name"]
    list_select_related = ["post", "organization"]
    raw_id_fields = ["post", "organization", "author"]
    readonly_fields = ["status", "decision_reason", "first_response_at", "decided_at"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "content_type", "size", "post", "proposal", "created_at"]
    raw_id_fields = ["post", "proposal", "uploaded_by"]
    readonly_fields = ["content_type", "size"]


@admin.register(PostMatch)
class PostMatchAdmin(admin.ModelAdmin):
    list_display = ["post", "organization", "score", "notified_at"]
    list_select_related = ["post", "organization"]
    raw_id_fields = ["post", "organization"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]
