"""Directory search and facets. The plain tests run on every database; the `services`
tests prove the PostgreSQL ranking, typo tolerance and Russian stemming."""

import pytest
from django.contrib.auth.models import AnonymousUser

from members import selectors, services
from members.search import DirectoryParams
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(db):
    creator = UserFactory.create()

    def make(name, kind, tags="", tagline="", description="", district="almaly"):
        return services.organization_create(
            creator=creator,
            name=name,
            kind=kind,
            tags=tags,
            tagline=tagline,
            description=description,
            district=district,
        )

    return {
        "uni": make(
            "Satbayev University",
            "university",
            "engineering, geology",
            "Engineering school since 1934",
            district="bostandyk",
        ),
        "airsense": make(
            "AirSense",
            "startup",
            "air quality, sensors",
            "Low-cost sensors that map air quality",
            "We build **sensors** for the university campus.",
        ),
        "ai": make(
            "Институт искусственного интеллекта",
            "research_institute",
            "машинное обучение",
            "Исследования в области машинного обучения",
            "Лаборатории и университеты-партнёры",
            district="medeu",
        ),
        "geo": make("Nomad Geo", "it_company", "gis, geology", "Maps and digital twins"),
    }


def names(params):
    return [o.name for o in selectors.organization_directory(params=params)]


def test_empty_query_lists_everyone_by_name(directory):
    assert names(DirectoryParams()) == sorted(names(DirectoryParams()), key=str.lower)
    assert len(names(DirectoryParams())) == 4


def test_name_match_ranks_above_description_match(directory):
    assert names(DirectoryParams(q="university"))[0] == "Satbayev University"


def test_filters_combine(directory):
    assert names(DirectoryParams(kinds=("it_company", "university"), tags=("geology",))) == [
        "Nomad Geo",
        "Satbayev University",
    ]
    assert names(DirectoryParams(districts=("medeu",))) == ["Институт искусственного интеллекта"]
    assert names(DirectoryParams(tags=("geology", "gis"))) == ["Nomad Geo"]


def test_tag_filter_follows_retagging(directory):
    # Tag filters read the organisation's own tag ids, kept in step by the services.
    geo = directory["geo"]
    services.organization_update(
        actor=geo.memberships.get().user, organization=geo, data={}, tags="gis, drones"
    )
    assert names(DirectoryParams(tags=("geology",))) == ["Satbayev University"]
    assert names(DirectoryParams(tags=("drones", "gis"))) == ["Nomad Geo"]
    assert names(DirectoryParams(tags=("drones", "no-such-tag"))) == []


def test_verified_filter(directory):
    directory["geo"].verified_at = directory["geo"].created_at
    directory["geo"].save()
    assert names(DirectoryParams(verified=True)) == ["Nomad Geo"]
    assert "Nomad Geo" not in names(DirectoryParams(verified=False))


def test_cyrillic_search_ignores_case(directory):
    assert names(DirectoryParams(q="ИНСТИТУТ")) == ["Институт искусственного интеллекта"]


def test_newest_ordering(directory):
    assert names(DirectoryParams(ordering="newest"))[0] == "Nomad Geo"


def test_facets_count_each_dimension_without_its_own_filter(directory):
    facets = selectors.organization_directory_facets(params=DirectoryParams(kinds=("startup",)))
    kinds = {item["value"]: item["count"] for item in facets["kinds"]}
    # Choosing a kind still shows how many there are of the other kinds...
    assert kinds["university"] == 1
    assert kinds["startup"] == 1
    # ...while the other facets count within the chosen kind.
    districts = {item["value"]: item["count"] for item in facets["districts"]}
    assert districts == {**dict.fromkeys(districts, 0), "almaly": 1}
    tags = {item["value"]: item["count"] for item in facets["tags"]}
    assert tags == {"air-quality": 1, "sensors": 1}


def test_tag_counts_are_within_the_current_result(directory):
    facets = selectors.organization_directory_facets(params=DirectoryParams(tags=("geology",)))
    tags = {item["value"]: item["count"] for item in facets["tags"]}
    # Both geology organisations are counted; "gis" narrows them to one.
    assert tags == {"geology": 2, "engineering": 1, "gis": 1}


def test_chosen_tag_stays_in_the_facets(directory):
    facets = selectors.organization_directory_facets(
        params=DirectoryParams(q="Institute-that-does-not-exist", tags=("gis",))
    )
    assert [item["value"] for item in facets["tags"]] == ["gis"]
    assert facets["tags"][0]["selected"]


def test_team_visibility(directory):
    organization = directory["geo"]
    owner = organization.memberships.get().user
    hidden = UserFactory.create()
    organization.memberships.create(user=hidden, role="member", is_public=False)
    public = [
        m.user for m in selectors.organization_team(user=AnonymousUser(), organization=organization)
    ]
    assert public == [owner]
    colleagues = [
        m.user for m in selectors.organization_team(user=owner, organization=organization)
    ]
    assert set(colleagues) == {owner, hidden}


@pytest.mark.services
class TestPostgresSearch:
    def test_typo_is_forgiven(self, directory):
        assert names(DirectoryParams(q="Satbaev Univrsity"))[0] == "Satbayev University"

    def test_partial_word(self, directory):
        assert "AirSense" in names(DirectoryParams(q="airsen"))

    def test_russian_inflection(self, directory):
        # "институты" / "интеллектом" are other forms of the words in the name.
        assert names(DirectoryParams(q="интеллектом"))[0] == "Институт искусственного интеллекта"
        assert names(DirectoryParams(q="машинным обучением")) == [
            "Институт искусственного интеллекта"
        ]

    def test_english_stemming(self, directory):
        assert names(DirectoryParams(q="sensor"))[0] == "AirSense"

    def test_weights_name_over_tags_over_description(self, directory):
        ranked = names(DirectoryParams(q="geology"))
        # Nomad Geo and Satbayev both have the tag; neither has it in the name.
        assert set(ranked) == {"Nomad Geo", "Satbayev University"}
        ranked = names(DirectoryParams(q="university"))
        assert ranked[0] == "Satbayev University"
        assert "AirSense" in ranked  # only in its description

    def test_search_uses_the_gin_indexes(self, directory):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'members_%%'"
            )
            indexes = dict(cursor.fetchall())
        assert "USING gin (search_vector)" in indexes["members_org_search_gin"]
        assert "gin_trgm_ops" in indexes["members_searchword_trgm"]
        assert "jsonb_path_ops" in indexes["members_org_tag_ids_gin"]

    def test_tag_filters_use_the_tag_ids_column(self, directory):
        sql = str(
            selectors.organization_directory(params=DirectoryParams(tags=("gis", "geology"))).query
        )
        assert "tag_ids" in sql
        assert "@>" in sql
        assert "members_organization_tags" not in sql

    def test_the_cascade_picks_the_cheapest_step_that_matches(self, directory):
        from members.search import FUZZY, PREFIX, WORDS, search_plan

        assert search_plan("sensors").mode == WORDS
        assert search_plan("airsen").mode == PREFIX
        plan = search_plan("Satbaev Univrsity")
        assert plan.mode == FUZZY
        assert plan.text == "satbayev university"
        assert search_plan("zzyzx qwrtp").mode == WORDS  # nothing to correct towards
        assert names(DirectoryParams(q="zzyzx qwrtp")) == []
