"""Ranking member organisations by fit for a city problem or an open call.

What the score uses:

* shared categories: the post's categories against categories inferred from the
  organisation's name, tagline and description (keyword stems in en/ru/kk, `CATEGORY_KEYWORDS`);
* shared tags: `score_shared_tags` against the members' expertise tags
  (`organizations_with_tags()`), the strongest signal;
* text similarity: overlap of word stems between the post (title, tags, summary, outcome, body;
  weighted by place and by rarity in the directory) and the organisation's profile text;
* kind fit (who usually answers a problem or a call) and the district, as small tie-breakers.

Profiles are indexed once as word stems (`OrganizationTerms`, refreshed when a profile's
`updated_at` moves); a ranking counts how rare the post's words are (one aggregate query),
reads only the profiles that share a word, a category keyword or a tag (a GIN-indexed `?|` on
PostgreSQL) and keeps the best `keep` in a heap (bench/matching.py measures it).
"""

import heapq
import math
import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Least

from members.models import Organization, OrganizationKind
from members.tags import tag_normalize

from .models import Category, OrganizationTerms, Post, PostKind

STEM_LENGTH = 6
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

STOPWORDS = frozenset(
    " ".join(
        (
            "the and for with that this from are was were will have has had not but you your",
            "our their they them its into about over under more most such than then also can",
            "could should would all any each other some what which who whom when where why how",
            "been being per via out across after again against along among around because",
            "before between both down during every few first last less many much must only own",
            "same since still through until upon very well while within without year years",
            "month months week weeks day days time times one two three four five six seven",
            "eight nine ten hundred thousand million make makes made get gets give gives take",
            "takes based best better good great high low like just even ever here there those",
            "these whose people work works working city department new use using used need",
            "needs needed want wants project projects problem problems call calls solution",
            "solutions proposal proposals organisation organization team",
            "для что это как или при его она они так уже все еще был была были будет может",
            "нужно также через между если чтобы город города городе проект проекта решение",
            "решения және мен үшін бұл осы бар жоқ қала қаланың жоба шешім",
        )
    ).split()
)


def stem(word: str) -> str:
    return word[:STEM_LENGTH]


def terms(text: str) -> set[str]:
    """Lower-cased word stems of a text, without stop words or numbers."""
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS}


def _weighted_terms(parts: Iterable[tuple[str, float]]) -> dict[str, float]:
    weights: dict[str, float] = {}
    for text, weight in parts:
        for term in terms(text):
            weights[term] = max(weights.get(term, 0.0), weight)
    return weights


# Keyword stems that point to a category, in English, Russian and Kazakh.
CATEGORY_KEYWORDS: dict[str, str] = {
    Category.TRANSPORT: (
        "transport mobility traffic bus buses metro parking cycling bike road roads vehicle "
        "logistics транспорт мобильн трафик автобус парковк дорог велосипед көлік жол"
    ),
    Category.ECOLOGY: (
        "ecology ecological air quality pollution emission emissions smog climate green waste "
        "recycling environment environmental экология воздух загрязн выброс смог климат отход "
        "экологи ауа қалдық"
    ),
    Category.ENERGY: (
        "energy solar electricity power grid heating efficiency renewable энергия энергет "
        "электр отоплен солнечн энергия жылу"
    ),
    Category.WATER: (
        "water utilities utility sewage pipes leak leaks plumbing вода водоснаб канализ "
        "коммунал трубопровод су"
    ),
    Category.HEALTHCARE: (
        "health healthcare medical medicine clinic clinics hospital polyclinic patient patients "
        "triage здоров медицин клиник поликлин больниц пациент денсаулық аурухана"
    ),
    Category.EDUCATION: (
        "education school schools university students student teaching tutor learning courses "
        "internship образован школ студент обучен универс курс білім мектеп"
    ),
    Category.PUBLIC_SAFETY: (
        "safety security emergency earthquake seismic seismology fire police warning rescue "
        "безопасн чрезвыч землетр сейсм пожар қауіпсіз"
    ),
    Category.DIGITAL_GOVERNMENT: (
        "digital government governments egov e-government software cloud portal transparency "
        "civic цифров государств госуслуг цифрлық мемлекеттік"
    ),
    Category.TOURISM_CULTURE: (
        "tourism tourist culture cultural museum heritage events festival туризм культур музей "
        "мәдениет туризм"
    ),
    Category.URBAN_PLANNING: (
        "urban planning gis mapping maps twin twins architecture housing construction "
        "градостр планиров урбан карт застрой жилищ қала құрылыс"
    ),
    Category.SOCIAL_SERVICES: (
        "social welfare elderly disabled disability inclusion neighbourhood neighbourhoods "
        "community социальн пожил инвалид инклюз әлеуметтік"
    ),
    Category.ECONOMY_BUSINESS: (
        "economy business startup startups investment investor investors venture fund seed "
        "accelerator incubator smes эконом бизнес инвест стартап венчур экономика"
    ),
}

