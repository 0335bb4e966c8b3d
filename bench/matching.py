"""Time the matcher on a directory of 100,000 organisations (run by hand, PostgreSQL).

    createdb -h 127.0.0.1 -U postgres ucs_bench_matching
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucs_bench_matching \
        .venv/bin/python bench/matching.py [--organizations 100000] [--runs 5]

It migrates that database, fills it once with generated organisations (name, tagline and a
two-sentence description drawn from an ecosystem vocabulary), publishes a city problem and
times `rank_organizations` (the ranking alone) and `post_matches_refresh` (ranking plus
storing the suggestions), several runs each. Results go in docs/performance.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucs.settings.local")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from boards import matching, services  # noqa: E402
from boards.models import OrganizationTerms  # noqa: E402
from members.models import District, Membership, Organization, OrganizationKind, Role  # noqa: E402

VOCABULARY = (
    "air quality sensors iot data cloud platform analytics machine learning mobility transport "
    "traffic bus parking energy solar grid heating water utilities leaks health clinic patient "
    "education school students tutor safety seismic emergency digital government open portal "
    "tourism culture museum urban planning gis mapping twin housing social elderly inclusion "
    "economy business investment venture fund startup incubator accelerator research lab "
    "engineering software mobile web payments logistics retail agriculture food waste recycling "
    "climate emissions batteries drones robotics computer vision security identity blockchain"
)
WORDS = VOCABULARY.split()
KINDS = [k for k in OrganizationKind.values if k != OrganizationKind.GOVERNMENT]


def fill(count: int) -> None:
    existing = Organization.objects.filter(slug__startswith="bench-").count()
    if existing >= count:
        return
    rng = random.Random(42)
    batch: list[Organization] = []
    for i in range(existing, count):
        words = rng.sample(WORDS, 14)
        batch.append(
            Organization(
                name=f"{words[0].title()} {words[1].title()} {i}",
                slug=f"bench-{i}",
                kind=rng.choice(KINDS),
                district=rng.choice(District.values),
                tagline=" ".join(words[2:8]).capitalize() + ".",
                description=(
                    f"We work on {' '.join(words[8:11])} for the city. "
                    f"Our team builds {' '.join(words[11:14])} products."
                ),
            )
        )
        if len(batch) == 5000:
            Organization.objects.bulk_create(batch)
            batch = []
    Organization.objects.bulk_create(batch)


def problem() -> object:
    department, _ = Organization.objects.get_or_create(
        slug="bench-department",
        defaults={
            "name": "Bench Department of Ecology",
            "kind": OrganizationKind.GOVERNMENT,
            "verified_at": timezone.now(),
        },
    )
    user, _ = User.objects.get_or_create(email="bench@ucs.example", defaults={"name": "Bench"})
    Membership.objects.get_or_create(
        user=user, organization=department, defaults={"role": Role.OWNER}
    )
    return services.post_create(
        user=user,
        organization_slug=department.slug,
        kind="problem",
        title="Map winter air pollution street by street",
        summary="A dense, open network of air-quality sensors across the city.",
        body="Every winter PM2.5 exceeds the limit. We offer lamp posts, power and LoRaWAN.",
        expected_outcome="150 calibrated sensors reporting to a public map.",
        deadline=timezone.localdate() + timedelta(days=30),
        contact_name="Bench",
        contact_email="bench@ucs.example",
        categories=["ecology", "digital_government"],
        districts=["medeu"],
        tags=["air quality", "iot sensors"],
        publish=False,
    )


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL to a bench database.")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    fill(args.organizations)
    print(
        f"directory: {Organization.objects.count():,} organisations "
        f"(filled in {time.perf_counter() - started:.1f} s)"
    )
    # The one-off cost: indexing every profile's words (later runs index edited profiles only).
    OrganizationTerms.objects.all().delete()
    started = time.perf_counter()
    indexed = matching.organization_terms_refresh()
    print(
        f"organization_terms_refresh: {indexed:,} profiles indexed in "
        f"{time.perf_counter() - started:.1f} s (first run only)"
    )
    started = time.perf_counter()
    matching.organization_terms_refresh()
    print(
        f"organization_terms_refresh, nothing changed: "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
    post = problem()
    # Published without the Celery hop, so the timing is the matcher's own.
    type(post).objects.filter(pk=post.pk).update(status="open", published_at=timezone.now())
    post.refresh_from_db()

    def rank() -> None:
        matching.rank_organizations(
            post=post,
            categories=post.categories,
            districts=post.districts,
            tags=post.tags,
            keep=20,
        )

    for label, fn in (
        ("rank_organizations", rank),
        ("post_matches_refresh", lambda: services.post_matches_refresh(post=post)),
    ):
        times = timed(fn, args.runs)
        print(
            f"{label:<22} median {statistics.median(times) * 1000:7.0f} ms   "
            f"min {min(times) * 1000:7.0f} ms   max {max(times) * 1000:7.0f} ms   "
            f"({args.runs} runs)"
        )
    top = post.matches.select_related("organization")[:3]
    for match in top:
        print(f"  {match.score:6.2f}  {match.organization.name}  {match.reasons}")
    type(post).objects.filter(pk=post.pk).delete()


if __name__ == "__main__":
    main()
