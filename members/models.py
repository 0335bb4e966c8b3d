from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_bin, validate_languages, validate_not_reserved_slug

if TYPE_CHECKING:
    from accounts.models import User


class OrganizationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    TECH_PARK = "tech_park", _("Tech park")
    INCUBATOR = "incubator", _("Incubator")
    ACCELERATOR = "accelerator", _("Accelerator")
    IT_COMPANY = "it_company", _("IT company")
    STARTUP = "startup", _("Startup")
    GOVERNMENT = "government", _("Government body")
    INVESTOR = "investor", _("Investor")
    NGO = "ngo", _("NGO")


class District(models.TextChoices):
    ALMALY = "almaly", _("Almaly")
    AUEZOV = "auezov", _("Auezov")
    BOSTANDYK = "bostandyk", _("Bostandyk")
    ZHETYSU = "zhetysu", _("Zhetysu")
    MEDEU = "medeu", _("Medeu")
    NAURYZBAY = "nauryzbay", _("Nauryzbay")
    TURKSIB = "turksib", _("Turksib")
    ALATAU = "alatau", _("Alatau")


class SizeBand(models.TextChoices):
    MICRO = "1-10", _("1-10 people")
    SMALL = "11-50", _("11-50 people")
    MEDIUM = "51-200", _("51-200 people")
    LARGE = "201-1000", _("201-1,000 people")
    HUGE = "1000+", _("More than 1,000 people")


class WorkingLanguage(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")
    CHINESE = "zh", _("Chinese")
    TURKISH = "tr", _("Turkish")
    GERMAN = "de", _("German")
    KOREAN = "ko", _("Korean")


class Tag(models.Model):
    """One word of the shared expertise vocabulary, normalised (see `members.tags`)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expertise tag")
        verbose_name_plural = _("expertise tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SearchWord(models.Model):
    """The words of all names and tags: the typo fallback corrects queries against this
    small table (pg_trgm) instead of scanning every organisation. Kept by services."""

    word = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word


class Organization(models.Model):
    """A member organisation of the ecosystem, with its public profile."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, validators=[validate_not_reserved_slug]
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    district = models.CharField(_("district"), max_length=16, choices=District.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    size = models.CharField(_("size"), max_length=16, choices=SizeBand.choices, blank=True)
    languages = models.JSONField(
        _("working languages"), default=list, blank=True, validators=[validate_languages]
    )
    tags: "models.ManyToManyField[Tag, Any]" = models.ManyToManyField(
        "Tag", verbose_name=_("expertise tags"), related_name="organizations", blank=True
    )
    bin = models.CharField(
        _("BIN"),
        max_length=12,
        blank=True,
        validators=[validate_bin],
        help_text=_("Business identification number: 12 digits. Required before verification."),
    )
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    telegram_url = models.URLField(_("Telegram"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True, editable=False)
    logo_thumb = models.ImageField(
        _("logo thumbnail"), upload_to="logos/", blank=True, editable=False
    )
    # Denormalised for search, maintained by members.services (never edited by hand).
    tags_text = models.TextField(blank=True, editable=False)
    search_document = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # The ids of `tags`, sorted: on PostgreSQL a GIN index (jsonb_path_ops) answers tag
    # filters with `@>` instead of one join on the tag table per chosen tag.
    tag_ids = models.JSONField(default=list, blank=True, editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members: "models.ManyToManyField[User, Membership]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organizations"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind", "name"]),
            models.Index(fields=["district"]),
            models.Index(fields=["-created_at"]),
            models.Index(fields=["verified_at"], name="members_org_verified_at"),
            # The PostgreSQL-only GIN indexes for search live in members.search.
            models.Index(Lower("name"), "id", name="members_org_name_lower"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bin"], condition=~Q(bin=""), name="unique_organization_bin"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", kwargs={"slug": self.slug})

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def can_post_city_problems(self) -> bool:
        """Only verified government bodies speak for the city on the boards."""
        return self.kind == OrganizationKind.GOVERNMENT and self.is_verified

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def social_links(self) -> list[tuple[str, str]]:
        fields = ("linkedin_url", "telegram_url", "instagram_url", "facebook_url", "youtube_url")
        return [
            (str(cast(models.Field, self._meta.get_field(name)).verbose_name), getattr(self, name))
            for name in fields
            if getattr(self, name)
        ]

    def language_labels(self) -> list[str]:
        labels = dict(WorkingLanguage.choices)
        return [str(labels.get(code, code)) for code in self.languages or []]


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    is_public = models.BooleanField(
        _("show on the public profile"),
        default=True,
        help_text=_("Public team members are listed on the organisation's profile page."),
    )
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership"),
        ]
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

    @property
    def can_manage(self) -> bool:
        """Owners and admins edit the profile and manage the team."""
        return self.role in (Role.OWNER, Role.ADMIN)


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")
    WITHDRAWN = "withdrawn", _("Withdrawn")


INVITATION_LIFETIME = timedelta(days=7)


def _invitation_expiry() -> datetime:
    return timezone.now() + INVITATION_LIFETIME


class Invitation(models.Model):
    """An email invitation to join an organisation; accepted through a signed link."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    expires_at = models.DateTimeField(_("expires at"), default=_invitation_expiry)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(status="pending"),
                name="unique_pending_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.PENDING and not self.is_expired


class JoinRequest(models.Model):
    """A user asks to join an organisation they found in the directory."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(status="pending"),
                name="unique_pending_join_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization}"


class Shortlist(models.Model):
    """A scout's named list of organisations, shared with the colleagues of one organisation."""

    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlists"
    )
    team = models.ForeignKey(
        Organization,
        verbose_name=_("shared with"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="team_shortlists",
        help_text=_("Members of this organisation see and edit the shortlist."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:shortlist_detail", kwargs={"pk": self.pk})


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="shortlist_entries"
    )
    note = models.TextField(_("private note"), max_length=2000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist entries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shortlist", "organization"], name="unique_shortlist_entry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} in {self.shortlist}"


class OrganizationSearchRow(models.Model):
    """A narrow copy of what a relevance search reads (PostgreSQL only): the weighted
    vector and the lower-cased name of the tie-break. Ranking thousands of matches here
    reads a fraction of the pages the organisation table would; the directory then loads
    only the page's rows. Kept by `services.organization_reindex`; empty on SQLite, which
    searches `Organization.search_document` instead."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_row",
        editable=False,
    )
    search_vector = SearchVectorField(null=True, editable=False)
    sort_name = models.TextField(editable=False)

    class Meta:
        verbose_name = _("organisation search row")
        verbose_name_plural = _("organisation search rows")
        # The GIN index on search_vector is PostgreSQL-only: see members.search.

    def __str__(self) -> str:
        return str(self.organization_id)
