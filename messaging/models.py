"""Conversations between two parties (a person or an organisation's shared inbox), and messages.

Who may read a conversation is never copied into rows: a person reads it if they are one of its
parties, or a *current* member of an organisation that is one of its parties. Joining an
organisation shows its inbox history; leaving takes it away at once.
"""

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.uploads import private_storage

if TYPE_CHECKING:
    from accounts.models import User  # noqa: F401


class Purpose(models.TextChoices):
    """Why someone writes to an organisation: shown to the receiving team."""

    PARTNERSHIP = "partnership", _("Partnership")
    LAB_ACCESS = "lab_access", _("Lab or equipment access")
    INTERNSHIP = "internship", _("Internship")
    CITY_PILOT = "city_pilot", _("Pilot in the city")
    INVESTMENT = "investment", _("Investment")
    OTHER = "other", _("Other")


class EmailPreference(models.TextChoices):
    BATCHED = "batched", _("One email for messages I have missed")
    OFF = "off", _("No email")


class Conversation(models.Model):
    """A conversation between exactly two parties.

    `pair_key` names the two parties in a fixed order ("o12:u7"), so asking twice for the
    conversation between the same two parties finds the same row, even when two requests race.
    """

    pair_key = models.CharField(_("parties"), max_length=64, unique=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.pair_key}"

    def get_absolute_url(self) -> str:
        return reverse("messaging:thread", kwargs={"pk": self.pk})

    # Set by messaging.selectors (conversation_list_for_user and friends): annotations, and
    # `last_message`, the newest message the viewer may see. Nothing is stored for it, so
    # sending a message writes one row and nothing else.
    unread_count: int
    muted: bool
    last_read_id: int
    last_message_id: int | None
    last_message: "Message | None"


class Party(models.Model):
    """One side of a conversation: a person, or an organisation's shared inbox."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="parties")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messaging_parties",
    )
    organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messaging_parties",
    )
    # The colleague who takes care of this conversation for the organisation (its side only).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(organization__isnull=True))
                | (Q(user__isnull=True) & Q(organization__isnull=False)),
                name="party_is_user_or_organization",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "conversation"]),
            models.Index(fields=["organization", "conversation"]),
        ]

    def __str__(self) -> str:
        return str(self.user or self.organization)

    @property
    def key(self) -> str:
        return f"u{self.user_id}" if self.user_id else f"o{self.organization_id}"

    @property
    def name(self) -> str:
        if self.user_id:
            return self.user.name if self.user else ""
        return self.organization.name if self.organization else ""


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_sent"
    )
    # Set when the sender wrote for their organisation's side of the conversation.
    sender_organization = models.ForeignKey(
        "members.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    client_id = models.CharField(_("client id"), max_length=64)
    body = models.TextField(_("text"), max_length=5000, blank=True)
    body_html = models.TextField(blank=True, editable=False)
    # Sent by someone the other person blocked: kept, shown to its sender only.
    withheld = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_id"], name="message_client_id_once"
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "id"]),
            # The missed-messages job scans a window of time.
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} in {self.conversation_id} by {self.sender_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="messaging/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("messaging:attachment", kwargs={"pk": self.pk})


class ConversationState(models.Model):
    """What one person has read in one conversation, and whether they muted it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="states")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_states"
    )
    last_read_id = models.BigIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)
    # The newest message already listed in a missed-messages email: never emailed twice.
    last_emailed_id = models.BigIntegerField(default=0)
    muted = models.BooleanField(_("muted"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="one_state_per_user"),
        ]
        indexes = [models.Index(fields=["user", "conversation"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}: read {self.last_read_id}"


class Block(models.Model):
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Report(models.Model):
    """A message reported to the moderators; kept for the moderation work."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    # What the message said when reported, in case its sender edits or deletes it later.
    body_snapshot = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="report_once"),
        ]

    def __str__(self) -> str:
        return f"report on {self.message_id} by {self.reporter_id}"


class MessagingSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messaging_settings"
    )
    email = models.CharField(
        _("email for missed messages"),
        max_length=16,
        choices=EmailPreference.choices,
        default=EmailPreference.BATCHED,
    )

    objects: ClassVar[models.Manager["MessagingSettings"]] = models.Manager()

    class Meta:
        verbose_name = _("messaging settings")
        verbose_name_plural = _("messaging settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


class MissedMessagesEmail(models.Model):
    """One row per email sent: the unique key makes a retried task send nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    through_message_id = models.BigIntegerField()
    message_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "through_message_id"], name="missed_email_once"
            ),
        ]

    def __str__(self) -> str:
        return f"email to {self.user_id} through {self.through_message_id}"