KEYWORD_CATEGORY: dict[str, str] = {}
for _category, _words in CATEGORY_KEYWORDS.items():
    for _word in _words.split():
        KEYWORD_CATEGORY.setdefault(stem(_word.lower()), str(_category))


KEYWORDS = frozenset(KEYWORD_CATEGORY)


def infer_categories(term_set: Iterable[str]) -> set[str]:
    return {KEYWORD_CATEGORY[t] for t in KEYWORDS.intersection(term_set)}


# Who usually answers what: a small tie-breaker, never a reason on its own.
KIND_FIT: dict[str, dict[str, float]] = {
    PostKind.PROBLEM: {
        OrganizationKind.STARTUP: 1.0,
        OrganizationKind.IT_COMPANY: 1.0,
        OrganizationKind.RESEARCH_INSTITUTE: 1.0,
        OrganizationKind.UNIVERSITY: 0.9,
        OrganizationKind.NGO: 0.6,
        OrganizationKind.TECH_PARK: 0.5,
        OrganizationKind.INCUBATOR: 0.4,
        OrganizationKind.ACCELERATOR: 0.4,
        OrganizationKind.INVESTOR: 0.2,
    },
    PostKind.CALL: {
        OrganizationKind.STARTUP: 1.0,
        OrganizationKind.UNIVERSITY: 0.7,
        OrganizationKind.RESEARCH_INSTITUTE: 0.7,
        OrganizationKind.IT_COMPANY: 0.6,
        OrganizationKind.NGO: 0.5,
        OrganizationKind.TECH_PARK: 0.3,
        OrganizationKind.INCUBATOR: 0.3,
        OrganizationKind.ACCELERATOR: 0.3,
        OrganizationKind.INVESTOR: 0.3,
    },
}

WEIGHT_CATEGORIES = 3.0
WEIGHT_TAGS = 4.0
WEIGHT_TEXT = 5.0
WEIGHT_KIND = 1.0
WEIGHT_DISTRICT = 0.5
# A word that more than this share of the directory uses says nothing about fit.
MAX_TERM_SHARE = 0.3
MIN_DIRECTORY_FOR_SHARE = 50  # below this, how common a word is says little


# --- The scoring functions: each takes plain values, so each is easy to test and to extend ---
def score_shared_categories(
    post_categories: set[str], organization_categories: set[str]
) -> tuple[float, list[str]]:
    shared = post_categories & organization_categories
    if not shared or not post_categories:
        return 0.0, []
    return len(shared) / len(post_categories), sorted(shared)


def score_shared_tags(post_tags: set[str], organization_tags: set[str]) -> tuple[float, list[str]]:
    """Overlap of the post's tags with an organisation's expertise tags (case-insensitive)."""
    post = {t.strip().lower() for t in post_tags if t.strip()}
    organization = {t.strip().lower() for t in organization_tags if t.strip()}
    shared = post & organization
    if not shared:
        return 0.0, []
    return len(shared) / len(post), sorted(shared)


def reachable_weight(post_terms: Mapping[str, float]) -> float:
    """A profile of a few words cannot match much of a long post: text scores are measured
    against the weight of the post's ten strongest terms, not against the whole post."""
    return sum(sorted(post_terms.values(), reverse=True)[:10])


def score_text(
    post_terms: Mapping[str, float],
    organization_terms: AbstractSet[str],
    *,
    reachable: float | None = None,
) -> tuple[float, list[str]]:
    """Weighted share of the post's terms found in the profile (0..1), and the shared terms."""
    shared = list(post_terms.keys() & organization_terms)
    if not shared:
        return 0.0, []
    if reachable is None:
        reachable = reachable_weight(post_terms)
    matched = sum(post_terms[t] for t in shared)
    shared.sort(key=lambda t: (-post_terms[t], t))
    return min(1.0, matched / reachable) if reachable else 0.0, shared


def organizations_with_tags(tags: set[str]) -> dict[int, set[str]]:
    """Organisations that carry any of these expertise tags, with all their tags: the single
    seam for the members app's tags (it finds candidates and feeds `score_shared_tags`).

    Two queries: the organisations carrying any of the tags, then all their tags.
    """
    if not tags:
        return {}
    through = Organization.tags.through
    organization_ids = (
        through.objects.filter(tag__name__in=tags).values("organization_id").distinct()
    )
    result: dict[int, set[str]] = {}
    rows = through.objects.filter(organization_id__in=organization_ids).values_list(
        "organization_id", "tag__name"
    )
    for organization_id, name in rows:
        result.setdefault(organization_id, set()).add(name)
    return result


