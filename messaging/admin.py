from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Block, Conversation, Message, Party, Report


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    raw_id_fields = ["user", "organization", "assigned_to"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "pair_key", "purpose", "created_at"]
    list_filter = ["purpose"]
    inlines = [PartyInline]
    raw_id_fields = ["created_by"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "sender", "created_at", "edited_at", "deleted_at"]
    list_select_related = ["sender"]
    raw_id_fields = ["conversation", "sender", "sender_organization"]
    search_fields = ["body"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reported messages, kept for the moderation work."""

    list_display = ["id", "message", "reporter", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["reporter"]
    raw_id_fields = ["message", "reporter"]
    readonly_fields = ["body_snapshot", "created_at"]
    actions = ["mark_resolved"]

    @admin.action(description=_("Mark selected reports as resolved"))
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        queryset.update(status=Report.Status.RESOLVED)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    raw_id_fields = ["blocker", "blocked"]
