"""Directory search: PostgreSQL full-text + trigram, with a plain fallback on SQLite.

PostgreSQL: one weighted `search_vector` per organisation (name A, tags B, tagline C,
description D). The `russian` text-search configuration stems Cyrillic words with the
Russian stemmer and ASCII words with the English one, so it serves both languages; a
`simple` copy of the name keeps exact Kazakh (and any other) words findable. A query runs
a cascade (`search_plan`): whole words, else word prefixes, else typo correction of each
word against `SearchWord` (the words of all names and tags) with pg_trgm. Every step is
backed by a GIN index (see `POSTGRES_SEARCH_SQL`).

SQLite (the embedded default): every term must occur in `search_document`, a lower-cased
copy of the searchable text made by Python (so Cyrillic folds case correctly too).
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Lower

from .models import Organization, OrganizationSearchRow, SearchWord, Tag

MAX_QUERY_LENGTH = 200

ORDERING_RELEVANCE = "relevance"
ORDERING_NEWEST = "newest"
ORDERING_NAME = "name"
ORDERINGS = (ORDERING_RELEVANCE, ORDERING_NEWEST, ORDERING_NAME)

# Created by migrations members.0003-0005 and, for test databases built without migrations, by the
# post_migrate hook in members.apps. Every statement is idempotent.
POSTGRES_SEARCH_SQL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS members_org_search_gin "
    "ON members_organization USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS members_searchword_trgm "
    "ON members_searchword USING gin (word gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS members_org_tag_ids_gin "
    "ON members_organization USING gin (tag_ids jsonb_path_ops)",
    "CREATE INDEX IF NOT EXISTS members_orgsearchrow_gin "
    "ON members_organizationsearchrow USING gin (search_vector)",
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
        if not {"search_vector", "tags_text", "tag_ids"} <= columns:
            return
        tables = conn.introspection.table_names(cursor)
        if not {"members_searchword", "members_organizationsearchrow"} <= set(tables):
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
    def has_facet_filters(self) -> bool:
        return bool(self.kinds or self.tags or self.districts or self.verified is not None)

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
    """The SQLite fallback's lower-cased text; PostgreSQL searches `search_vector` and
    keeps this empty (a narrower table is a faster table)."""
    if is_postgres():
        return ""
    parts = [
        organization.name,
        organization.tags_text,
        organization.tagline,
        organization.description,
    ]
    return "\n".join(part for part in parts if part).lower()


WORDS = "words"
PREFIX = "prefix"
FUZZY = "fuzzy"
_WORDS = re.compile(r"\w+")


def _words_query(q: str) -> SearchQuery:
    """Whole words, stemmed (Russian and English) and as written (any language)."""
    return SearchQuery(q, config="russian", search_type="websearch") | SearchQuery(
        q, config="simple", search_type="websearch"
    )


def _prefix_query(q: str) -> SearchQuery | None:
    """Every word as a prefix, for half-typed words ("logis" finds "logistics")."""
    words = [word for word in _WORDS.findall(q.lower()) if len(word) >= 2][:8]
    if not words:
        return None
    return SearchQuery(
        " & ".join(f"{word}:*" for word in words), config="simple", search_type="raw"
    )


@dataclass(frozen=True)
class SearchPlan:
    mode: str
    text: str  # the query to run: for FUZZY, the corrected words


def search_plan(q: str) -> SearchPlan:
    """Which step of the cascade answers `q`: whole words, else word prefixes, else the
    typo fallback (each word replaced by the most similar known word, pg_trgm). Each test
    is one index-backed query; the cheaper, more precise steps come first."""
    q = clean_query(q)
    if not q or not is_postgres():
        return SearchPlan(WORDS, q)
    if _any_match(_words_query(q)):
        return SearchPlan(WORDS, q)
    prefix = _prefix_query(q)
    if prefix is not None and _any_match(prefix):
        return SearchPlan(PREFIX, q)
    corrected = _correct_typos(q)
    if corrected != q.lower():
        return SearchPlan(FUZZY, corrected)
    return SearchPlan(WORDS, q)


def _any_match(query: SearchQuery) -> bool:
    """Does any organisation match? `.exists()` asks for a fast start, for which PostgreSQL
    picks a sequential scan that reads the whole table when nothing matches (about 60 ms at
    100,000 rows). A MATERIALIZED CTE is planned on its own, with the GIN index, and EXISTS
    still stops at its first row (0.1-2 ms)."""
    inner = Organization.objects.filter(search_vector=query).order_by().values("pk")
    sql, params = inner.query.sql_with_params()
    # The SQL is the ORM's own, with the query text as a bound parameter.
    statement = f"WITH matches AS MATERIALIZED ({sql}) SELECT EXISTS (SELECT 1 FROM matches)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    return bool(row and row[0])


def _correct_typos(q: str) -> str:
    words = _WORDS.findall(q.lower())[:6]
    fixed = []
    for word in words:
        best = None
        if len(word) >= 3:
            best = (
                SearchWord.objects.filter(word__trigram_similar=word)
                .annotate(similarity=TrigramSimilarity("word", word))
                .order_by("-similarity", "word")
                .values_list("word", flat=True)
                .first()
            )
        fixed.append(best or word)
    return " ".join(fixed)


def words_of(*texts: str) -> set[str]:
    """The words worth correcting towards: three letters or more, not just digits."""
    return {
        word[:100]
        for text in texts
        for word in _WORDS.findall(text.lower())
        if len(word) >= 3 and not word.isdigit()
    }


def clean_query(q: str) -> str:
    return " ".join(q.split())[:MAX_QUERY_LENGTH]


def apply_search(
    queryset: QuerySet[Organization], q: str, *, plan: SearchPlan | None = None
) -> QuerySet[Organization]:
    """Filter to matches of `q` and annotate `rank` (higher is better)."""
    q = clean_query(q)
    if not q:
        return queryset
    if is_postgres():
        plan = plan or search_plan(q)
        query = _prefix_query(plan.text) if plan.mode == PREFIX else _words_query(plan.text)
        if query is None:
            return queryset.none()
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
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


def ranked_page(*, plan: SearchPlan, offset: int, limit: int) -> list[tuple[int, float]]:
    """PostgreSQL: the ids of one page of a relevance search without other filters,
    best first, ranked on the narrow `OrganizationSearchRow` table (same rank and
    tie-break as `apply_search` + `apply_ordering`: rank, lower-cased name, id), each
    with its rank."""
    query = _prefix_query(plan.text) if plan.mode == PREFIX else _words_query(plan.text)
    if query is None or limit <= 0:
        return []
    rows = (
        OrganizationSearchRow.objects.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by(F("rank").desc(nulls_last=True), "sort_name", "organization_id")
        .values_list("organization_id", "rank")
    )
    return list(rows[offset : offset + limit])


def ranked_count(*, plan: SearchPlan) -> int:
    """PostgreSQL: how many organisations `ranked_page` pages through."""
    query = _prefix_query(plan.text) if plan.mode == PREFIX else _words_query(plan.text)
    if query is None:
        return 0
    return OrganizationSearchRow.objects.filter(search_vector=query).count()


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
        ids = dict(Tag.objects.filter(slug__in=params.tags).values_list("slug", "pk"))
        # An unknown tag matches nothing (pk 0 never exists).
        wanted = sorted({ids.get(slug, 0) for slug in params.tags})
        if is_postgres():
            # One GIN index probe (`tag_ids @> '[...]'`) for any number of tags.
            queryset = queryset.filter(tag_ids__contains=wanted)
        else:
            # SQLite has no JSON containment lookup: one subquery per tag.
            through = Organization.tags.through
            for tag_id in wanted:
                queryset = queryset.filter(
                    pk__in=through.objects.filter(tag_id=tag_id).values("organization_id")
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