@dataclass(order=True)
class Match:
    score: float
    organization_id: int = field(compare=False)
    reasons: dict[str, object] = field(compare=False, default_factory=dict)


def _post_text_parts(post: Post, tags: list[str]) -> list[tuple[str, float]]:
    return [
        (post.title, 2.0),
        (" ".join(tags), 2.0),
        (post.summary, 1.5),
        (post.expected_outcome, 1.0),
        (post.body, 1.0),
    ]


# --- The index of profile words --------------------------------------------------------------
def organization_terms_refresh(*, batch_size: int = 2000) -> int:
    """Index the profiles that are new or changed since they were indexed; returns how many.

    The first run reads the whole directory once; after that only edited profiles (their
    `updated_at` moved) are read again. Deleted organisations leave with their row (cascade).
    """
    stale = Organization.objects.filter(
        Q(match_terms__isnull=True) | ~Q(updated_at=F("match_terms__source_updated_at"))
    ).order_by("id")
    done = 0
    last_id = 0
    while True:
        rows = list(
            stale.filter(id__gt=last_id).values_list(
                "id", "name", "tagline", "description", "updated_at"
            )[:batch_size]
        )
        if not rows:
            return done
        OrganizationTerms.objects.bulk_create(
            [
                OrganizationTerms(
                    organization_id=organization_id,
                    terms=dict.fromkeys(sorted(terms(f"{name} {tagline} {description}")), 1),
                    source_updated_at=updated_at,
                )
                for organization_id, name, tagline, description, updated_at in rows
            ],
            update_conflicts=True,
            unique_fields=["organization"],
            update_fields=["terms", "source_updated_at"],
        )
        done += len(rows)
        last_id = rows[-1][0]


def _document_frequencies(directory: QuerySet[OrganizationTerms], words: list[str]) -> dict:
    """How many profiles use each word: one pass over the index, whatever the number of words."""
    if not words:
        return {}
    counts = directory.aggregate(
        **{f"w{i}": Count("pk", filter=Q(terms__has_key=word)) for i, word in enumerate(words)}
    )
    return {word: counts[f"w{i}"] or 0 for i, word in enumerate(words)}


@dataclass
class _Plan:
    """Everything about the post that scoring one organisation needs, computed once."""

    post_terms: dict[str, float]
    reachable: float
    categories: set[str]
    category_keys: dict[str, list[str]]
    districts: set[str]
    tags: set[str]
    fit: dict[str, float]
    tagged: dict[int, set[str]]


def _plan(
    *, post: Post, categories: list[str], districts: list[str], tags: list[str], size: int
) -> tuple[_Plan, QuerySet[OrganizationTerms]]:
    raw = _weighted_terms(_post_text_parts(post, tags))
    post_categories = set(categories) or infer_categories(raw)
    directory = _directory(post)
    frequencies = _document_frequencies(directory, sorted(raw))
    post_terms: dict[str, float] = {}
    for term, weight in raw.items():
        df = frequencies.get(term, 0)
        if df == 0 or (size >= MIN_DIRECTORY_FOR_SHARE and df / size > MAX_TERM_SHARE):
            continue
        post_terms[term] = weight * math.log((size + 1) / (df + 1))
    post_tags = {tag_normalize(t) for t in tags}
    plan = _Plan(
        post_terms=post_terms,
        reachable=reachable_weight(post_terms),
        categories=post_categories,
        category_keys={
            c: sorted(k for k, kc in KEYWORD_CATEGORY.items() if kc == c) for c in post_categories
        },
        districts=set(districts),
        tags=post_tags,
        fit=KIND_FIT.get(post.kind, KIND_FIT[PostKind.PROBLEM]),
        tagged=organizations_with_tags(post_tags) if post_tags else {},
    )
    return plan, directory


def _directory(post: Post) -> QuerySet[OrganizationTerms]:
    return OrganizationTerms.objects.exclude(
        organization__kind=OrganizationKind.GOVERNMENT
    ).exclude(organization_id=post.organization_id)


