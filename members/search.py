"""Directory search: PostgreSQL full-text + trigram, with a plain fallback on SQLite.

PostgreSQL: one weighted `search_vector` per organisation (name A, tags B, tagline C,
description D). The `russian` text-search configuration stems Cyrillic words with the
Russian stemmer and ASCII words with the English one, so it serves both languages; a
`simple` copy of the name keeps exact Kazakh (and any other) words findable. Typos and
partial words fall back to pg_trgm word similarity on the name and the tags. Every
operator used here is backed by a GIN index (see `POSTGRES_SEARCH_SQL`).

SQLite (the embedded default): every term must occur in `search_document`, a lower-cased
copy of the searchable text made by Python (so Cyrillic folds case correctly too).
"""

from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Lower

from .models import Organization

MAX_QUERY_LENGTH = 200

ORDERING_RELEVANCE = "relevance"
ORDERING_NEWEST = "newest"
ORDERING_NAME = "name"
ORDERINGS = (ORDERING_RELEVANCE, ORDERING_NEWEST, ORDERING_NAME)

# Created by migration members.0003 and, for test databases built without migrations, by the
# post_migrate hook in members.apps. Every statement is idempotent.
POSTGRES_SEARCH_SQL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS members_org_search_gin "
    "ON members_organization USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS members_org_name_trgm "
    "ON members_organization USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS members_org_tags_trgm "
    "ON members_organization USING gin (tags_text gin_trgm_ops)",
)


def is_postgres(conn: BaseDatabaseWrapper | None = None) -> bool:
    return (conn or connection).vendor == "postgresql"


def ensure_postgres_search_objects(conn: BaseDatabaseWrapper) -> None:
    """Create the extension and indexes if the table has the search columns (a database
    migrated back below members.0002 has not, and then there is nothing to index)."""
    if not is_postgres(conn):
        return
    with conn.cursor() as cursor:
        if "members_organization" not in conn.introspection.table_names(cursor):
            return
        columns = {
            column.name
            for column in conn.introspection.get_table_description(cursor, "members_organization")
        }
        if not {"search_vector", "tags_text"} <= columns:
            return
        for statement in POSTGRES_SEARCH_SQL:
            cursor.execute(statement)


@dataclass(frozen=True)
class DirectoryParams:
    """What a directory query asks for; the same for the page, the CSV and the API."""

    q: str = ""
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # tag slugs, all required
    districts: tuple[str, ...] = ()
    verified: bool | None = None
    ordering: str = ""

    @property
    def effective_ordering(self) -> str:
        if self.ordering in ORDERINGS and (self.ordering != ORDERING_RELEVANCE or self.q):
            return self.ordering
        return ORDERING_RELEVANCE if self.q else ORDERING_NAME

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.q or self.kinds or self.tags or self.districts or self.verified is not None
        )


def search_vector_expression() -> CombinedExpression:
    return (
        SearchVector("name", config="simple", weight="A")
        + SearchVector("name", config="russian", weight="A")
        + SearchVector("tags_text", config="russian", weight="B")
        + SearchVector("tagline", config="russian", weight="C")
        + SearchVector("description", config="russian", weight="D")
    )


def search_document_for(organization: Organization) -> str:
    parts = [
        organization.name,
        organization.tags_text,
        organization.tagline,
        organization.description,
    ]
    return "\n".join(part for part in parts if part).lower()


def apply_search(queryset: QuerySet[Organization], q: str) -> QuerySet[Organization]:
    """Filter to matches of `q` and annotate `rank` (higher is better)."""
    q = " ".join(q.split())[:MAX_QUERY_LENGTH]
    if not q:
        return queryset
    if is_postgres():
        query = SearchQuery(q, config="russian", search_type="websearch") | SearchQuery(
            q, config="simple", search_type="websearch"
        )
        return queryset.filter(
            Q(search_vector=query)
            # `%>`: a word of the name is like the query (typos, partial words)...
            | Q(name__trigram_word_similar=q)
            # ...`%`: the whole name is like the query (several words, one misspelt).
            | Q(name__trigram_similar=q)
            | Q(tags_text__trigram_word_similar=q)
        ).annotate(
            rank=SearchRank(F("search_vector"), query)
            + TrigramWordSimilarity(q, "name") * Value(0.5)
            + TrigramWordSimilarity(q, "tags_text") * Value(0.2)
        )
    terms = q.lower().split()
    for term in terms:
        queryset = queryset.filter(search_document__contains=term)
    lowered = q.lower()
    return queryset.annotate(
        rank=Case(
            When(Q(search_document__startswith=lowered) | Q(name__icontains=q), then=Value(4.0)),
            When(Q(tags_text__contains=lowered), then=Value(2.0)),
            When(Q(tagline__icontains=q), then=Value(1.5)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    )


def apply_filters(
    queryset: QuerySet[Organization], params: DirectoryParams, *, skip: str = ""
) -> QuerySet[Organization]:
    """Apply every filter except `skip` (facet counts leave out their own dimension)."""
    if params.kinds and skip != "kind":
        queryset = queryset.filter(kind__in=params.kinds)
    if params.districts and skip != "district":
        queryset = queryset.filter(district__in=params.districts)
    if params.verified is not None and skip != "verified":
        queryset = queryset.filter(verified_at__isnull=not params.verified)
    if params.tags and skip != "tag":
        through = Organization.tags.through
        for slug in params.tags:
            queryset = queryset.filter(
                Exists(through.objects.filter(organization_id=OuterRef("pk"), tag__slug=slug))
            )
    return queryset


def apply_ordering(
    queryset: QuerySet[Organization], params: DirectoryParams
) -> QuerySet[Organization]:
    ordering = params.effective_ordering
    if ordering == ORDERING_RELEVANCE:
        return queryset.order_by(F("rank").desc(nulls_last=True), Lower("name"), "pk")
    if ordering == ORDERING_NEWEST:
        return queryset.order_by("-created_at", "-pk")
    return queryset.order_by(Lower("name"), "pk")
