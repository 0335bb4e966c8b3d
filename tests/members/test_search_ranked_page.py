"""The narrow ranking table (`OrganizationSearchRow`, PostgreSQL): a page of a plain
relevance search is ranked there and loaded by id. It must give exactly the rows, order
and count of the one-query version, and follow every change the services make."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import selectors, services
from members.models import Organization, OrganizationSearchRow
from members.search import DirectoryParams, search_plan
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.services]

QUERIES = ["lab", "sensors", "airsen", "Satbaev Univrsity", "машинного", "zzyzx", "geology"]


@pytest.fixture
def creator(db):
    return UserFactory.create()


@pytest.fixture
def directory(creator):
    made = []
    for n in range(30):
        made.append(
            services.organization_create(
                creator=creator,
                # Equal ranks for many rows: the tie-break (name, then id) decides.
                name=f"{'Alpha' if n % 3 else 'beta'} Lab {n % 7}",
                kind="startup",
                tags="sensors, geology" if n % 2 else "sensors",
                tagline="Sensors for the city" if n % 5 else "",
                description="Lab work." * (n % 4),
            )
        )
    made.append(
        services.organization_create(
            creator=creator,
            name="Satbayev University",
            kind="university",
            tags="geology",
            description="Машинного обучения лаборатория",
        )
    )
    return made


def one_query(params):
    """The ordinary queryset, iterated (never the narrow path)."""
    return [(o.pk, o.name) for o in selectors.organization_directory(params=params)]


@pytest.mark.parametrize("q", QUERIES)
def test_pages_and_count_match_the_one_query_version(directory, q):
    params = DirectoryParams(q=q)
    expected = one_query(params)
    result = selectors.organization_directory(params=params)
    assert result.count() == len(expected)
    for start, stop in [(0, 24), (0, 5), (5, 11), (24, 48), (30, 31)]:
        page = selectors.organization_directory(params=params)[start:stop]
        assert [(o.pk, o.name) for o in page] == expected[start:stop]


def test_a_page_is_ranked_on_the_narrow_table_with_tags_loaded(directory):
    params = DirectoryParams(q="sensors")
    plan = search_plan(params.q)  # the page shares it with the facets
    with CaptureQueriesContext(connection) as queries:
        result = selectors.organization_directory(params=params, plan=plan)
        page = Paginator(result, 24).get_page(1)
        rows = [(o.name, [t.name for t in o.tags.all()], o.rank) for o in page]  # type: ignore[attr-defined]
    assert len(rows) == 24
    assert page.paginator.count == 30
    assert page.has_next()
    sql = [query["sql"] for query in queries.captured_queries]
    # count, page ids, the page's rows, their tags
    assert len(sql) == 4
    assert "members_organizationsearchrow" in sql[0]
    assert "members_organizationsearchrow" in sql[1]
    assert "ts_rank" not in sql[2]
    assert all(isinstance(rank, float) for _name, _tags, rank in rows)


def test_other_filters_and_orderings_keep_the_one_query_version(directory):
    for params in (
        DirectoryParams(q="sensors", kinds=("startup",)),
        DirectoryParams(q="sensors", ordering="name"),
        DirectoryParams(q="sensors", tags=("geology",)),
        DirectoryParams(),
    ):
        with CaptureQueriesContext(connection) as queries:
            page = list(selectors.organization_directory(params=params)[:24])
        assert [(o.pk, o.name) for o in page] == one_query(params)[:24]
        assert not any("organizationsearchrow" in q["sql"] for q in queries.captured_queries)


def test_a_further_filter_is_never_ignored(directory):
    result = selectors.organization_directory(params=DirectoryParams(q="sensors"))
    narrowed = result.filter(name__startswith="beta")
    assert narrowed.count() == 10
    assert all(o.name.startswith("beta") for o in narrowed[:24])


def test_rows_follow_renames_retagging_and_deletion(directory, creator):
    uni = directory[-1]
    row = OrganizationSearchRow.objects.get(organization=uni)
    assert row.sort_name == "satbayev university"
    services.organization_update(
        actor=creator, organization=uni, data={"name": "Zhetysu Sensors Institute"}, tags="drones"
    )
    row.refresh_from_db()
    assert row.sort_name == "zhetysu sensors institute"
    page = selectors.organization_directory(params=DirectoryParams(q="drones"))[:24]
    assert [o.name for o in page] == ["Zhetysu Sensors Institute"]
    assert selectors.organization_directory(params=DirectoryParams(q="satbayev")).count() == 0
    Organization.objects.filter(pk=uni.pk).delete()
    assert not OrganizationSearchRow.objects.filter(organization_id=uni.pk).exists()
    assert selectors.organization_directory(params=DirectoryParams(q="drones"))[:24] == []


def test_the_narrow_table_has_its_gin_index(directory):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'members_orgsearchrow_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition


def test_directory_page_and_api_list_use_it_within_their_query_pins(
    directory, client, django_assert_max_num_queries
):
    # The same maxima as the SQLite pins in test_views / test_api (narrow path: count,
    # ids, rows, tags instead of count, rows, tags).
    with django_assert_max_num_queries(13):
        response = client.get("/members/", {"search": "sensors", "page": 2})
    assert response.status_code == 200
    html = response.content.decode()
    expected = one_query(DirectoryParams(q="sensors"))[24:]
    assert all(name in html for _pk, name in expected)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/organizations/", {"search": "sensors", "page_size": 5})
    body = response.json()
    assert body["count"] == 30
    assert body["next"] is not None
    assert body["previous"] is None
    assert [o["name"] for o in body["results"]] == [
        name for _pk, name in one_query(DirectoryParams(q="sensors"))[:5]
    ]
