"""Project boards: posts (city problems, projects, open calls), proposals and their timeline."""

import uuid
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import private_storage
from members.models import District, Organization


class Category(models.TextChoices):
    """The city's fixed taxonomy of problem areas."""

    TRANSPORT = "transport", _("Transport and mobility")
    ECOLOGY = "ecology", _("Ecology and air quality")
    ENERGY = "energy", _("Energy")
    WATER = "water", _("Water and utilities")
    HEALTHCARE = "healthcare", _("Healthcare")
    EDUCATION = "education", _("Education")
    PUBLIC_SAFETY = "public_safety", _("Public safety")
    DIGITAL_GOVERNMENT = "digital_government", _("Digital government")
    TOURISM_CULTURE = "tourism_culture", _("Tourism and culture")
    URBAN_PLANNING = "urban_planning", _("Urban planning")
    SOCIAL_SERVICES = "social_services", _("Social services")
    ECONOMY_BUSINESS = "economy_business", _("Economy and business")


class PostKind(models.TextChoices):
    PROBLEM = "problem", _("City problem")
    PROJECT = "project", _("Project")
    CALL = "call", _("Open call")


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    REVIEWING = "reviewing", _("Reviewing")
    IN_PROGRESS = "in_progress", _("In progress (pilot)")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    """The public outcome a post ends with."""

    PILOTED = "piloted", _("Piloted")
    PROCURED = "procured", _("Procured")
    NO_SUITABLE_PROPOSAL = "no_suitable_proposal", _("No suitable proposal")
    CANCELLED = "cancelled", _("Cancelled")


class LabelAxis(models.TextChoices):
    CATEGORY = "category", _("Category")
    DISTRICT = "district", _("District")
    TAG = "tag", _("Tag")


class Post(models.Model):
    """A post on the boards, published by an organisation."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="board_posts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="board_posts",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PostKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("description"), help_text=_("Markdown."))
    expected_outcome = models.TextField(_("expected outcome"))
    deadline = models.DateField(_("deadline for proposals"))
    budget_min = models.PositiveBigIntegerField(_("budget from (KZT)"), null=True, blank=True)
    budget_max = models.PositiveBigIntegerField(_("budget up to (KZT)"), null=True, blank=True)
    contact_name = models.CharField(_("responsible contact"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices, blank=True)
    outcome_statement = models.TextField(_("outcome statement"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("board post")
        verbose_name_plural = _("board posts")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="boards_post_status_pub"),
            models.Index(fields=["kind", "status", "-published_at"], name="boards_post_kind_pub"),
            models.Index(fields=["status", "deadline"], name="boards_post_status_deadline"),
            models.Index(fields=["organization", "status"], name="boards_post_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="boards_post_budget_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("boards:detail", kwargs={"pk": self.pk})

    # Labels are prefetched once per list (`labels`); these read that cache.
    def _labels(self, axis: str) -> list[str]:
        return [label.value for label in self.labels.all() if label.axis == axis]

    @property
    def categories(self) -> list[str]:
        return self._labels(LabelAxis.CATEGORY)

    @property
    def districts(self) -> list[str]:
        return self._labels(LabelAxis.DISTRICT)

    @property
    def tags(self) -> list[str]:
        return self._labels(LabelAxis.TAG)

    @property
    def category_labels(self) -> list[str]:
        names = dict(Category.choices)
        return [str(names.get(value, value)) for value in self.categories]

    @property
    def district_labels(self) -> list[str]:
        names = dict(District.choices)
        return [str(names.get(value, value)) for value in self.districts]

    @property
    def is_terminal(self) -> bool:
        return self.status in (PostStatus.COMPLETED, PostStatus.CLOSED)

    @property
    def accepts_proposals(self) -> bool:
        return self.status == PostStatus.OPEN and self.deadline >= timezone.localdate()

    @property
    def has_response_commitment(self) -> bool:
        """City problems carry the government's response-window commitment."""
        return self.kind == PostKind.PROBLEM


class PostLabel(models.Model):
    """A category, district or free tag of a post: one indexed table for every facet filter."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="labels")
    axis = models.CharField(max_length=16, choices=LabelAxis.choices)
    value = models.CharField(max_length=50)

    class Meta:
        verbose_name = _("post label")
        verbose_name_plural = _("post labels")
        ordering = ["axis", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "axis", "value"], name="boards_label_unique"),
        ]
        indexes = [models.Index(fields=["axis", "value"], name="boards_label_axis_value")]

    def __str__(self) -> str:
        return f"{self.axis}:{self.value}"


class PostEvent(models.Model):
    """One entry of a post's public timeline: what happened, when, and who did it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Draft created")
        PUBLISHED = "published", _("Published")
        STATUS = "status", _("Status changed")
        UPDATED = "updated", _("Details updated")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_status = models.CharField(max_length=16, choices=PostStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=PostStatus.choices, blank=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    followers_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at"], name="boards_event_post_time")]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.kind} {self.to_status}"


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Proposal(models.Model):
    """An organisation's answer to a post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="proposals")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="board_proposals",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(_("summary"), max_length=500)
    approach = models.TextField(_("approach"), help_text=_("Markdown."))
    team = models.TextField(_("team"))
    timeline = models.TextField(_("timeline"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    response_due_on = models.DateField(_("first response due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "organization"],
                condition=~Q(status="withdrawn"),
                name="boards_one_live_proposal_per_org",
                violation_error_message=_("Your organisation already has a proposal on this post."),
            ),
        ]
        indexes = [
            models.Index(fields=["post", "status"], name="boards_proposal_post_status"),
            models.Index(fields=["organization", "-created_at"], name="boards_proposal_org"),
            models.Index(
                fields=["response_due_on"],
                condition=Q(first_response_at__isnull=True),
                name="boards_proposal_awaiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.post}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#proposal-{self.pk}"

    @property
    def is_decided(self) -> bool:
        return self.status in (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED)

    @property
    def is_open(self) -> bool:
        return self.status in (ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED)

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.response_due_on is not None
            and self.first_response_at is None
            and self.status == ProposalStatus.SUBMITTED
            and today > self.response_due_on
        )


def _attachment_path(instance: "Attachment", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"boards/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A PDF or image attached to a post or to a proposal; checked by content on upload."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(storage=private_storage, upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(proposal__isnull=True))
                | (Q(post__isnull=True) & Q(proposal__isnull=False)),
                name="boards_attachment_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("boards:attachment", kwargs={"pk": self.pk})


class PostFollow(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="boards_follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.post}"


class PostMatch(models.Model):
    """An organisation suggested for a post by the matcher, with the reasons why."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="matches")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(validators=[MinValueValidator(0)])
    reasons = models.JSONField(default=dict)
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suggested organisation")
        verbose_name_plural = _("suggested organisations")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "organization"], name="boards_match_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} for {self.post} ({self.score:.2f})"


class OrganizationTerms(models.Model):
    """The matcher's index of an organisation's profile: the word stems of its name, tagline
    and description, as JSON object keys so PostgreSQL's GIN index answers "has any of these
    words" (`?|`) without reading the directory. Refreshed from `Organization.updated_at`."""

    organization = models.OneToOneField(
        Organization, primary_key=True, on_delete=models.CASCADE, related_name="match_terms"
    )
    terms = models.JSONField(default=dict)
    source_updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("organisation match terms")
        verbose_name_plural = _("organisation match terms")

    def __str__(self) -> str:
        return f"terms of {self.organization_id}"


class Holiday(models.Model):
    """A public holiday: not a working day for the response window."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
