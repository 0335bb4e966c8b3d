"""The matcher: each scoring function, and the ranking with its reasons."""

import pytest

from boards import matching, services
from boards.models import PostMatch
from members.models import OrganizationKind, Tag
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_terms_are_stems_without_stop_words():
    assert matching.terms("The sensors and a sensor for the city!") == {"sensor"}
    assert matching.terms("Загрязнение воздуха") == {"загряз", "воздух"}


def test_categories_are_inferred_from_profile_words():
    inferred = matching.infer_categories(matching.terms("IoT sensors that map air quality"))
    assert "ecology" in inferred
    assert matching.infer_categories(matching.terms("Online queues for polyclinics")) == {
        "healthcare"
    }


def test_score_shared_categories():
    assert matching.score_shared_categories({"ecology", "energy"}, {"ecology"}) == (
        0.5,
        ["ecology"],
    )
    assert matching.score_shared_categories({"ecology"}, set()) == (0.0, [])


def test_score_shared_tags_is_ready_for_expertise_tags():
    score, shared = matching.score_shared_tags(
        {"air quality", "IoT sensors"}, {"iot sensors", "Air Quality", "drones"}
    )
    assert (score, shared) == (1.0, ["air quality", "iot sensors"])
    assert matching.score_shared_tags({"air quality"}, set()) == (0.0, [])


def test_score_text_weighs_the_title_above_the_body():
    post_terms = {"sensor": 2.0, "lamp": 1.0}
    strong, words = matching.score_text(post_terms, {"sensor"})
    weak, _ = matching.score_text(post_terms, {"lamp"})
    assert strong > weak > 0
    assert words == ["sensor"]
    assert matching.score_text(post_terms, {"bread"}) == (0.0, [])


def test_ranking_orders_by_fit_and_explains_why(cast, make_post):
    OrganizationFactory.create(
        name="Bakery Ltd", kind=OrganizationKind.IT_COMPANY, tagline="Fresh bread daily."
    )
    OrganizationFactory.create(
        name="Other department", kind=OrganizationKind.GOVERNMENT, tagline="Air quality sensors."
    )
    lab = OrganizationFactory.create(
        name="Clean Air Lab",
        kind=OrganizationKind.RESEARCH_INSTITUTE,
        district="medeu",
        tagline="Research on air pollution and calibrated sensors.",
    )
    post = make_post()
    ranked = matching.rank_organizations(
        post=post, categories=["ecology"], districts=["medeu"], tags=post.tags, keep=10
    )
    ids = [m.organization_id for m in ranked]
    assert set(ids[:2]) == {cast.startup.pk, lab.pk}
    names = {m.organization_id: m.reasons for m in ranked}
    assert names[lab.pk]["district"] == "medeu"
    assert names[lab.pk]["categories"] == ["ecology"]
    # Government bodies, the posting organisation and organisations with no shared
    # category, tag or word are never suggested.
    assert cast.department.pk not in ids
    assert all(m.reasons["kind"] != OrganizationKind.GOVERNMENT for m in ranked)
    assert "Bakery" not in str(ranked)


def test_shared_expertise_tags_make_a_match_with_its_reason(cast, make_post):
    # No shared words at all: only the members' expertise tags connect them.
    quiet = OrganizationFactory.create(name="Quiet Co", tagline="", description="")
    for name in ("iot sensors", "air quality", "welding"):
        quiet.tags.add(Tag.objects.create(name=name, slug=name.replace(" ", "-")))
    assert matching.organizations_with_tags({"air quality"}) == {
        quiet.pk: {"iot sensors", "air quality", "welding"}
    }
    post = make_post()
    ranked = matching.rank_organizations(
        post=post, categories=["ecology"], districts=[], tags=post.tags, keep=5
    )
    quiet_match = next(m for m in ranked if m.organization_id == quiet.pk)
    assert quiet_match.reasons["tags"] == ["air quality", "iot sensors"]


def test_stored_suggestions_show_readable_words_and_only_to_the_poster(cast, make_post, client_for):
    post = make_post()
    services.post_matches_refresh(post=post)
    match = PostMatch.objects.get(post=post, organization=cast.startup)
    assert "sensors" in match.reasons["words"] or "air" in match.reasons["words"]
    page = client_for(cast.official).get(f"/boards/{post.pk}/").content.decode()
    assert "shared categories: Ecology and air quality" in page
    assert (
        "shared categories"
        not in client_for(cast.founder).get(f"/boards/{post.pk}/").content.decode()
    )


def test_the_profile_index_refreshes_only_what_changed(cast):
    from boards.models import OrganizationTerms
    from boards.tasks import refresh_organization_terms

    assert refresh_organization_terms() == 3  # the department, the two startups
    assert matching.organization_terms_refresh() == 0
    cast.startup.tagline = "Drones for bridge inspection"
    cast.startup.save()
    assert matching.organization_terms_refresh() == 1
    terms = OrganizationTerms.objects.get(organization=cast.startup).terms
    assert "drones" in terms
    assert "sensor" not in terms