def _score_row(
    plan: _Plan, organization_id: int, kind: str, district: str, org_terms: AbstractSet[str]
) -> Match | None:
    text_score, words = score_text(plan.post_terms, org_terms, reachable=plan.reachable)
    category_score, shared_categories = score_shared_categories(
        plan.categories, infer_categories(org_terms)
    )
    tag_score, shared_tags = score_shared_tags(plan.tags, plan.tagged.get(organization_id, set()))
    if not (text_score or category_score or tag_score):
        return None  # kind and district alone are no reason to suggest anyone
    in_district = bool(district) and district in plan.districts
    score = (
        WEIGHT_CATEGORIES * category_score
        + WEIGHT_TAGS * tag_score
        + WEIGHT_TEXT * text_score
        + WEIGHT_KIND * plan.fit.get(kind, 0.0)
        + (WEIGHT_DISTRICT if in_district else 0.0)
    )
    return Match(
        score=round(score, 4),
        organization_id=organization_id,
        reasons={
            "categories": shared_categories,
            "tags": shared_tags,
            "words": words[:6],
            "district": district if in_district else "",
            "kind": kind,
        },
    )


def _sql_score(plan: _Plan) -> Any:
    """The same score as `_score_row` without tags, as one SQL expression (PostgreSQL), so the
    database ranks the whole directory and only the best rows come back to Python."""

    def flag(condition: Q, value: float) -> Case:
        return Case(
            When(condition, then=Value(value)), default=Value(0.0), output_field=FloatField()
        )

    zero = Value(0.0, output_field=FloatField())
    text = sum((flag(Q(terms__has_key=t), w) for t, w in plan.post_terms.items()), zero)
    text_part = Least(text / Value(plan.reachable or 1.0), Value(1.0)) * Value(WEIGHT_TEXT)
    categories = sum(
        (flag(Q(terms__has_any_keys=keys), 1.0) for keys in plan.category_keys.values() if keys),
        zero,
    )
    category_part = categories / Value(float(len(plan.categories) or 1)) * Value(WEIGHT_CATEGORIES)
    kind_part = Case(
        *[When(organization__kind=k, then=Value(f * WEIGHT_KIND)) for k, f in plan.fit.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    district_part = flag(Q(organization__district__in=sorted(plan.districts)), WEIGHT_DISTRICT)
    return ExpressionWrapper(
        text_part + category_part + kind_part + district_part, output_field=FloatField()
    )


def rank_organizations(
    *,
    post: Post,
    categories: list[str],
    districts: list[str],
    tags: list[str],
    keep: int,
) -> list[Match]:
    """The `keep` best-fitting organisations for a post, best first, with their reasons.

    Words are weighted by where they stand in the post and by how rare they are in the
    directory (inverse document frequency); words that most profiles use are no evidence
    and are dropped. Only profiles that share a word, a category keyword or a tag count.
    On PostgreSQL the database pre-ranks them with the same formula (`_sql_score`) and
    Python scores the best few again, with their reasons; elsewhere Python scores them all.
    """
    organization_terms_refresh()
    size = _directory(post).count()
    if not size:
        return []
    plan, directory = _plan(
        post=post, categories=categories, districts=districts, tags=tags, size=size
    )
    keys = sorted({*plan.post_terms, *(k for ks in plan.category_keys.values() for k in ks)})
    if not keys and not plan.tagged:
        return []
    wanted = Q(terms__has_any_keys=keys) if keys else Q(pk__in=[])
    columns = ("organization_id", "organization__kind", "organization__district", "terms")
    if connection.vendor == "postgresql":
        # Float sums in SQL and Python can differ in the last digit: take a margin of rows
        # and let Python's exact score decide. Tagged organisations are scored in Python.
        best = (
            directory.filter(wanted)
            .annotate(pre_score=_sql_score(plan))
            .order_by("-pre_score", "organization_id")
            .values_list(*columns)[: keep * 2 + 10]
        )
        rows = list(best)
        if plan.tagged:
            seen = {row[0] for row in rows}
            rows += list(
                directory.filter(
                    organization_id__in=[i for i in plan.tagged if i not in seen]
                ).values_list(*columns)
            )
    else:
        rows = list(
            directory.filter(wanted | Q(organization_id__in=list(plan.tagged))).values_list(
                *columns
            )
        )

    heap: list[Match] = []
    for organization_id, kind, district, profile in rows:
        match = _score_row(plan, organization_id, kind, district, profile.keys())
        if match is None:
            continue
        if len(heap) < keep:
            heapq.heappush(heap, match)
        elif match.score > heap[0].score:
            heapq.heapreplace(heap, match)
    return sorted(heap, key=lambda m: (-m.score, m.organization_id))


def original_words(post: Post, tags: list[str], stems: Iterable[str]) -> list[str]:
    """Readable words for the stems a match shares ("sensor" rather than "sensor"-prefix)."""
    wanted = list(stems)
    found: dict[str, str] = {}
    for text, _weight in _post_text_parts(post, tags):
        for word in _WORD.findall(text.lower()):
            key = stem(word)
            if key in wanted and key not in found:
                found[key] = word
    return [found.get(s, s) for s in wanted]
