"""Directory search benchmark: 100,000 organisations in PostgreSQL, p50/p95 per query.

Run by hand (never in the test suite), against a PostgreSQL database you can fill:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucs_members \
        .venv/bin/python bench/directory_search.py [--rows 100000] [--runs 30]

It migrates the database, tops the bench organisations (slug `bench-…`) up to `--rows`,
refreshes the search columns in bulk, ANALYZEs, then times the exact querysets the
directory page and the API run (`members.selectors.organization_directory` for the first
page plus its count, and the facet counts), each `--runs` times after one warm-up run.
`--drop` deletes the bench organisations and exits. Results go to docs/performance.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucs.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402

from members.models import (  # noqa: E402
    District,
    Organization,
    OrganizationKind,
    OrganizationSearchRow,
    SearchWord,
    Tag,
)
from members.search import DirectoryParams, search_plan, search_vector_expression  # noqa: E402
from members.selectors import _directory_facets, organization_directory  # noqa: E402

settings.DEBUG = False  # do not keep every query in memory

PLACES = [
    "Almaty", "Steppe", "Tengri", "Nomad", "Qazaq", "Alatau", "Silk Road", "Zhetysu", "Medeu",
    "Turan", "Altyn", "Aspan", "Orda", "Baiterek", "Sunkar", "Kok Tobe", "Talgar", "Ili",
    "Алматы", "Степь", "Тенгри", "Жетысу", "Алатау", "Достык", "Байтерек", "Самал",
]  # fmt: skip
FIELDS = [
    "Robotics", "Data", "Cloud", "Bio", "Geo", "Energy", "Health", "Agro", "Fintech", "Vision",
    "Mobility", "Water", "Air", "Edu", "Logistics", "Security", "Media", "Space", "Quantum",
    "Робототехника", "Данные", "Энергия", "Здоровье", "Агро", "Логистика", "Безопасность",
    "Образование", "Медиа", "Технологии",
]  # fmt: skip
SUFFIXES = [
    "Lab", "Labs", "Systems", "Group", "Institute", "Hub", "Tech", "Ventures", "Foundation",
    "Center", "Studio", "Лаборатория", "Институт", "Центр", "Системы", "Групп",
]  # fmt: skip
TAG_WORDS = [
    "machine learning", "computer vision", "iot", "open data", "gis", "cloud", "cybersecurity",
    "biotech", "clean energy", "agritech", "fintech", "edtech", "healthtech", "logistics",
    "smart city", "robotics", "drones", "blockchain", "nlp", "kazakh language", "mentoring",
    "pre-seed", "seed", "venture capital", "prototyping", "3d printing", "manufacturing",
    "water", "air quality", "waste management", "public transport", "e-government",
    "машинное обучение", "открытые данные", "умный город", "робототехника", "энергетика",
    "образование", "медицина", "сельское хозяйство",
]  # fmt: skip
VERBS = ["builds", "develops", "researches", "designs", "tests", "operates", "deploys"]
THINGS = [
    "sensors for city streets", "models for public services", "platforms for clinics",
    "tools for farmers", "systems for water supply", "apps for schools", "maps of the city",
    "решения для города", "сервисы для школ", "платформы для бизнеса",
]  # fmt: skip

SEARCHES = {
    "one word (en)": "robotics",
    "one word (ru)": "лаборатория",
    "two words": "data lab",
    "tag phrase": "machine learning",
    "russian inflection": "энергией",
    "typo": "robotcs",
    "partial word": "logist",
    "rare name": "Baiterek Quantum",
    "no match": "zzyzx",
}
LISTINGS = {
    "all, by name": DirectoryParams(),
    "all, newest": DirectoryParams(ordering="newest"),
    "kind": DirectoryParams(kinds=("startup",)),
    "kind + district": DirectoryParams(kinds=("it_company",), districts=("almaly",)),
    "tag": DirectoryParams(tags=("robotics",)),
    "two tags": DirectoryParams(tags=("iot", "smart-city")),
    "verified": DirectoryParams(verified=True),
    "search + kind + verified": DirectoryParams(q="data", kinds=("startup",), verified=True),
}


def build(rows: int) -> None:
    have = Organization.objects.filter(slug__startswith="bench-").count()
    if have >= rows:
        print(f"{have} bench organisations present.")
        if (
            not SearchWord.objects.exists()
            or OrganizationSearchRow.objects.filter(organization__slug__startswith="bench-").count()
            < have
        ):
            have = rows  # fall through to refresh the search columns only
        else:
            return
    rng = random.Random(have)
    tags = {}
    for word in TAG_WORDS:
        tag, _ = Tag.objects.get_or_create(name=word, defaults={"slug": word.replace(" ", "-")})
        tags[word] = tag
    tag_list = list(tags.values())
    kinds, districts = OrganizationKind.values, District.values
    started = time.perf_counter()
    batch = 5000
    for start in range(have, rows, batch):
        objects = []
        for n in range(start, min(start + batch, rows)):
            name = f"{rng.choice(PLACES)} {rng.choice(FIELDS)} {rng.choice(SUFFIXES)} {n}"
            objects.append(
                Organization(
                    name=name,
                    slug=f"bench-{n}",
                    kind=rng.choice(kinds),
                    district=rng.choice(districts),
                    tagline=f"{rng.choice(VERBS).capitalize()} {rng.choice(THINGS)}",
                    description=" ".join(
                        f"We {rng.choice(VERBS)} {rng.choice(THINGS)}." for _ in range(4)
                    ),
                    verified_at=django.utils.timezone.now() if rng.random() < 0.3 else None,
                )
            )
        with transaction.atomic():
            created = Organization.objects.bulk_create(objects)
            through = Organization.tags.through
            through.objects.bulk_create(
                [
                    through(organization_id=o.pk, tag_id=t.pk)
                    for o in created
                    for t in rng.sample(tag_list, rng.randint(1, 4))
                ]
            )
        print(f"  {min(start + batch, rows)}/{rows} rows", end="\r", flush=True)
    print(f"\nInserted {rows - have} organisations in {time.perf_counter() - started:.0f} s.")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE members_organization o SET tags_text = t.names, tag_ids = t.ids
            FROM (
                SELECT ot.organization_id, string_agg(tag.name, ' ' ORDER BY tag.name) AS names,
                       jsonb_agg(tag.id ORDER BY tag.id) AS ids
                FROM members_organization_tags ot JOIN members_tag tag ON tag.id = ot.tag_id
                GROUP BY ot.organization_id
            ) t
            WHERE t.organization_id = o.id AND o.slug LIKE 'bench-%%'
            """
        )
    Organization.objects.filter(slug__startswith="bench-").update(
        search_vector=search_vector_expression()
    )
    with connection.cursor() as cursor:
        # What services.organization_reindex does row by row, in one statement.
        cursor.execute(
            """
            INSERT INTO members_searchword (word)
            SELECT DISTINCT left(w, 100)
            FROM members_organization,
                 regexp_split_to_table(lower(name || ' ' || tags_text), '[^[:alnum:]_]+') AS w
            WHERE slug LIKE 'bench-%%' AND length(w) >= 3 AND w !~ '^[0-9]+$'
            ON CONFLICT (word) DO NOTHING
            """
        )
    with connection.cursor() as cursor:
        # The narrow ranking table (services.organization_reindex keeps it row by row).
        cursor.execute(
            """
            INSERT INTO members_organizationsearchrow (organization_id, search_vector, sort_name)
            SELECT id, search_vector, lower(name) FROM members_organization
            WHERE slug LIKE 'bench-%%'
            ON CONFLICT (organization_id) DO UPDATE
            SET search_vector = EXCLUDED.search_vector, sort_name = EXCLUDED.sort_name
            """
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL ANALYZE members_organization")
        cursor.execute("VACUUM FULL ANALYZE members_organizationsearchrow")
        cursor.execute("ANALYZE members_organization_tags")
    print(f"Search columns and statistics refreshed in {time.perf_counter() - started:.0f} s.")


def timed(function: Callable[[], object], runs: int) -> list[float]:
    function()  # warm-up: plan cache, shared buffers
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def first_page(params: DirectoryParams) -> Callable[[], object]:
    def run() -> object:
        result = organization_directory(params=params)
        return result.count(), list(result[:24])

    return run


def facets(params: DirectoryParams) -> Callable[[], object]:
    # The uncached computation: a page pays it once per directory change and query.
    return lambda: _directory_facets(params, search_plan(params.q))


def p(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def report(title: str, cases: dict[str, Callable[[], object]], runs: int) -> list[float]:
    print(f"\n{title}\n| query | p50 ms | p95 ms |\n| --- | ---: | ---: |")
    everything: list[float] = []
    for name, function in cases.items():
        samples = timed(function, runs)
        everything += samples
        print(f"| {name} | {p(samples, 50):.1f} | {p(samples, 95):.1f} |")
    print(f"| **all** | **{p(everything, 50):.1f}** | **{p(everything, 95):.1f}** |")
    return everything


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    if args.drop:
        deleted, _ = Organization.objects.filter(slug__startswith="bench-").delete()
        print(f"Deleted {deleted} rows.")
        return
    build(args.rows)
    total = Organization.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"\n{total} organisations, PostgreSQL {version}, {args.runs} runs per query.")
    report(
        "Searches (first page of 24 + total count)",
        {name: first_page(DirectoryParams(q=q)) for name, q in SEARCHES.items()},
        args.runs,
    )
    report(
        "Filtered listings (first page of 24 + total count)",
        {name: first_page(params) for name, params in LISTINGS.items()},
        args.runs,
    )
    report(
        "Facet counts, uncached (kind, district, verified, top tags)",
        {
            "no query": facets(DirectoryParams()),
            "search 'robotics'": facets(DirectoryParams(q="robotics")),
            "kind startup": facets(DirectoryParams(kinds=("startup",))),
        },
        max(5, args.runs // 3),
    )
    assert not Organization.objects.filter(
        Q(slug__startswith="bench-") & Q(search_vector=None)
    ).exists()


if __name__ == "__main__":
    main()
